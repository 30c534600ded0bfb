"""The operators' dashboard (/dashboard/), the "Náklady" panel of an order, and who sees them."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def priced_photo(order: Order, *costs: str | None, **fields: Any) -> None:
    image = factories.ImageFactory(line_item__order=order, downloaded=True)
    for number, cost in enumerate(costs, start=1):
        factories.ColoringVersionFactory(
            image=image,
            version=number,
            status="completed",
            cost=None if cost is None else Decimal(cost),
            **(fields if number == 1 else {}),
        )


def figures(html: str) -> str:
    return html.split('class="figures"', 1)[1].split("</section>", 1)[0]


def test_an_empty_window_shows_no_data_in_every_figure_never_zero(staff_client: Client) -> None:
    response = staff_client.get("/dashboard/")

    assert response.status_code == 200
    shown = figures(response.content.decode())
    assert shown.count("Žádná data") == 4
    assert "%" not in shown


def test_the_figures_are_percentages_with_the_czech_decimal_comma(staff_client: Client) -> None:
    order = factories.OrderFactory(created_at=timezone.now() - timedelta(days=1))
    priced_photo(order, "1.08", "0.0000", verdict="approved")
    priced_photo(order, "0.92")

    shown = figures(staff_client.get("/dashboard/").content.decode())

    assert "100,0 %" in shown  # first pass: the one judged first version was approved
    assert "50,0 %" in shown  # redo: one of two photos needed a second version
    assert "0,0 %" in shown  # failures: none of the three versions failed
    assert "2,00 CZK" in shown  # per order, the one order
    assert "Žádná data" not in shown


def test_the_chart_is_inline_svg_with_a_bar_a_day_and_a_table_beside_it(
    staff_client: Client,
) -> None:
    order = factories.OrderFactory(created_at=timezone.now())
    priced_photo(order, "2.5")

    html = staff_client.get("/dashboard/").content.decode()

    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    bars = re.findall(
        r'<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg
    )
    assert len(bars) == 30
    assert bars[-1][2] == "140.0" and all(float(height) == 0 for _, _, height in bars[:-1])
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert "Nejvyšší denní náklady 2,50 CZK" in svg
    assert "<script" not in html.split("<main>", 1)[1]
    assert html.count("<tr><td>") >= 30  # the text alternative: a row a day


def test_the_months_table_lists_the_last_twelve_months(staff_client: Client) -> None:
    order = factories.OrderFactory(created_at=timezone.now())
    priced_photo(order, "3")

    html = staff_client.get("/dashboard/").content.decode()

    months = html.split('class="list months"', 1)[1].split("</table>", 1)[0]
    assert months.count('<th scope="row">') == 12
    assert months.count("Žádná data") == 11
    assert "3,00 CZK" in months


def test_printers_are_refused_the_dashboard_and_do_not_see_its_link(
    printer_client: Client, staff_client: Client
) -> None:
    assert printer_client.get("/dashboard/").status_code == 403
    assert 'href="/dashboard/"' not in printer_client.get("/orders/").content.decode()
    assert 'href="/dashboard/"' in staff_client.get("/orders/").content.decode()


def test_anonymous_and_non_staff_users_go_to_the_login(
    client: Client, plain_client: Client
) -> None:
    for visitor in (client, plain_client):
        response = visitor.get("/dashboard/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_dashboard_does_not_grow_with_orders(
    staff_client: Client, django_assert_max_num_queries: Any
) -> None:
    staff_client.get("/dashboard/")  # warm the session
    with django_assert_max_num_queries(16) as few:
        staff_client.get("/dashboard/")
    for days in range(20):
        order = factories.OrderFactory(created_at=timezone.now() - timedelta(days=days * 20))
        priced_photo(order, "1", "2")
        priced_photo(order, None)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get("/dashboard/").status_code == 200


def test_an_operator_sees_the_orders_costs_per_kind_and_the_unknown_ones(
    staff_client: Client,
) -> None:
    order = factories.OrderFactory(order_number="#1270")
    priced_photo(order, "0.0876", None)

    html = staff_client.get("/orders/1270/").content.decode()

    panel = html.split('id="costs"', 1)[1].split("</section>", 1)[0]
    assert "Náklady" in panel and "0,0876 CZK" in panel
    assert "1 verze</span> bez známé ceny" in panel
    assert "2 verze" in panel  # the colourings counted


def test_a_printer_never_sees_costs_on_an_order(printer_client: Client) -> None:
    order = factories.OrderFactory(order_number="#1270", status=Order.Status.APPROVED)
    priced_photo(order, "0.0876")

    response = printer_client.get("/orders/1270/")

    assert response.status_code == 200
    assert 'id="costs"' not in response.content.decode()
