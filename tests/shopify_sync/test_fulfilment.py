"""Telling Shopify that an order shipped: the fulfilment service against the fake shop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from common.redis import redis_client
from fotomalovanky.celery import app as celery_app
from orders.models import FulfilmentStatus, Order, OrderEvent
from orders.services import order_status_set
from shopify_sync.errors import ShopifyTransientError
from shopify_sync.services import order_fulfil
from tests.factories import OrderFactory
from tests.fakes.server import Reply
from tests.fakes.shopify import FakeShopify, fulfillment_order_node, http_error

pytestmark = pytest.mark.django_db
SHOPIFY_ID = 5_000_001_270
ORDER_GID = f"gid://shopify/Order/{SHOPIFY_ID}"
TASK = "shopify_sync.tasks.order_fulfil"


@pytest.fixture
def enabled(settings: Any) -> None:
    settings.SHOPIFY_FULFILL_ON_SENT = True


@pytest.fixture
def io_queue() -> Iterator[redis.Redis]:
    """The real broker's "io" queue, empty at the start and at the end."""
    celery_app.control.purge()
    yield redis_client()
    celery_app.control.purge()


def queued(queue: redis.Redis) -> list[tuple[str, str]]:
    """(task name, its arguments) of each message waiting in the "io" queue."""
    messages = [json.loads(raw) for raw in queue.lrange("io", 0, -1)]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def sent_order(**fields: Any) -> Order:
    defaults = {
        "shopify_id": SHOPIFY_ID,
        "order_number": "#1270",
        "status": Order.Status.SENT,
        "tracking_number": "Z 1234 5678",
        "carrier": "Zásilkovna",
        "fulfilment_status": FulfilmentStatus.PENDING,
    }
    return OrderFactory(**{**defaults, **fields})


def fulfil(order: Order) -> tuple[str, Order]:
    outcome = order_fulfil(order_id=order.pk)
    return outcome, Order.objects.get(pk=order.pk)


def mutations(shopify: FakeShopify) -> int:
    return shopify.operations.count("CreateFulfillment")


def test_it_fulfils_the_open_fulfillment_orders_with_the_tracking_and_tells_the_customer(
    shopify: FakeShopify,
) -> None:
    shopify.add_fulfillment_orders(
        ORDER_GID,
        fulfillment_order_node(11, [(111, 1), (112, 2), (113, 0)]),
        fulfillment_order_node(12, [(121, 1)], status="IN_PROGRESS"),
        fulfillment_order_node(13, [(131, 1)], status="CLOSED"),
        fulfillment_order_node(14, [(141, 1)], status="CANCELLED"),
    )

    outcome, order = fulfil(sent_order())

    assert outcome == "done"
    assert shopify.fulfillments == [
        {
            "notifyCustomer": True,
            "lineItemsByFulfillmentOrder": [
                {
                    "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/11",
                    "fulfillmentOrderLineItems": [
                        {"id": "gid://shopify/FulfillmentOrderLineItem/111", "quantity": 1},
                        {"id": "gid://shopify/FulfillmentOrderLineItem/112", "quantity": 2},
                    ],
                },
                {
                    "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/12",
                    "fulfillmentOrderLineItems": [
                        {"id": "gid://shopify/FulfillmentOrderLineItem/121", "quantity": 1}
                    ],
                },
            ],
            "trackingInfo": {"number": "Z 1234 5678", "company": "Zásilkovna"},
        }
    ]
    assert (order.fulfilment_status, order.fulfilment_error) == (FulfilmentStatus.DONE, "")
    assert order.shopify_fulfillment_id == "gid://shopify/Fulfillment/1"
    assert order.status == Order.Status.SENT
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert event.message == "Shopify informován o odeslání (Z 1234 5678, Zásilkovna)"


def test_without_a_tracking_number_it_sends_no_tracking_info(shopify: FakeShopify) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))

    outcome, _ = fulfil(sent_order(tracking_number="", carrier=""))

    assert outcome == "done"
    assert "trackingInfo" not in shopify.fulfillments[0]
    assert shopify.fulfillments[0]["notifyCustomer"] is True


