"""What work cost per order and per month, and the dashboard's figures: exact Decimals,
unknown costs counted apart, and "no data" distinct from zero."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from orders.models import Order
from processing.models import BookVersion
from processing.selectors_costs import (
    Ratio,
    dashboard,
    monthly_costs,
    order_cost,
    orders_with_cost_total,
)
from tests import factories

pytestmark = pytest.mark.django_db
PRAGUE = ZoneInfo("Europe/Prague")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=PRAGUE)


def priced_order(*costs: str | None, placed: datetime = NOW, status: str = "completed") -> Order:
    """An order with one photo whose colouring versions cost `costs` (None: unknown) and
    one SVG of the first, costing 0.9200."""
    order = factories.OrderFactory(created_at=placed)
    image = factories.ImageFactory(line_item__order=order, downloaded=True)
    versions = [
        factories.ColoringVersionFactory(
            image=image,
            version=number,
            status=status,
            cost=None if cost is None else Decimal(cost),
            created_at=placed,
        )
        for number, cost in enumerate(costs, start=1)
    ]
    factories.SvgVersionFactory(
        coloring_version=versions[0],
        version=1,
        status="completed",
        cost=Decimal("0.92"),
        created_at=placed,
    )
    return order


def test_an_order_costs_the_sum_of_its_known_versions_per_kind(
    django_assert_num_queries: Any,
) -> None:
    order = priced_order("0.0876", "0.0085", None)
    line_item = order.line_items.get()
    BookVersion.objects.create(line_item=line_item, version=1, layout="gallery", cost=0)
    factories.ColoringVersionFactory(image=line_item.images.get(), version=9, status="queued")

    with django_assert_num_queries(1):
        cost = order_cost(order_id=order.pk)

    assert cost.total == Decimal("1.0161")
    assert [(k.label, k.total, k.versions, k.unknown, k.running) for k in cost.kinds] == [
        ("Omalovánka", Decimal("0.0961"), 4, 1, 1),
        ("SVG", Decimal("0.9200"), 1, 0, 0),
        ("Kniha", Decimal("0.0000"), 1, 0, 1),
    ]
    assert (cost.unknown, cost.running, cost.currency) == (1, 2, "CZK")


def test_an_order_without_versions_costs_zero_with_nothing_unknown() -> None:
    cost = order_cost(order_id=factories.OrderFactory().pk)

    assert (cost.total, cost.unknown, cost.running) == (Decimal(0), 0, 0)


def test_the_cost_total_annotation_sums_every_kind_without_a_query_per_order(
    django_assert_num_queries: Any,
) -> None:
    first = priced_order("0.0876", None)
    second = priced_order("1.5")
    empty = factories.OrderFactory()

    with django_assert_num_queries(1):
        totals = {o.pk: o.cost_total for o in orders_with_cost_total(Order.objects.all())}

    assert totals == {first.pk: Decimal("1.0076"), second.pk: Decimal("2.42"), empty.pk: 0}


def test_months_count_orders_by_when_they_were_placed_with_their_costs() -> None:
    priced_order("1.08", placed=datetime(2026, 12, 1, 0, 30, tzinfo=PRAGUE))
    priced_order("0.08", placed=datetime(2026, 11, 30, 23, 30, tzinfo=PRAGUE))
    priced_order("2.08", placed=datetime(2026, 11, 2, 10, 0, tzinfo=PRAGUE))
    priced_order("9", placed=datetime(2025, 12, 31, 10, 0, tzinfo=PRAGUE))  # 12 months back

    months = monthly_costs(today=date(2026, 12, 2))

    assert len(months) == 12 and months[0].month == date(2026, 12, 1)
    assert months[-1].month == date(2026, 1, 1)
    december, november = months[0].figures, months[1].figures
    assert (december.orders, december.cost, december.per_order) == (1, Decimal("2.0000"), 2)
    assert (november.orders, november.cost, november.per_order) == (
        2,
        Decimal("4.0000"),
        Decimal("2.0000"),
    )
    assert (months[2].figures.orders, months[2].figures.per_order) == (0, None)


def test_the_dashboard_of_an_empty_window_is_no_data_not_zero() -> None:
    priced_order("5", placed=NOW - timedelta(days=40))

    with time_machine.travel(NOW):
        board = dashboard()

    assert board.first_pass.percent is None and board.redo.percent is None
    assert board.failure.percent is None and board.costs.per_order is None
    assert len(board.days) == 30 and all(day.cost == 0 for day in board.days)


def test_the_dashboard_says_zero_when_there_is_data_and_none_of_it_failed() -> None:
    priced_order("1", placed=NOW - timedelta(days=2))

    with time_machine.travel(NOW):
        board = dashboard()

    assert board.failure == Ratio(0, 2) and board.failure.percent == Decimal("0.0")
    assert board.redo.percent == Decimal("0.0")
    assert board.first_pass.percent is None  # nothing judged yet


def test_the_dashboard_figures_of_the_last_30_days() -> None:
    placed = NOW - timedelta(days=3)
    accepted = priced_order("1", placed=placed)
    redone = priced_order("1", "1", placed=placed)
    failed = priced_order("0.5", placed=placed, status="error")
    priced_order("100", placed=NOW - timedelta(days=31))  # outside the window
    first = {
        o.pk: o.line_items.get().images.get().coloring_versions.get(version=1)
        for o in (accepted, redone, failed)
    }
    first[accepted.pk].verdict = "approved"
    first[redone.pk].verdict = "rejected"
    for version in first.values():
        version.save()

    with time_machine.travel(NOW):
        board = dashboard()

    assert (board.first_pass.part, board.first_pass.whole) == (1, 2)
    assert board.first_pass.percent == Decimal("50.0")
    assert board.redo == Ratio(1, 3) and board.redo.percent == Decimal("33.3")
    assert board.failure == Ratio(1, 7)  # 4 colourings and 3 SVGs ended, 1 in error
    assert (board.costs.orders, board.costs.cost) == (3, Decimal("6.2600"))
    assert board.costs.per_order == Decimal("2.0867")
    by_day = {day.day: day.cost for day in board.days}
    assert by_day[placed.date()] == Decimal("6.2600") and sum(by_day.values()) == Decimal("6.26")


def test_an_unknown_cost_is_counted_apart_on_the_dashboard() -> None:
    priced_order(None, placed=NOW - timedelta(days=1))

    with time_machine.travel(NOW):
        board = dashboard()

    assert (board.costs.cost, board.costs.unknown) == (Decimal("0.9200"), 1)


def test_the_dashboard_costs_a_fixed_number_of_queries(django_assert_max_num_queries: Any) -> None:
    def measure() -> None:
        with time_machine.travel(NOW), django_assert_max_num_queries(8):
            dashboard()

    measure()
    for _ in range(5):
        priced_order("1", "2", placed=timezone.now() - timedelta(days=1))
    measure()
