"""The intake check on a real Celery worker: queued when photos are stored, and a corrected
photo set, found by the next Shopify sync, lifting a hold by itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from orders.models import Image, Order, OrderEvent
from orders.services import order_status_set
from orders.services.holds import order_hold_confirm
from shopify_sync.services import order_sync, orders_fetch
from tests import factories
from tests.fakes.photos import FakePhotoHost
from tests.fakes.shopify import FakeShopify, line_item_node, order_node
from tests.processing.intake_images import jpeg, scene, stored_photo

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)


def checked(order_id: int) -> Callable[[], bool]:
    return lambda: Order.objects.get(pk=order_id).intake_checked_at is not None


def test_an_order_reaching_review_is_checked_by_the_worker(celery_worker: object) -> None:
    order = factories.OrderFactory(status="pending")
    item = factories.LineItemFactory(order=order, position=1, variant_title="Kniha / 2")
    stored_photo(item, 1, jpeg(scene(1)))
    stored_photo(item, 2, jpeg(scene(2, size=(500, 400))))

    with transaction.atomic():
        order_status_set(order_id=order.pk, status="ready_for_review", actor="t")

    wait_until(checked(order.pk))
    order.refresh_from_db()
    assert (order.intake_held, order.intake_clear) == (True, False)
    assert Image.objects.get(line_item=item, position=2).intake_findings[0]["code"] == "tiny"


def shop_order(shop: FakeShopify, photo_url: str, updated_at: str) -> None:
    photos = {"Fotka 1": photo_url}
    shop.add(
        order_node(
            1401,
            created_at="2026-11-20T10:00:00Z",
            updated_at=updated_at,
            line_items=[line_item_node(14010, photos, variantTitle="Kniha / 1")],
        )
    )


def test_a_corrected_photo_found_by_the_next_sync_lifts_the_hold(
    celery_worker: object, shopify: FakeShopify, photo_host: FakePhotoHost, settings: Any
) -> None:
    shop_order(shopify, photo_host.url_for("/photos/chelsea.jpg"), "2026-11-20T10:00:00Z")
    orders_fetch(limit=5, actor="t")
    order = Order.objects.get()
    wait_until(checked(order.pk))
    order.refresh_from_db()
    assert order.intake_held
    order_hold_confirm(order_id=order.pk, actor="user:jana")

    shop_order(shopify, photo_host.url_for("/photos/coffee-12mp.jpg"), "2026-11-21T10:00:00Z")
    assert order_sync(order_id=order.pk, actor="t") == "updated"

    wait_until(lambda: Order.objects.get(pk=order.pk).intake_clear)
    order.refresh_from_db()
    assert (order.intake_held, order.hold_confirmed_at, order.hold_confirmed_by) == (
        False,
        None,
        "",
    )
    assert Image.objects.get().intake_findings == []
    messages = list(OrderEvent.objects.filter(order=order).values_list("message", flat=True))
    assert (
        "Fotky se změnily: kontrola fotek proběhne znovu"
        " (zadržení zrušeno, i potvrzení „Generovat i tak“)"
    ) in messages
