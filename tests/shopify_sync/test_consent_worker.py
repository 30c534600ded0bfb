"""Consent required, on a real worker: an order without it is held and not downloaded; the
sync that brings it downloads the photos and releases the order."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from orders.models import Image, LineItem, Order
from shopify_sync.services import order_sync, orders_fetch
from tests.fakes.photos import FakePhotoHost
from tests.fakes.shopify import FakeShopify, line_item_node, order_node

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CONSENT = {
    "_Photo authorization accepted": "true",
    "_Photo authorization version": "2026-10",
    "_Photo authorization accepted at": "2026-11-20T09:58:00Z",
    "_Photo authorization locale": "cs",
    "_Photo authorization text hash": "sha256:ab12",
}


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)


def shop_order(shop: FakeShopify, host: FakePhotoHost, updated_at: str, **hidden: str) -> None:
    attributes = {"Fotka 1": host.url_for("/photos/coffee-12mp.jpg"), **hidden}
    shop.add(
        order_node(
            1402,
            created_at="2026-11-20T10:00:00Z",
            updated_at=updated_at,
            line_items=[line_item_node(14020, attributes, variantTitle="Kniha / 1")],
        )
    )


def test_an_order_without_consent_is_held_undownloaded_until_a_sync_brings_it(
    celery_worker: object, shopify: FakeShopify, photo_host: FakePhotoHost, settings: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = True
    shop_order(shopify, photo_host, "2026-11-20T10:00:00Z")

    orders_fetch(limit=5, actor="t")

    order = Order.objects.get()
    wait_until(lambda: Order.objects.get(pk=order.pk).intake_checked_at is not None)
    order.refresh_from_db()
    assert (order.status, order.intake_held) == ("error", True)
    assert "chybí platný souhlas" in order.status_message
    assert [f["code"] for f in LineItem.objects.get().intake_findings] == ["no_consent"]
    assert Image.objects.get().downloaded_at is None
    assert photo_host.hits == {}

    shop_order(shopify, photo_host, "2026-11-21T10:00:00Z", **CONSENT)
    assert order_sync(order_id=order.pk, actor="t") == "updated"

    wait_until(lambda: Order.objects.get(pk=order.pk).intake_clear)
    order.refresh_from_db()
    assert (order.status, order.intake_held) == ("ready_for_review", False)
    assert LineItem.objects.get().consent["accepted_at"] == "2026-11-20T09:58:00Z"
    assert Image.objects.get().downloaded_at is not None
