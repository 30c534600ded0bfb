"""Shopify changes an order after approval: nothing is overwritten, staff decide.

And automatic steps (a re-sync, a download, a finished version) never move an order
that staff hold (approved, printed, sent, cancelled).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from orders.models import Image, LineItem, Order, OrderEvent
from processing.services.state import version_complete
from shopify_sync.errors import ChangeRefused
from shopify_sync.schemas import LineItemData, OrderData
from shopify_sync.services import (
    order_change_apply,
    order_change_keep,
    order_ingest,
    order_photos_download,
)
from tests import factories
from tests.processing.conftest import page_png
from tests.shopify_sync.test_ingest import order_1270

pytestmark = pytest.mark.django_db
S = Order.Status


def approved_1270() -> Order:
    """#1270 imported, its photos "downloaded", approved by staff."""
    order_ingest(data=order_1270(), actor="test")
    order = Order.objects.get()
    Image.objects.update(downloaded_at="2026-01-20T14:00:00Z", file="x.jpg")
    Order.objects.filter(pk=order.pk).update(status=S.APPROVED)
    return order


def with_photo_changed(data: OrderData, url: str) -> OrderData:
    """The first line item's first photo at another address."""
    assert data.line_items is not None
    first = data.line_items[0]
    photo = first.photos[0]
    key = next(k for k, v in first.attributes if v == photo.url)
    attributes = tuple((k, url if k == key else v) for k, v in first.attributes)
    items = (dataclasses.replace(first, attributes=attributes), *data.line_items[1:])
    return dataclasses.replace(data, line_items=items)


def with_dedication(data: OrderData, text: str) -> OrderData:
    assert data.line_items is not None
    first: LineItemData = data.line_items[0]
    attributes = tuple((k, text if k == "Věnování" else v) for k, v in first.attributes)
    items = (dataclasses.replace(first, attributes=attributes), *data.line_items[1:])
    return dataclasses.replace(data, line_items=items)


def snapshot() -> list[tuple[Any, ...]]:
    items = [(li.dedication, li.layout) for li in LineItem.objects.order_by("pk")]
    photos = [(i.original_url, i.file.name) for i in Image.objects.order_by("pk")]
    return [*items, *photos]


def test_a_change_after_approval_is_kept_aside_and_logged(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = approved_1270()
    before = snapshot()
    changed = with_dedication(with_photo_changed(order_1270(), "https://x.example/new.jpg"), "Ahoj")

    with django_capture_on_commit_callbacks(execute=True):
        order_ingest(data=changed, actor="shopify:orders/updated")

    order.refresh_from_db()
    assert order.status == S.APPROVED and snapshot() == before
    assert order.change_pending
    (item,) = order.pending_change["items"]
    assert item["position"] == 1
    assert "fotka 1 vyměněna (nová adresa)" in item["lines"]
    assert any(line.startswith("věnování:") and "Ahoj" in line for line in item["lines"])
    event = OrderEvent.objects.filter(order=order).latest("pk")
    assert "čekají na rozhodnutí" in event.message and event.actor == "shopify:orders/updated"


def test_keep_discards_it_and_only_a_different_change_warns_again() -> None:
    order = approved_1270()
    changed = with_dedication(order_1270(), "Ahoj")
    order_ingest(data=changed, actor="shopify")
    before = snapshot()

    order_change_keep(order=order, actor="user:jana")
    order_ingest(data=changed, actor="shopify")  # the same difference again

    order.refresh_from_db()
    assert (order.status, order.change_pending, snapshot()) == (S.APPROVED, False, before)
    order_ingest(data=with_dedication(order_1270(), "Jiné"), actor="shopify")
    order.refresh_from_db()
    assert order.change_pending and "Jiné" in str(order.pending_change["items"])
    with pytest.raises(ChangeRefused):
        order_change_keep(order=factories.OrderFactory(), actor="user:jana")


def test_apply_ingests_it_and_the_order_returns_to_review_with_new_photos(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = approved_1270()
    image = Image.objects.order_by("pk").first()
    assert image is not None
    factories.ColoringVersionFactory(image=image, status="completed")
    changed = with_dedication(with_photo_changed(order_1270(), "https://x.example/new.jpg"), "Ahoj")
    order_ingest(data=changed, actor="shopify")

    with django_capture_on_commit_callbacks() as callbacks:
        order_change_apply(order=order, actor="user:jana")

    order.refresh_from_db()
    image.refresh_from_db()
    assert order.status == S.READY_FOR_REVIEW and order.pending_change is None
    assert image.original_url == "https://x.example/new.jpg" and not image.file
    assert LineItem.objects.get(position=1).dedication == "Ahoj"
    back = OrderEvent.objects.filter(order=order, to_status=S.READY_FOR_REVIEW).latest("pk")
    assert back.from_status == S.APPROVED and "Použity změny ze Shopify" in back.note
    sent = [c.args[0] for c in callbacks if getattr(c, "args", None)]
    assert "shopify_sync.tasks.order_photos_download" in sent
    with pytest.raises(ChangeRefused):
        order_change_apply(order=order, actor="user:jana")  # nothing left to apply


@pytest.mark.parametrize("status", [S.APPROVED, S.PRINTED, S.SENT, S.CANCELLED])
def test_a_resync_a_download_or_a_finished_version_never_moves_a_held_order(
    status: str, settings: Any
) -> None:
    order = approved_1270()
    Order.objects.filter(pk=order.pk).update(status=status)
    Image.objects.filter(pk=Image.objects.order_by("pk")[0].pk).update(downloaded_at=None)

    order_ingest(data=order_1270(), actor="shopify")
    assert order_photos_download(order_id=order.pk) == "skipped"
    version = factories.ColoringVersionFactory(
        image=Image.objects.order_by("pk")[1], status="processing"
    )
    version_complete(version, from_statuses={"processing"}, data=page_png())

    assert Order.objects.get(pk=order.pk).status == status
