"""Costs in the JSON API: `cost` on every version, `cost_total` and `cost_currency` on
orders, exact decimal strings for operators, and nothing for printers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fotomalovanky.api.auth import api_token_issue
from orders.models import Order
from processing.models import BookVersion

from .conftest import bearer, first_image, full_order, versions_of

pytestmark = pytest.mark.django_db


def priced(order: Order) -> None:
    """The first photo's first colouring costs 0.0876, its first SVG 4.6; one unknown."""
    colorings, svgs = versions_of(first_image(order))
    colorings[0].cost, svgs[0].cost = Decimal("0.0876"), Decimal("4.6")
    colorings[0].save()
    svgs[0].save()
    BookVersion.objects.create(
        line_item=order.line_items.get(), version=1, layout="gallery", cost=Decimal(0)
    )


@pytest.fixture
def printer_api(printer_user: User) -> Client:
    return bearer(api_token_issue(username=printer_user.username, days=1))


def test_each_version_carries_its_cost_as_an_exact_decimal_string(api: Client) -> None:
    priced(full_order(images=1, versions=2))

    body = api.get("/api/v1/orders/1270").json()

    versions = body["line_items"][0]["images"][0]["versions"]
    assert [v["cost"] for v in versions["coloring"]] == ["0.0876", None]
    assert [v["cost"] for v in versions["svg"]] == ["4.6000", None]
    assert (body["cost_total"], body["cost_currency"]) == ("4.6876", "CZK")


def test_the_order_list_carries_each_orders_cost_total(api: Client) -> None:
    priced(full_order(images=1, versions=1, number="#1270"))
    full_order(images=1, versions=1, number="#1300")

    orders = {o["order_number"]: o for o in api.get("/api/v1/orders").json()["orders"]}

    assert orders["#1270"]["cost_total"] == "4.6876"
    assert orders["#1300"]["cost_total"] == "0.0000"


def test_version_lists_carry_the_cost_too(api: Client) -> None:
    order = full_order(images=1, versions=1)
    priced(order)
    image = first_image(order)

    colorings = api.get(f"/api/v1/images/{image.pk}/coloring-versions").json()

    assert [v["cost"] for v in colorings] == ["0.0876"]


def test_a_printer_sees_no_costs_in_the_api(printer_api: Client) -> None:
    order = full_order(images=1, versions=1)
    priced(order)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.APPROVED)

    detail = printer_api.get("/api/v1/orders/1270").json()
    listed = printer_api.get("/api/v1/orders").json()["orders"][0]

    versions = detail["line_items"][0]["images"][0]["versions"]
    assert {v["cost"] for kind in versions.values() for v in kind} == {None}
    assert detail["cost_total"] is None and listed["cost_total"] is None


def test_the_openapi_document_describes_the_costs(api: Client) -> None:
    schemas: dict[str, Any] = api.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert "cost" in schemas["ColoringVersionOut"]["properties"]
    assert "cost_total" in schemas["OrderDetailOut"]["properties"]
    assert "four places" in schemas["OrderOut"]["properties"]["cost_total"]["description"]
