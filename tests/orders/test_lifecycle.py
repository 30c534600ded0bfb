"""The lifecycle after review: approve (books done and current), printed, sent, undo.

Every refusal raises the app's error with a Czech reason and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from orders.models import Order, OrderEvent
from orders.services.lifecycle import (
    LifecycleError,
    LifecycleForbidden,
    order_cancel,
    order_mark_printed,
    order_mark_sent,
    order_step_undo,
)
from processing.books import order_books, orders_books
from processing.services import order_approve
from tests import factories
from tests.lifecycle_helpers import book_of, order_with_book, selected_svg

pytestmark = pytest.mark.django_db
S = Order.Status


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def transitions(order: Order) -> list[tuple[str, str, str, str]]:
    rows = OrderEvent.objects.filter(order=order).exclude(to_status="").order_by("pk")
    return [(e.from_status, e.to_status, e.actor, e.note) for e in rows]


def test_every_step_is_a_recorded_transition_with_who_and_note(staff_user: Any) -> None:
    order = order_with_book()

    order_approve(order=order, user=staff_user, note="vše sedí")
    order_mark_printed(order=order, user=staff_user)
    order_mark_sent(
        order=order, user=staff_user, tracking_number=" Z123 ", carrier="Zásilkovna", note="ok"
    )

    order.refresh_from_db()
    assert (order.status, order.tracking_number, order.carrier) == (S.SENT, "Z123", "Zásilkovna")
    assert order.status_message == ""
    who = f"user:{staff_user.username}"
    assert transitions(order) == [
        (S.READY_FOR_REVIEW, S.APPROVED, who, "vše sedí"),
        (S.APPROVED, S.PRINTED, who, ""),
        (S.PRINTED, S.SENT, who, "ok"),
    ]


@pytest.mark.parametrize(
    ("status", "back"),
    [(S.APPROVED, S.READY_FOR_REVIEW), (S.PRINTED, S.APPROVED), (S.SENT, S.PRINTED)],
)
def test_the_last_step_can_be_undone_and_the_undo_is_recorded(
    staff_user: Any, status: str, back: str
) -> None:
    order = order_with_book(status)

    order_step_undo(order=order, user=staff_user, note="omyl")

    assert status_of(order) == back
    (last,) = transitions(order)
    assert (last[0], last[1]) == (status, back)
    assert last[3].startswith("Vráceno zpět") and last[3].endswith("omyl")


def test_a_printer_marks_printed_and_undoes_it_but_nothing_else(printer_user: Any) -> None:
    order = order_with_book(S.APPROVED)
    order_mark_printed(order=order, user=printer_user)
    assert status_of(order) == S.PRINTED
    order_step_undo(order=order, user=printer_user)
    assert status_of(order) == S.APPROVED

    with pytest.raises(LifecycleForbidden):
        order_step_undo(order=order, user=printer_user)  # undoing the approval
    ready = order_with_book()
    with pytest.raises(LifecycleForbidden):
        order_approve(order=ready, user=printer_user)
    printed = order_with_book(S.PRINTED)
    with pytest.raises(LifecycleForbidden):
        order_mark_sent(order=printed, user=printer_user)
    assert (status_of(order), status_of(ready), status_of(printed)) == (
        S.APPROVED,
        S.READY_FOR_REVIEW,
        S.PRINTED,
    )


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.PROCESSING, order_approve),
        (S.READY_FOR_REVIEW, order_mark_printed),
        (S.APPROVED, order_mark_sent),
        (S.SENT, order_mark_printed),
        (S.CANCELLED, order_approve),
    ],
)
def test_a_step_from_the_wrong_status_is_refused_in_czech(
    staff_user: Any, status: str, step: Any
) -> None:
    order = order_with_book(status)

    with pytest.raises(LifecycleError) as refused:
        step(order=order, user=staff_user)

    assert "stavu" in str(refused.value) or "zrušená" in str(refused.value)
    assert status_of(order) == status and transitions(order) == []


@pytest.mark.parametrize("status", [S.READY_FOR_REVIEW, S.CANCELLED, S.ERROR])
def test_there_is_nothing_to_undo_before_approval_or_after_cancellation(
    staff_user: Any, status: str
) -> None:
    order = order_with_book(status)
    with pytest.raises(LifecycleError):
        order_step_undo(order=order, user=staff_user)
    assert status_of(order) == status and transitions(order) == []


def test_a_too_long_tracking_number_is_refused_and_nothing_changes(staff_user: Any) -> None:
    order = order_with_book(S.PRINTED)
    with pytest.raises(LifecycleError, match="nejvýše 100 znaků"):
        order_mark_sent(order=order, user=staff_user, tracking_number="1" * 101)
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (S.PRINTED, "")


# --- the stale-PDF rule ---


def test_a_stale_book_stops_the_approval(staff_user: Any) -> None:
    order = order_with_book()
    old = selected_svg(order)
    old.is_selected = False
    old.save()
    factories.SvgVersionFactory(
        coloring_version=old.coloring_version, status="completed", is_selected=True
    )

    with pytest.raises(LifecycleError, match="zastaralé PDF"):
        order_approve(order=order, user=staff_user)
    assert status_of(order) == S.READY_FOR_REVIEW and not order_books(order.pk).ready


@pytest.mark.parametrize(
    ("book_status", "reason"),
    [("queued", "PDF se právě vytváří"), ("processing", "PDF se právě vytváří")],
)
def test_a_book_in_progress_stops_the_approval(
    staff_user: Any, book_status: str, reason: str
) -> None:
    order = order_with_book()
    line_item = order.line_items.get()
    book_of(line_item, status=book_status, sources=[selected_svg(order).pk])

    with pytest.raises(LifecycleError, match=reason):
        order_approve(order=order, user=staff_user)
    assert status_of(order) == S.READY_FOR_REVIEW


def test_a_missing_or_failed_book_stops_the_approval(staff_user: Any) -> None:
    order = order_with_book()
    order.line_items.get().book_versions.update(status="error")
    second = factories.LineItemFactory(order=order, position=2)
    factories.ImageFactory(line_item=second, position=1, downloaded=True)

    with pytest.raises(LifecycleError) as refused:
        order_approve(order=order, user=staff_user)

    text = str(refused.value)
    assert "Položka 1: PDF se nepodařilo vytvořit." in text
    assert "Položka 2: PDF chybí." in text
    assert status_of(order) == S.READY_FOR_REVIEW


def test_pdf_done_is_derived_for_a_page_of_orders_in_four_queries(
    django_assert_num_queries: Any,
) -> None:
    done, empty = order_with_book(), factories.OrderFactory()
    stale = order_with_book()
    selected_svg(stale).delete()

    with django_assert_num_queries(4):
        books = orders_books([done.pk, empty.pk, stale.pk])

    assert books[done.pk].ready
    assert books[empty.pk].problems == ("Objednávka nemá žádné položky.",)
    assert not books[stale.pk].ready


def test_a_cancellation_moves_any_status_once_and_keeps_the_time(staff_user: Any) -> None:
    order = order_with_book(S.SENT)
    assert order_cancel(order_id=order.pk, cancelled_at=None, actor="shopify:orders/cancelled")
    assert not order_cancel(order_id=order.pk, cancelled_at=None, actor="shopify:orders/cancelled")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and order.cancelled_at is not None
    assert [t[:2] for t in transitions(order)] == [(S.SENT, S.CANCELLED)]
