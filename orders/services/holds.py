"""Staff decisions on an order the intake checks hold (`orders.intake`).

"Generovat i tak" lets a held order's paid work start although its photos have hold
findings; "E-mail odeslán" records that staff wrote to the customer about the hold,
which restarts the clock of the overdue mark (`Order.hold_overdue`). Both lock the
order's row, so two clicks at once record one confirmation.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import dateformat, timezone

from ..errors import OrdersError
from ..models import Order
from ..signals import intake_checked
from . import order_changed_notify, order_event_log

NOT_HELD = "Objednávka není zadržená kontrolou fotek."
NOT_CHECKED = "Fotky objednávky se právě kontrolují; počkejte na výsledek kontroly."
CANCELLED = "Objednávka je zrušená, nelze ji dále zpracovávat."


class HoldError(OrdersError):
    """A hold decision that cannot be taken now; nothing changed."""


def _held_order(order_id: int) -> Order:
    """The order, locked for the rest of the transaction, if it waits on its hold."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == Order.Status.CANCELLED:
        raise HoldError(CANCELLED)
    if not order.intake_held:
        raise HoldError(NOT_HELD)
    return order


def _when(order: Order) -> str:
    confirmed = order.hold_confirmed_at
    assert confirmed is not None
    return dateformat.format(timezone.localtime(confirmed), "j. n. Y H:i")


@transaction.atomic
def order_hold_confirm(*, order_id: int, actor: str) -> None:
    """ "Generovat i tak": record who confirmed a held order, and when.

    Not idempotent on purpose: a second confirmation is refused (HoldError, naming who
    confirmed first), as are an order the checks do not hold, one whose photos are
    being checked again and a cancelled one; then nothing changed. After commit it sends
    `orders.signals.intake_checked(held=False)`, which the autopilot acts on, and
    `order_changed` for the pages.
    """
    order = _held_order(order_id)
    if order.hold_confirmed_at is not None:
        raise HoldError(
            f"„Generovat i tak“ už potvrdil(a) {order.hold_confirmed_by} {_when(order)}."
        )
    if order.intake_checked_at is None:
        raise HoldError(NOT_CHECKED)
    now = timezone.now()
    Order.objects.filter(pk=order_id).update(
        hold_confirmed_at=now, hold_confirmed_by=actor, updated_at=now
    )
    order_event_log(
        order_id=order_id,
        actor=actor,
        message="Kontrola fotek: potvrzeno „Generovat i tak“ navzdory nálezům",
    )
    order_changed_notify(order_id=order_id, order_number=order.order_number)
    transaction.on_commit(
        lambda: intake_checked.send_robust(sender=Order, order_id=order_id, held=False),
        robust=True,
    )


@transaction.atomic
def order_hold_email_sent(*, order_id: int, actor: str) -> None:
    """ "E-mail odeslán": record that staff wrote to the customer about the hold.

    May be recorded again (a reminder): each time it is kept in the history and the
    overdue clock starts anew. Refused (HoldError, nothing changed) for an order that
    waits on no hold: not held, already confirmed, or cancelled. Sends `order_changed`
    after commit.
    """
    order = _held_order(order_id)
    if order.hold_confirmed_at is not None:
        raise HoldError(
            f"Objednávka už na zákazníka nečeká: „Generovat i tak“ bylo potvrzeno {_when(order)}."
        )
    now = timezone.now()
    Order.objects.filter(pk=order_id).update(
        hold_email_sent_at=now, hold_email_sent_by=actor, updated_at=now
    )
    again = " (znovu)" if order.hold_email_sent_at else ""
    order_event_log(
        order_id=order_id,
        actor=actor,
        message=f"Kontrola fotek: e-mail zákazníkovi odeslán{again}",
    )
    order_changed_notify(order_id=order_id, order_number=order.order_number)