def test_fulfillment_orders_of_two_locations_get_one_fulfilment_each(
    shopify: FakeShopify,
) -> None:
    shopify.add_fulfillment_orders(
        ORDER_GID,
        fulfillment_order_node(11, [(111, 1)], location=1),
        fulfillment_order_node(21, [(211, 1)], location=2),
    )

    outcome, order = fulfil(sent_order())

    assert outcome == "done"
    assert [
        f["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"] for f in shopify.fulfillments
    ] == [
        "gid://shopify/FulfillmentOrder/11",
        "gid://shopify/FulfillmentOrder/21",
    ]
    assert order.shopify_fulfillment_id == (
        "gid://shopify/Fulfillment/1 gid://shopify/Fulfillment/2"
    )


def test_a_second_run_makes_no_second_fulfilment(shopify: FakeShopify) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))
    order = sent_order()
    fulfil(order)

    outcome, again = fulfil(order)

    assert outcome == "skipped"
    assert len(shopify.fulfillments) == 1
    assert again.shopify_fulfillment_id == "gid://shopify/Fulfillment/1"


def test_a_run_whose_answer_was_lost_finds_the_fulfilment_done_and_sends_none(
    shopify: FakeShopify,
) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))
    order = sent_order()
    fulfil(order)
    # As if the worker died after Shopify fulfilled it, before we stored the answer.
    Order.objects.filter(pk=order.pk).update(
        fulfilment_status=FulfilmentStatus.PENDING, shopify_fulfillment_id=""
    )

    outcome, again = fulfil(order)

    assert outcome == "already-fulfilled"
    assert len(shopify.fulfillments) == 1
    assert again.fulfilment_status == FulfilmentStatus.DONE


def test_an_order_fulfilled_in_shopify_already_counts_as_done(shopify: FakeShopify) -> None:
    shopify.add_fulfillment_orders(
        ORDER_GID,
        fulfillment_order_node(11, [(111, 0)], status="CLOSED"),
        fulfillment_order_node(12, [(121, 1)], status="CANCELLED"),
    )

    outcome, order = fulfil(sent_order())

    assert outcome == "already-fulfilled"
    assert mutations(shopify) == 0
    assert (order.fulfilment_status, order.fulfilment_error) == (FulfilmentStatus.DONE, "")
    assert (
        "už byla vyřízena ve Shopify" in OrderEvent.objects.filter(order=order).latest("pk").message
    )


@pytest.mark.parametrize("status", ["ON_HOLD", "SCHEDULED", "CANCELLED"])
def test_no_open_fulfillment_order_is_an_error_with_a_czech_reason(
    shopify: FakeShopify, status: str
) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)], status=status))

    outcome, order = fulfil(sent_order())

    assert outcome == "error"
    assert mutations(shopify) == 0
    assert order.fulfilment_status == FulfilmentStatus.ERROR
    assert order.fulfilment_error.startswith("Ve Shopify není co odeslat")
    assert status in order.fulfilment_error
    assert order.status == Order.Status.SENT  # the local "sent" stands


def test_an_order_without_visible_fulfillment_orders_names_the_scope(shopify: FakeShopify) -> None:
    shopify.add_fulfillment_orders(ORDER_GID)  # the order exists, the token sees none of them

    outcome, order = fulfil(sent_order())

    assert outcome == "error"
    assert "read_merchant_managed_fulfillment_orders" in order.fulfilment_error


def test_user_errors_are_shown_with_shopifys_message_and_not_retried(shopify: FakeShopify) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))
    shopify.reject_fulfillment("Tracking number is invalid.")

    outcome, order = fulfil(sent_order())

    assert outcome == "error"
    assert mutations(shopify) == 1
    assert order.fulfilment_status == FulfilmentStatus.ERROR
    assert order.fulfilment_error == "Shopify odmítl vytvořit odeslání: Tracking number is invalid."
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert event.message == f"Oznámení Shopify: {order.fulfilment_error}"
    assert order.status == Order.Status.SENT


def test_a_refused_token_is_an_error_naming_the_token_and_the_scopes(
    shopify: FakeShopify, settings: Any
) -> None:
    settings.SHOPIFY_ACCESS_TOKEN = "shpat_revoked"
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))

    outcome, order = fulfil(sent_order())

    assert outcome == "error"
    assert len(shopify.requests) == 1  # a refused token is not retried
    assert order.fulfilment_status == FulfilmentStatus.ERROR
    assert "SHOPIFY_ACCESS_TOKEN" in order.fulfilment_error
    assert "write_merchant_managed_fulfillment_orders" in order.fulfilment_error


