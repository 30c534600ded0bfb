"""The rows the pages show of the intake findings (orders.holds.intake_panel)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.holds import finding_rows, intake_panel
from orders.intake import finding
from orders.models import Order
from tests.holds_helpers import blurred, held_order, tiny

pytestmark = pytest.mark.django_db


def test_findings_become_czech_rows_holds_first() -> None:
    rows = finding_rows([blurred(), tiny()])

    assert [(r.label, r.level_label, r.is_hold) for r in rows] == [
        ("Příliš malá fotka (320×240 px)", "Zadrženo", True),
        ("Rozmazaná fotka", "Upozornění", False),
    ]


def test_a_code_no_longer_declared_is_shown_not_fatal() -> None:
    [row] = finding_rows([{"code": "gone"}])
    assert (row.label, row.is_hold) == ("Neznámý nález „gone“", False)


def test_the_panel_lists_each_book_and_only_its_photos_with_findings() -> None:
    order = held_order(
        photos=3,
        book_findings=[finding("missing_photos", count=3, expected=8)],
        photo_findings={2: [tiny()], 3: [blurred()]},
    )

    panel = intake_panel(order=order)

    [item] = panel.line_items
    assert [row.label for row in item.rows] == ["Chybí fotky: 3 z 8"]
    assert [(p.image.position, [r.label for r in p.rows]) for p in item.photos] == [
        (2, ["Příliš malá fotka (320×240 px)"]),
        (3, ["Rozmazaná fotka"]),
    ]
    assert panel.held and panel.checked and not panel.confirmed and not panel.clean


def test_the_panel_reads_in_two_queries_or_none_from_loaded_rows() -> None:
    order = held_order(photos=6)
    items = list(order.line_items.prefetch_related("images"))

    with CaptureQueriesContext(connection) as fresh:
        intake_panel(order=order)
    with CaptureQueriesContext(connection) as loaded:
        intake_panel(order=order, line_items=items)

    assert (len(fresh), len(loaded)) == (2, 0)


def test_an_unchecked_order_without_findings_is_clean_and_not_held() -> None:
    order = Order.objects.create(order_number="#9")
    panel = intake_panel(order=order)
    assert (panel.checked, panel.held, panel.clean, panel.drafts) == (False, False, True, [])
