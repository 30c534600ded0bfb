"""The order board (/orders/): attention filters and their counts, the default sort,
cancelled orders hidden, printers' narrower board, the rows, and fixed query counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fotomalovanky.web.board import board_order
from orders.models import LineItem, Order
from processing.books import book_plan
from processing.models import BookVersion
from tests import factories
from tests.processing.test_board_reads import reselect
from tests.processing.test_books import book_line_item

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def order(number: str, age_hours: int, **fields: Any) -> Order:
    return factories.OrderFactory(
        order_number=number, created_at=NOW - timedelta(hours=age_hours), **fields
    )


def book_row(line_item: LineItem) -> BookVersion:
    """A completed book of the line item's current selection, as a row: its PDF itself
    is not looked at here (tests/processing/test_board_reads.py builds real ones)."""
    return BookVersion.objects.create(
        line_item=line_item,
        version=1,
        status="completed",
        layout="gallery",
        sources=book_plan(line_item).sources,
    )


def approved_with_book(number: str, age_hours: int, *, stale: bool = False) -> Order:
    line_item = book_line_item(1, order=order(number, age_hours, status="approved"))
    book_row(line_item)
    if stale:
        reselect(line_item, 1)
    return line_item.order


@pytest.fixture
def board() -> None:
    """One order for each case the board tells apart; the number says which."""
    order("#ERR", 50, status="error")
    failed = order("#FAIL", 40, status="ready_for_review")
    factories.ColoringVersionFactory(status="error", image__line_item__order=failed)
    order("#HOLD", 30, status="approved", pending_change={"dedication": "Pro Evu"})
    order("#REV", 20, status="ready_for_review")
    order("#REV2", 2, status="ready_for_review")
    order("#NOPDF", 10, status="approved")
    approved_with_book("#STALE", 9, stale=True)
    approved_with_book("#PRINT", 8)
    order("#PRINTED", 6, status="printed")
    order("#SENT", 1, status="sent")
    order("#NEW", 0, status="pending")
    order("#CANC", 3, status="cancelled")


def numbers(page: str) -> list[str]:
    """The order numbers of the page's rows, in their order."""
    return re.findall(r'<td class="number"><a href="/orders/[^"]+/">([^<]+)</a>', page)


def get(client: Client, query: str = "") -> str:
    response = client.get(f"/orders/?{query}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("attention", "shown"),
    [
        ("errors", ["#FAIL", "#ERR"]),
        ("held", ["#HOLD"]),
        ("review", ["#FAIL", "#REV2", "#REV"]),  # #FAIL also has errors: first
        ("no-pdf", ["#HOLD", "#STALE", "#NOPDF"]),  # #HOLD also held: first
        ("to-print", ["#PRINT"]),
        ("to-send", ["#PRINTED"]),
    ],
)
def test_each_attention_filter_shows_its_orders_in_the_boards_order(
    staff_client: Client, board: None, attention: str, shown: list[str]
) -> None:
    assert numbers(get(staff_client, f"attention={attention}")) == shown


def test_the_default_sort_puts_what_needs_attention_first_then_newest(
    staff_client: Client, board: None
) -> None:
    assert numbers(get(staff_client)) == [
        "#FAIL",  # errors, newest first
        "#ERR",
        "#HOLD",  # held (and without a PDF: the first attention wins)
        "#REV2",
        "#REV",
        "#STALE",
        "#NOPDF",
        "#PRINT",
        "#PRINTED",
        "#NEW",  # nothing to do: newest first
        "#SENT",
    ]
    assert numbers(get(staff_client, "sort=newest"))[:3] == ["#NEW", "#SENT", "#REV2"]


def test_cancelled_orders_show_only_when_the_status_filter_asks(
    staff_client: Client, board: None
) -> None:
    assert "#CANC" not in numbers(get(staff_client))
    assert "#CANC" not in numbers(get(staff_client, "q=CANC"))
    assert numbers(get(staff_client, "status=cancelled")) == ["#CANC"]


def test_the_chips_count_what_they_show_under_the_search(staff_client: Client, board: None) -> None:
    page = get(staff_client)
    chips = dict(re.findall(r'>([^<>]+?) <span class="count">(\d+)</span>', page))

    assert chips == {
        "Vše": "11",
        "Chyby": "2",
        "Čeká na rozhodnutí": "1",
        "Ke kontrole": "3",
        "Schváleno bez PDF": "3",
        "K tisku": "1",
        "Vytištěno, neodesláno": "1",
    }
    searched = get(staff_client, "q=REV&attention=review")
    assert numbers(searched) == ["#REV2", "#REV"]
    assert 'aria-current="true">Ke kontrole <span class="count">2</span>' in searched
    # The active chip leads back to the whole board, keeping the search.
    assert 'href="/orders/?q=REV" hx-get="/orders/?q=REV"' in searched.replace("\n         ", " ")


