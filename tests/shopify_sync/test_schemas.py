"""Parsing Shopify's shapes: photo attributes, dedication, layout, payment status, times."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shopify_sync.schemas import (
    MAX_URL_LENGTH,
    LineItemData,
    PhotoRef,
    clean_attributes,
    order_from_graphql,
    order_from_webhook,
)
from tests.fakes.shopify import fixture


def item(*pairs: tuple[str, str]) -> LineItemData:
    return LineItemData(1, "Omalovánka", "", 1, clean_attributes(pairs))


@pytest.mark.parametrize(
    ("key", "position"),
    [("Fotka 1", 1), ("Fotka 12", 12), ("Fotka (4)-3", 3), ("Fotka3", 3), ("Fotka (4) - 2", 2)],
)
def test_photo_attribute_names_give_the_position(key: str, position: int) -> None:
    assert item((key, "https://cdn.example.com/a.jpg")).photos == [
        PhotoRef(position, "https://cdn.example.com/a.jpg")
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Fotka 1", ""),  # empty value: a photo the customer did not give
        ("Fotka 1", "   "),
        ("fotka 1", "https://cdn.example.com/a.jpg"),  # the upload app writes "Fotka"
        ("_Fotka 1", "https://cdn.example.com/a.jpg"),  # hidden attribute
        ("Fotka 0", "https://cdn.example.com/a.jpg"),  # positions start at 1
        ("Věnování", "https://cdn.example.com/a.jpg"),
    ],
)
def test_what_is_not_a_photo(key: str, value: str) -> None:
    assert item((key, value)).photos == []


@pytest.mark.parametrize(
    "value", ["nahráno", "ftp://cdn.example.com/a.jpg", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_a_value_that_is_no_http_url_is_still_a_photo(value: str) -> None:
    # It must not vanish: the download refuses it with a reason staff see.
    assert item(("Fotka 3", f" {value} ")).photos == [PhotoRef(3, value)]


def test_a_value_is_cut_to_what_the_database_holds() -> None:
    (photo,) = item(("Fotka 1", "https://a.example/" + "x" * 3000)).photos
    assert len(photo.url) == MAX_URL_LENGTH


def test_for_a_repeated_position_the_first_attribute_wins() -> None:
    photos = item(
        ("Fotka 2", "https://a.example/2.jpg"),
        ("Fotka (4)-2", "https://a.example/other.jpg"),
        ("Fotka 1", "https://a.example/1.jpg"),
    ).photos

    assert photos == [
        PhotoRef(1, "https://a.example/1.jpg"),
        PhotoRef(2, "https://a.example/2.jpg"),
    ]


def test_dedication_and_layout_come_from_their_attributes_and_hidden_keys_are_dropped() -> None:
    line_item = item(("Věnování", " Pro Aničku "), ("Rozvržení", "Na výšku"), ("_session", "x"))

    assert (line_item.dedication, line_item.layout) == ("Pro Aničku", "Na výšku")
    assert line_item.attributes == (("Věnování", "Pro Aničku"), ("Rozvržení", "Na výšku"))


def test_graphql_order_is_parsed_with_upper_case_payment_and_utc_times() -> None:
    node = fixture("order_1270.json")
    node.pop("lineItems")

    order = order_from_graphql(node)

    assert order.shopify_id == 5861201002761
    assert order.name == "#1270"
    assert order.created_at == datetime(2026, 1, 20, 13, 3, tzinfo=UTC)
    assert order.payment_status == "PAID"
    assert order.customer_name == "Anna Dvořáková"
    assert order.shipping_method == "Zásilkovna"
    assert order.line_items is None


def test_webhook_order_is_parsed_the_same_way() -> None:
    order = order_from_webhook(fixture("webhook_order.json"))

    assert order.payment_status == "PAID"  # REST says "paid"
    assert order.created_at == datetime(2026, 1, 20, 13, 3, tzinfo=UTC)
    assert order.updated_at == datetime(2026, 1, 20, 13, 5, 12, tzinfo=UTC)
    assert order.customer_name == "Anna Dvořáková"
    assert order.line_items is not None
    assert [p.position for p in order.line_items[0].photos] == [1, 2]
    assert order.line_items[0].dedication == "Pro Aničku k narozeninám"


def test_webhook_without_complete_line_items_asks_for_a_graphql_fetch() -> None:
    payload = fixture("webhook_order.json")
    del payload["line_items"][0]["properties"]

    assert order_from_webhook(payload).line_items is None


def test_partially_paid_from_rest_becomes_shopify_enum_form() -> None:
    payload = fixture("webhook_order.json") | {"financial_status": "partially_refunded"}

    assert order_from_webhook(payload).payment_status == "PARTIALLY_REFUNDED"
