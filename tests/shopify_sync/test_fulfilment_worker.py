"""On real parts: marking an order sent reaches the fake Shopify through a real worker."""

from __future__ import annotations

from typing import Any

import pytest

from orders.models import FulfilmentStatus, Order
from orders.services import order_status_set
from tests.factories import OrderFactory
from tests.fakes.shopify import FakeShopify, fulfillment_order_node
from tests.live import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SHOPIFY_ID = 5_000_001_270


@pytest.fixture
def printed_order(shopify: FakeShopify, settings: Any) -> Order:
    settings.SHOPIFY_FULFILL_ON_SENT = True
    shopify.add_fulfillment_orders(
        f"gid://shopify/Order/{SHOPIFY_ID}", fulfillment_order_node(11, [(111, 1)])
    )
    return OrderFactory(
        shopify_id=SHOPIFY_ID,
        order_number="#1270",
        status=Order.Status.PRINTED,
        tracking_number="Z 1234",
        carrier="Zásilkovna",
    )


def mark_sent(order: Order) -> None:
    assert order_status_set(
        order_id=order.pk, status=Order.Status.SENT, actor="user:operator", expected={"printed"}
    )


def fulfilment_status(order: Order) -> str:
    return Order.objects.values_list("fulfilment_status", flat=True).get(pk=order.pk)


def test_marking_sent_makes_the_worker_create_the_fulfilment(
    celery_worker: object, shopify: FakeShopify, printed_order: Order
) -> None:
    mark_sent(printed_order)

    wait_for(lambda: fulfilment_status(printed_order) == FulfilmentStatus.DONE, "the fulfilment")
    assert shopify.fulfillments == [
        {
            "notifyCustomer": True,
            "lineItemsByFulfillmentOrder": [
                {
                    "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/11",
                    "fulfillmentOrderLineItems": [
                        {"id": "gid://shopify/FulfillmentOrderLineItem/111", "quantity": 1}
                    ],
                }
            ],
            "trackingInfo": {"number": "Z 1234", "company": "Zásilkovna"},
        }
    ]
    order = Order.objects.get(pk=printed_order.pk)
    assert (order.status, order.shopify_fulfillment_id) == (
        Order.Status.SENT,
        "gid://shopify/Fulfillment/1",
    )


def test_a_throttled_fulfilment_is_retried_by_the_task(
    celery_worker: object, shopify: FakeShopify, printed_order: Order
) -> None:
    shopify.throttle(1, operation="CreateFulfillment")

    mark_sent(printed_order)

    wait_for(lambda: fulfilment_status(printed_order) == FulfilmentStatus.DONE, "the retry")
    assert shopify.operations.count("CreateFulfillment") == 2  # throttled, then accepted
    assert len(shopify.fulfillments) == 1