def test_the_rows_mark_what_the_status_does_not_say(staff_client: Client, board: None) -> None:
    page = get(staff_client)

    assert re.search(
        r"#FAIL.*?Ke kontrole</span> <span class=\"badge badge-red\">Chyba<", page, re.S
    )
    assert re.search(
        r"#PRINT<.*?Schváleno</span> <span class=\"badge badge-green\">PDF hotové<", page, re.S
    )
    assert re.search(
        r"#NOPDF<.*?Schváleno</span> <span class=\"badge badge-yellow\">Bez PDF<", page, re.S
    )
    assert 'badge-red">Chyba</span> <span class="badge badge-red">Chyba' not in page


def test_printers_see_approved_and_later_orders_and_only_their_filters(
    printer_client: Client, board: None
) -> None:
    page = get(printer_client)

    assert numbers(page) == ["#HOLD", "#STALE", "#NOPDF", "#PRINT", "#PRINTED", "#SENT"]
    assert "K tisku" in page and "Vytištěno, neodesláno" in page
    for not_offered in ("Chyby <", "Ke kontrole <", "Schváleno bez PDF", "Čeká na rozhodnutí <"):
        assert not_offered not in page
    assert '<option value="ready_for_review"' not in page
    assert '<option value="approved"' in page
    # A filter not offered, or a status not visible, is ignored rather than obeyed.
    assert numbers(get(printer_client, "attention=review")) == numbers(page)
    assert numbers(get(printer_client, "status=error")) == numbers(page)
    assert numbers(get(printer_client, "attention=to-print")) == ["#PRINT"]


@time_machine.travel(NOW, tick=False)
def test_a_row_shows_age_pages_against_the_product_copies_and_books(
    staff_client: Client,
) -> None:
    two = order("#1270", 3 * 24)
    book_line_item(2, order=two, quantity=3, variant_title="Omalovánka / 2")
    book_line_item(4, with_svgs=1, order=two, position=2, variant_title="Omalovánka / 8")
    one = order("#1300", 5)
    book_line_item(1, order=one, variant_title="Bez počtu")

    page = get(staff_client)

    row = page[page.index(f'<tr id="order-{two.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "před 3\xa0dny" in row and "7. 3. 2026 13:00" in row
    assert "kniha 1/2" in row and "kniha 2/2" in row
    assert ">2/2</span> · 3 výtisky" in row
    assert 'short" title="Stránky s vybraným SVG / stránky produktu">1/8</span> · 1 výtisk' in row
    single = page[page.index(f'<tr id="order-{one.pk}"') :]
    single = single[: single.index("</tr>")]
    assert "před 5\xa0hodinami" in single
    assert "kniha" not in single and ">1/1</span> · 1 výtisk" in single


@time_machine.travel(NOW, tick=False)
def test_the_live_push_renders_the_same_row_as_the_page(staff_client: Client) -> None:
    pushed = approved_with_book("#1270", 26)
    factories.LineItemFactory(order=pushed, position=2, quantity=2)

    page = get(staff_client)
    row = render_to_string(
        "orders/order_list.html#order-row", {"order": board_order(order_id=pushed.pk)}
    )

    assert row.strip() in page
    assert "PDF hotové" not in row  # the second book has no PDF
    assert "kniha 2/2" in row and "2 výtisky" in row


def many_orders(count: int) -> None:
    """`count` orders of every kind, each with two books (one built), photos and pages."""
    statuses = ["ready_for_review", "approved", "printed", "error", "pending", "sent"]
    for n in range(count):
        status = statuses[n % len(statuses)]
        number = f"#{3000 + Order.objects.count()}"
        first = book_line_item(1, order=order(number, n, status=status), quantity=2)
        factories.LineItemFactory(order=first.order, position=2, variant_title="Kniha / 4")
        book_row(first)


def board_queries(client: Client, query: str) -> int:
    client.get("/orders/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/orders/?{query}")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "attention=no-pdf", "attention=to-print&q=30"])
def test_the_query_count_does_not_grow_with_the_orders(staff_client: Client, query: str) -> None:
    many_orders(5)
    few = board_queries(staff_client, query)
    many_orders(30 - 5)
    assert Order.objects.count() == 30

    assert board_queries(staff_client, query) == few
    assert few <= 13


def test_an_htmx_filter_answers_with_the_table_and_its_chips(
    staff_client: Client, board: None
) -> None:
    page = staff_client.get("/orders/?attention=held", headers=HTMX).content.decode()

    assert page.lstrip().startswith('<div id="order-table"')
    assert '<input type="hidden" name="attention" value="held" form="board-filter">' in page
    assert numbers(page) == ["#HOLD"]
