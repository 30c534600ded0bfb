"""order_ingest: idempotent upserts, metadata refresh, stale data, photos, nothing deleted."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from orders.models import Image, LineItem, Order, OrderEvent
from processing.models import ColoringVersion
from shopify_sync.schemas import OrderData, line_item_from_graphql, order_from_graphql
from shopify_sync.services import order_ingest
from tests.fakes.shopify import fixture

pytestmark = pytest.mark.django_db


def order_1270(**changes: Any) -> OrderData:
    node = fixture("order_1270.json")
    items = tuple(line_item_from_graphql(item) for item in node.pop("lineItems"))
    return dataclasses.replace(order_from_graphql(node, items), **changes)


def ingest(data: OrderData, captured: Any) -> Any:
    with captured() as callbacks:
        result = order_ingest(data=data, actor="test")
    return result, callbacks


def test_it_imports_the_order_its_line_items_and_photos(
    django_capture_on_commit_callbacks: Any,
) -> None:
    result, callbacks = ingest(order_1270(), django_capture_on_commit_callbacks)

    order = Order.objects.get()
    assert result.outcome == "imported"
    assert (order.order_number, order.shopify_id, order.payment_status) == (
        "#1270",
        5861201002761,
        "PAID",
    )
    assert order.created_at == datetime(2026, 1, 20, 13, 3, tzinfo=UTC)
    assert order.customer_name == "Anna Dvořáková"
    assert order.status == Order.Status.PENDING
    items = list(LineItem.objects.order_by("position"))
    assert [(li.position, li.title, li.quantity) for li in items] == [
        (1, "Omalovánka z vašich fotek", 1),
        (2, "Omalovánka z vašich fotek", 1),
        (3, "Dárkové balení", 2),
    ]
    assert (items[0].dedication, items[0].layout) == ("Pro Aničku k narozeninám", "Na výšku")
    photos = [
        (i.line_item.position, i.position, i.original_url.rsplit("/", 1)[-1])
        for i in Image.objects.select_related("line_item")
    ]
    # "Fotka 2" of item 2 is "not a url": a photo all the same, whose download will fail
    # with the reason (an empty "Fotka (4)-3" is a photo the customer did not give).
    assert photos == [
        (1, 1, "chelsea.jpg"),
        (1, 2, "rocket.png"),
        (1, 4, "coffee.jpg"),
        (2, 1, "astronaut.jpg"),
        (2, 2, "not a url"),
    ]
    assert result.downloads == 5
    assert len(callbacks) == 2  # the announcement of the new order and the photo download


def test_running_it_twice_changes_nothing_the_second_time(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    before = list(Image.objects.values_list("pk", "original_url", "line_item_id"))

    result, _ = ingest(order_1270(), django_capture_on_commit_callbacks)

    assert result.outcome == "unchanged"
    assert (Order.objects.count(), LineItem.objects.count()) == (1, 3)
    assert list(Image.objects.values_list("pk", "original_url", "line_item_id")) == before


def test_a_known_orders_metadata_is_refreshed_and_logged(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    later = datetime(2026, 1, 21, 9, 0, tzinfo=UTC)

    result, _ = ingest(
        order_1270(payment_status="REFUNDED", email="nova@example.cz", updated_at=later),
        django_capture_on_commit_callbacks,
    )

    order = Order.objects.get()
    assert result.outcome == "updated"
    assert (order.payment_status, order.customer_email) == ("REFUNDED", "nova@example.cz")
    assert order.shopify_updated_at == later
    assert OrderEvent.objects.filter(message__contains="platba: PAID → REFUNDED").exists()


def test_older_data_never_overwrites_newer(django_capture_on_commit_callbacks: Any) -> None:
    newer = datetime(2026, 1, 22, tzinfo=UTC)
    ingest(
        order_1270(payment_status="REFUNDED", updated_at=newer), django_capture_on_commit_callbacks
    )

    result, _ = ingest(
        order_1270(payment_status="PAID", updated_at=newer - timedelta(hours=1)),
        django_capture_on_commit_callbacks,
    )

    assert result.outcome == "stale"
    assert Order.objects.get().payment_status == "REFUNDED"


def test_an_empty_value_from_shopify_does_not_erase_ours(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)

    ingest(order_1270(customer_name="", email=""), django_capture_on_commit_callbacks)

    order = Order.objects.get()
    assert (order.customer_name, order.customer_email) == (
        "Anna Dvořáková",
        "anna.dvorakova@example.cz",
    )


def downloaded(image: Image) -> Image:
    image.file = default_storage.save("1/1/image_1.jpg", ContentFile(b"jpeg"))
    image.downloaded_at = datetime(2026, 1, 20, tzinfo=UTC)
    image.save()
    return image


def with_url(data: OrderData, old: str, new: str) -> OrderData:
    items = tuple(
        dataclasses.replace(
            li, attributes=tuple((k, v.replace(old, new)) for k, v in li.attributes)
        )
        for li in data.line_items or ()
    )
    return dataclasses.replace(data, line_items=items)


def test_a_changed_photo_url_without_colouring_is_downloaded_again(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    image = downloaded(Image.objects.get(original_url__endswith="chelsea.jpg"))
    stored = image.file.name

    result, callbacks = ingest(
        with_url(order_1270(), "chelsea.jpg", "chelsea-new.jpg"), django_capture_on_commit_callbacks
    )
    for callback in callbacks:
        callback()

    image.refresh_from_db()
    assert result.outcome == "updated"
    assert image.original_url.endswith("chelsea-new.jpg")
    assert (image.file.name, image.downloaded_at) == ("", None)
    assert not default_storage.exists(stored)


def test_a_changed_photo_url_with_colourings_keeps_the_photo(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    image = downloaded(Image.objects.get(original_url__endswith="chelsea.jpg"))
    ColoringVersion.objects.create(image=image, version=1, status="completed", is_selected=True)

    ingest(
        with_url(order_1270(), "chelsea.jpg", "chelsea-new.jpg"), django_capture_on_commit_callbacks
    )

    image.refresh_from_db()
    assert image.original_url.endswith("/chelsea.jpg")
    assert image.downloaded_at is not None
    assert ColoringVersion.objects.get().is_selected
    assert OrderEvent.objects.filter(message__contains="ponechána původní").exists()


def test_a_sync_never_deletes_what_shopify_no_longer_lists(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    data = order_1270()

    ingest(
        dataclasses.replace(data, line_items=data.line_items[:1]),
        django_capture_on_commit_callbacks,
    )

    assert (LineItem.objects.count(), Image.objects.count()) == (3, 5)


def test_line_item_fields_are_refreshed(django_capture_on_commit_callbacks: Any) -> None:
    ingest(order_1270(), django_capture_on_commit_callbacks)
    data = order_1270()
    first = dataclasses.replace(
        data.line_items[0],
        attributes=tuple(
            (k, "Pro Aničku a Péťu" if k == "Věnování" else v)
            for k, v in data.line_items[0].attributes
        ),
    )

    ingest(
        dataclasses.replace(data, line_items=(first, *data.line_items[1:])),
        django_capture_on_commit_callbacks,
    )

    assert LineItem.objects.get(position=1).dedication == "Pro Aničku a Péťu"


def test_an_order_without_photos_is_ready_for_review_at_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = order_1270()

    result, _ = ingest(
        dataclasses.replace(data, line_items=data.line_items[2:]),
        django_capture_on_commit_callbacks,
    )

    assert result.downloads == 0
    assert Order.objects.get().status == Order.Status.READY_FOR_REVIEW
