"""The customer's photo authorisation: kept from Shopify's hidden attributes, valid only in
its window around the order, and required (when configured) before photos are fetched."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orders.consent import consent_valid, line_items_without_consent
from orders.models import LineItem, Order, OrderEvent
from shopify_sync.schemas import (
    line_item_from_graphql,
    line_items_from_webhook,
    order_from_json,
    order_to_json,
)
from shopify_sync.services import order_ingest, order_photos_download
from tests.factories import ImageFactory, LineItemFactory, OrderFactory
from tests.fakes.photos import FakePhotoHost
from tests.fakes.shopify import fixture, line_item_node
from tests.shopify_sync.test_ingest import order_1270

PLACED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
HIDDEN = {
    "_Photo authorization accepted": "true",
    "_Photo authorization version": "2026-10",
    "_Photo authorization accepted at": "2026-11-20T09:58:00Z",
    "_Photo authorization locale": "cs",
    "_Photo authorization text hash": "sha256:ab12",
}
KEPT = {
    "accepted": "true",
    "version": "2026-10",
    "accepted_at": "2026-11-20T09:58:00Z",
    "locale": "cs",
    "text_hash": "sha256:ab12",
}


def consent_at(when: datetime | str, accepted: str = "true") -> dict[str, str]:
    stamp = when if isinstance(when, str) else when.isoformat()
    return {"accepted": accepted, "accepted_at": stamp}


# --- the validity rule, at its boundaries ---


@pytest.mark.parametrize(
    ("accepted_at", "valid"),
    [
        (PLACED - timedelta(days=30), True),
        (PLACED - timedelta(days=30, seconds=1), False),
        (PLACED + timedelta(minutes=5), True),
        (PLACED + timedelta(minutes=5, seconds=1), False),
        (PLACED - timedelta(minutes=2), True),
        ("2026-11-20T09:58:00Z", True),
        ("2026-11-20T10:58:00+01:00", True),  # the same moment, written in Prague time
        ("2026-11-20T10:03:00", True),  # no zone: taken as UTC
        ("2026-11-20T10:06:00", False),
        ("včera odpoledne", False),
        ("2026-13-45T99:00:00Z", False),
        ("", False),
    ],
)
def test_consent_counts_only_from_30_days_before_to_5_minutes_after_the_order(
    accepted_at: datetime | str, valid: bool
) -> None:
    assert consent_valid(consent_at(accepted_at), order_created_at=PLACED) is valid


@pytest.mark.parametrize("accepted", ["false", "0", "", "no", "ne"])
def test_consent_not_accepted_is_not_valid(accepted: str) -> None:
    consent = consent_at(PLACED, accepted=accepted)

    assert consent_valid(consent, order_created_at=PLACED) is False


@pytest.mark.parametrize("accepted", ["true", "True", "1", "yes", "ano"])
def test_consent_accepted_in_any_usual_spelling_is_valid(accepted: str) -> None:
    assert consent_valid(consent_at(PLACED, accepted=accepted), order_created_at=PLACED)


def test_a_missing_consent_or_a_missing_time_is_not_valid() -> None:
    assert consent_valid({}, order_created_at=PLACED) is False
    assert consent_valid({"accepted": "true"}, order_created_at=PLACED) is False


# --- kept from the hidden attributes, never shown as attributes ---


def test_graphql_line_items_keep_the_five_consent_keys_out_of_the_attributes() -> None:
    node = line_item_node(1, {"Fotka 1": "https://cdn.example.com/1.jpg", **HIDDEN, "_x": "y"})

    item = line_item_from_graphql(node)

    assert item.consent == KEPT
    assert [key for key, _ in item.attributes] == ["Fotka 1"]


def test_webhook_line_items_keep_the_consent_too() -> None:
    payload = fixture("webhook_order.json")
    payload["line_items"][0]["properties"] += [{"name": k, "value": v} for k, v in HIDDEN.items()]

    items = line_items_from_webhook(payload)

    assert items is not None
    assert items[0].consent == KEPT
    assert not any(key.startswith("_") for key, _ in items[0].attributes)


def test_a_kept_change_remembers_the_consent_and_an_older_one_without_it_still_loads() -> None:
    items = (line_item_from_graphql(line_item_node(1, HIDDEN)),)
    raw = order_to_json(order_1270(line_items=items))

    assert order_from_json(raw).line_items[0].consent == KEPT  # type: ignore[index]
    for item in raw["line_items"]:
        del item["consent"]
    assert order_from_json(raw).line_items[0].consent == {}  # type: ignore[index]


@pytest.mark.django_db
def test_the_ingest_stores_the_consent_on_the_line_item(
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = order_1270().line_items[0]  # type: ignore[index]
    data = order_1270(line_items=(dataclasses.replace(item, consent=KEPT),))

    with django_capture_on_commit_callbacks():
        order_ingest(data=data, actor="t")

    assert LineItem.objects.get().consent == KEPT


# --- required: no download without it ---


def shop_order(host: FakePhotoHost, consent: dict[str, str]) -> Order:
    order = OrderFactory(order_number="#1401", created_at=PLACED)
    item = LineItemFactory(order=order, position=1, consent=consent)
    ImageFactory(line_item=item, position=1, original_url=host.url_for("/photos/coffee.jpg"))
    return order


@pytest.mark.django_db
def test_with_consent_required_an_order_without_it_is_not_downloaded_and_says_why(
    photo_host: FakePhotoHost, settings: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = True
    order = shop_order(photo_host, {})

    assert order_photos_download(order_id=order.pk) == "no-consent"
    assert order_photos_download(order_id=order.pk) == "no-consent"

    order.refresh_from_db()
    assert order.status == Order.Status.ERROR
    assert order.status_message == (
        "Fotky se nestahují: chybí platný souhlas zákazníka se zpracováním fotek "
        "(položka 1). Stáhnou se, až ho přinese synchronizace ze Shopify."
    )
    assert photo_host.hits == {}
    assert OrderEvent.objects.filter(order=order, to_status="error").count() == 1


@pytest.mark.django_db
def test_with_consent_required_a_valid_consent_lets_the_download_run(
    photo_host: FakePhotoHost, settings: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = True
    order = shop_order(photo_host, consent_at(PLACED - timedelta(minutes=1)))

    assert order_photos_download(order_id=order.pk) == "done"
    assert line_items_without_consent(order) == []


@pytest.mark.django_db
def test_without_the_requirement_an_order_without_consent_is_downloaded(
    photo_host: FakePhotoHost, settings: Any
) -> None:
    settings.PHOTO_CONSENT_REQUIRED = False
    order = shop_order(photo_host, {})

    assert order_photos_download(order_id=order.pk) == "done"
