"""Costs in the back office: the order changelist's column (one annotation, no query per
row) and each version's stored cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order
from processing.models import BookVersion
from tests.factories import ColoringVersionFactory, ImageFactory, SvgVersionFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:orders_order_changelist"


def priced_order(number: str, coloring: str | None, svg: str = "0.92") -> Order:
    image = ImageFactory(downloaded=True, line_item__order__order_number=number)
    version = ColoringVersionFactory(
        image=image, status="completed", cost=None if coloring is None else Decimal(coloring)
    )
    SvgVersionFactory(coloring_version=version, status="completed", cost=Decimal(svg))
    return image.line_item.order


def test_the_order_changelist_shows_each_orders_known_cost_total(admin_client_: Client) -> None:
    priced_order("#1270", "0.0876")
    priced_order("#1300", None)

    page = admin_client_.get(reverse(CHANGELIST)).content.decode()

    assert "Náklady (CZK)" in page
    assert '<td class="field-cost_total">1,0076</td>' in page
    assert '<td class="field-cost_total">0,9200</td>' in page


def test_the_order_changelist_sorts_by_cost(admin_client_: Client) -> None:
    priced_order("#1270", "5")
    priced_order("#1300", "0.01")
    column = "cost_total"
    index = admin_client_.get(reverse(CHANGELIST)).context["cl"].list_display.index(column)

    page = admin_client_.get(reverse(CHANGELIST) + f"?o={index}").content.decode()

    assert page.index("#1300") < page.index("#1270")


def test_the_order_changelist_does_not_grow_with_priced_orders(
    admin_client_: Client, django_assert_max_num_queries: Any
) -> None:
    priced_order("#1", "1")
    admin_client_.get(reverse(CHANGELIST))
    with django_assert_max_num_queries(20) as few:
        admin_client_.get(reverse(CHANGELIST))
    for number in range(2, 30):
        priced_order(f"#{number}", "1")

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin_client_.get(reverse(CHANGELIST)).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["processing_coloringversion", "processing_svgversion", "processing_bookversion"],
)
def test_each_version_admin_shows_its_cost(admin_client_: Client, name: str) -> None:
    order = priced_order("#1270", "0.0876", svg="4.6")
    book = BookVersion.objects.create(
        line_item=order.line_items.get(), version=1, layout="gallery", cost=Decimal(0)
    )
    model = {"processing_bookversion": book}.get(name)
    if model is None:
        kind = "coloring_versions" if "coloring" in name else "svg_versions"
        model = getattr(order.line_items.get().images.get(), kind).get()

    changelist = admin_client_.get(reverse(f"admin:{name}_changelist")).content.decode()
    change = admin_client_.get(reverse(f"admin:{name}_change", args=[model.pk])).content.decode()

    expected = {"processing_coloringversion": "0,0876", "processing_svgversion": "4,6000"}
    assert 'column-cost"' in changelist
    assert f'<td class="field-cost">{expected.get(name, "0,0000")}</td>' in changelist
    assert "Cena" in change and expected.get(name, "0,0000") in change
