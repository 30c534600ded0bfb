"""The hold decisions: "Generovat i tak" and "E-mail odeslán" (orders.services.holds),
and when a held order is overdue (Order.hold_overdue)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from orders.models import Order, OrderEvent
from orders.services.holds import HoldError, order_hold_confirm, order_hold_email_sent
from orders.signals import intake_checked
from tests import factories
from tests.holds_helpers import held_order

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
ACTOR = "user:pracovnice"


def snapshot(order: Order) -> tuple[Any, ...]:
    row = Order.objects.get(pk=order.pk)
    fields = ("hold_confirmed_at", "hold_confirmed_by", "hold_email_sent_at", "updated_at")
    return (*(getattr(row, name) for name in fields), OrderEvent.objects.count())


@pytest.fixture
def signals() -> Any:
    received: list[dict[str, Any]] = []

    def listener(sender: object, **kwargs: Any) -> None:
        received.append({k: v for k, v in kwargs.items() if k != "signal"})

    intake_checked.connect(listener)
    yield received
    intake_checked.disconnect(listener)


def test_confirming_records_who_and_when_and_releases_the_order_after_commit(
    signals: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    order = held_order()

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks() as callbacks:
        order_hold_confirm(order_id=order.pk, actor=ACTOR)
        assert signals == []  # not before the commit
    for callback in callbacks:
        callback()

    order.refresh_from_db()
    assert (order.hold_confirmed_at, order.hold_confirmed_by) == (NOW, ACTOR)
    assert order.intake_clear and not order.hold_waiting
    assert signals == [{"order_id": order.pk, "held": False}]
    event = OrderEvent.objects.get(order=order)
    assert event.actor == ACTOR and "Generovat i tak" in event.message


def test_a_second_confirmation_is_refused_naming_the_first(
    signals: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    order = held_order()
    with time_machine.travel(NOW, tick=False):
        order_hold_confirm(order_id=order.pk, actor=ACTOR)
    before = snapshot(order)

    first = re.escape("už potvrdil(a) user:pracovnice 10. 3. 2026")
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(HoldError, match=first):
            order_hold_confirm(order_id=order.pk, actor="user:jina")

    assert snapshot(order) == before
    assert signals == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"intake_held": False}, "není zadržená"),
        ({"intake_checked_at": None}, "právě kontrolují"),
        ({"status": Order.Status.CANCELLED}, "zrušená"),
    ],
)
def test_confirming_an_order_that_waits_on_no_checked_hold_is_refused_and_changes_nothing(
    fields: dict[str, Any],
    reason: str,
    signals: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = held_order()
    Order.objects.filter(pk=order.pk).update(**fields)
    before = snapshot(order)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(HoldError, match=reason):
            order_hold_confirm(order_id=order.pk, actor=ACTOR)

    assert snapshot(order) == before
    assert callbacks == [] and signals == []


def test_recording_the_email_keeps_who_and_when_and_may_be_repeated() -> None:
    order = held_order()

    with time_machine.travel(NOW, tick=False):
        order_hold_email_sent(order_id=order.pk, actor=ACTOR)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        order_hold_email_sent(order_id=order.pk, actor="user:jina")

    order.refresh_from_db()
    assert order.hold_email_sent_at == NOW + timedelta(days=2)
    assert order.hold_email_sent_by == "user:jina"
    messages = list(OrderEvent.objects.filter(order=order).values_list("message", flat=True))
    assert messages == [
        "Kontrola fotek: e-mail zákazníkovi odeslán (znovu)",
        "Kontrola fotek: e-mail zákazníkovi odeslán",
    ]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"intake_held": False}, "není zadržená"),
        ({"hold_confirmed_at": NOW, "hold_confirmed_by": ACTOR}, "nečeká"),
        ({"status": Order.Status.CANCELLED}, "zrušená"),
    ],
)
def test_recording_an_email_for_an_order_that_waits_on_no_hold_is_refused(
    fields: dict[str, Any], reason: str, django_capture_on_commit_callbacks: Any
) -> None:
    order = held_order()
    Order.objects.filter(pk=order.pk).update(**fields)
    before = snapshot(order)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(HoldError, match=reason):
            order_hold_email_sent(order_id=order.pk, actor=ACTOR)

    assert snapshot(order) == before and callbacks == []


def test_a_held_order_turns_overdue_after_the_days_counted_from_the_check() -> None:
    order = held_order(checked_at=NOW)

    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        assert not order.hold_overdue  # exactly five days: not yet "more than"
    with time_machine.travel(NOW + timedelta(days=5, minutes=1), tick=False):
        assert order.hold_overdue
        assert order.hold_waiting_since == NOW


def test_the_email_restarts_the_overdue_clock() -> None:
    order = held_order(checked_at=NOW, hold_email_sent_at=NOW + timedelta(days=4))

    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        assert not order.hold_overdue
    with time_machine.travel(NOW + timedelta(days=9, minutes=1), tick=False):
        assert order.hold_overdue


def test_the_limit_is_the_setting(settings: Any) -> None:
    settings.HOLD_EMAIL_OVERDUE_DAYS = 1
    order = held_order(checked_at=NOW)

    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        assert order.hold_overdue


@pytest.mark.parametrize(
    "fields",
    [
        {"intake_held": False},
        {"hold_confirmed_at": NOW},
        {"intake_checked_at": None},
    ],
)
def test_an_order_not_waiting_on_its_hold_is_never_overdue(fields: dict[str, Any]) -> None:
    order = factories.OrderFactory(
        **{"intake_held": True, "intake_checked_at": NOW - timedelta(days=30), **fields}
    )
    assert not order.hold_overdue
