"""The board's holds: an intake hold waits for staff until "Generovat i tak", a Shopify
change that staff kept waits for nobody, held rows say why, and overdue rows are red."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from fotomalovanky.web.board import HOLD_REASONS, Board, hold_badges
from orders.models import Order
from tests import factories
from tests.web.test_board import get, numbers

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CHANGE = {"dedication": "Pro Evu"}


def order(number: str, **fields: Any) -> Order:
    return factories.OrderFactory(order_number=number, created_at=NOW, **fields)


@pytest.fixture
def holds() -> None:
    intake = {"intake_held": True, "intake_checked_at": NOW}
    order("#PHOTOS", status="pending", **intake)
    order("#CONFIRMED", status="pending", **intake, hold_confirmed_at=NOW)
    order("#CLEAR", status="pending", intake_checked_at=NOW)
    order("#CHANGE", status="approved", pending_change=CHANGE)
    order("#KEPT", status="approved", pending_change={"fingerprint": "abc", "kept": True})
    order("#EMPTY", status="approved", pending_change={})
    order("#BOTH", status="approved", pending_change=CHANGE, **intake)


def row(page: str, number: str) -> str:
    match = re.search(r'<tr id="order-\d+"[^>]*>(?:(?!</tr>).)*' + re.escape(number), page, re.S)
    assert match, number
    start = match.start()
    return page[start : page.index("</tr>", start)]


def test_the_held_filter_shows_intake_holds_and_pending_changes_but_not_kept_ones(
    staff_client: Client, holds: None
) -> None:
    assert sorted(numbers(get(staff_client, "attention=held"))) == ["#BOTH", "#CHANGE", "#PHOTOS"]


def test_each_reasons_query_agrees_with_its_rule_on_the_row(holds: None) -> None:
    for reason in HOLD_REASONS:
        by_query = set(Order.objects.filter(reason.query).values_list("order_number", flat=True))
        by_row = {o.order_number for o in Order.objects.all() if reason.applies(o)}
        assert by_query == by_row, reason.badge


def test_held_rows_say_why_in_a_short_badge(staff_client: Client, holds: None) -> None:
    page = get(staff_client)

    assert '<span class="badge badge-orange">Kontrola fotek</span>' in row(page, "#PHOTOS")
    assert '<span class="badge badge-orange">Změna ze Shopify</span>' in row(page, "#CHANGE")
    both = row(page, "#BOTH")
    assert "Změna ze Shopify" in both and "Kontrola fotek" in both
    for calm in ("#CONFIRMED", "#KEPT", "#CLEAR"):
        assert "Čeká na rozhodnutí" not in row(page, calm)
        assert "badge-orange" not in row(page, calm)


def test_the_held_chip_counts_the_held_orders(holds: None) -> None:
    board = Board.from_params(factories.UserFactory(is_superuser=True, is_staff=True), {})
    assert {chip.label: chip.count for chip in board.chips}["Čeká na rozhodnutí"] == 3


def test_a_held_row_turns_red_after_the_overdue_days(staff_client: Client) -> None:
    order("#LATE", status="pending", intake_held=True, intake_checked_at=NOW)
    order("#MAILED", status="pending", intake_held=True, intake_checked_at=NOW)
    Order.objects.filter(order_number="#MAILED").update(hold_email_sent_at=NOW + timedelta(days=3))

    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        assert 'class="overdue"' not in get(staff_client)
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        page = get(staff_client)

    late = row(page, "#LATE")
    assert late.startswith('<tr id="order-') and 'class="overdue"' in late
    assert '<span class="badge badge-red overdue-mark">Čeká déle než 5 dní</span>' in late
    assert "overdue" not in row(page, "#MAILED")  # its clock restarted with the e-mail


def test_a_confirmed_order_carries_no_hold_badge(holds: None) -> None:
    confirmed = Order.objects.get(order_number="#CONFIRMED")
    assert hold_badges(confirmed) == []