@pytest.mark.parametrize(
    "arrange",
    [
        pytest.param(lambda s: s.throttle(1, operation="CreateFulfillment"), id="throttled"),
        pytest.param(
            lambda s: s.fail(http_error(429, "1"), operation="CreateFulfillment"), id="429"
        ),
        pytest.param(lambda s: s.fail(*[http_error(503)] * 4), id="5xx"),
        pytest.param(lambda s: s.fail(*[Reply(drop=True)] * 4), id="network"),
    ],
)
def test_a_transient_failure_stays_pending_and_the_retry_fulfils(
    shopify: FakeShopify, arrange: Any
) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))
    arrange(shopify)
    order = sent_order()

    with pytest.raises(ShopifyTransientError):
        order_fulfil(order_id=order.pk)

    waiting = Order.objects.get(pk=order.pk)
    assert waiting.fulfilment_status == FulfilmentStatus.PENDING
    assert "zkusí znovu samo" in waiting.fulfilment_error
    assert shopify.fulfillments == []

    outcome, done = fulfil(order)  # the task's retry

    assert outcome == "done"
    assert len(shopify.fulfillments) == 1
    assert (done.fulfilment_status, done.fulfilment_error) == (FulfilmentStatus.DONE, "")


def test_an_undo_before_the_task_ran_creates_no_fulfilment(
    shopify: FakeShopify,
    enabled: None,
    io_queue: redis.Redis,
    django_capture_on_commit_callbacks: Any,
) -> None:
    shopify.add_fulfillment_orders(ORDER_GID, fulfillment_order_node(11, [(111, 1)]))
    order = sent_order(status=Order.Status.PRINTED, fulfilment_status="")
    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.SENT, actor="user:a")
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.PRINTED, actor="user:a")
    outcome, undone = fulfil(order)  # the task queued by "sent" runs now

    assert outcome == "not-sent"
    assert shopify.requests == []
    assert (undone.fulfilment_status, undone.status) == ("", Order.Status.PRINTED)


def test_the_task_itself_rechecks_that_the_order_is_still_sent(shopify: FakeShopify) -> None:
    # Even if the undo's listener never ran, the task leaves Shopify alone.
    order = sent_order(status=Order.Status.PRINTED)

    outcome, undone = fulfil(order)

    assert outcome == "not-sent"
    assert shopify.requests == []
    assert undone.fulfilment_status == ""


def test_marking_a_shopify_order_sent_queues_the_notice(
    enabled: None, io_queue: redis.Redis, django_capture_on_commit_callbacks: Any
) -> None:
    order = sent_order(status=Order.Status.PRINTED, fulfilment_status="")

    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.SENT, actor="user:a")

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.PENDING
    assert queued(io_queue) == [(TASK, f"({order.pk},)")]


def test_a_manual_order_marked_sent_tells_shopify_nothing(
    enabled: None, io_queue: redis.Redis, django_capture_on_commit_callbacks: Any
) -> None:
    order = sent_order(shopify_id=None, status=Order.Status.PRINTED, fulfilment_status="")

    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.SENT, actor="user:a")

    assert Order.objects.get(pk=order.pk).fulfilment_status == ""
    assert queued(io_queue) == []


def test_with_the_setting_off_marking_sent_tells_shopify_nothing(
    io_queue: redis.Redis, django_capture_on_commit_callbacks: Any
) -> None:
    order = sent_order(status=Order.Status.PRINTED, fulfilment_status="")

    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.SENT, actor="user:a")

    assert Order.objects.get(pk=order.pk).fulfilment_status == ""
    assert queued(io_queue) == []


def test_an_order_shopify_knows_of_already_is_not_queued_again_when_resent(
    enabled: None, io_queue: redis.Redis, django_capture_on_commit_callbacks: Any
) -> None:
    order = sent_order(
        status=Order.Status.PRINTED,
        fulfilment_status=FulfilmentStatus.DONE,
        shopify_fulfillment_id="gid://shopify/Fulfillment/1",
    )

    with django_capture_on_commit_callbacks(execute=True):
        order_status_set(order_id=order.pk, status=Order.Status.SENT, actor="user:a")

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.DONE
    assert queued(io_queue) == []
