"""The order's lifecycle after review: staff steps, their undo, and a cancellation.

    ready_for_review ─approve─▶ approved ─print─▶ printed ─send─▶ sent
    (any status) ─Shopify cancels─▶ cancelled

Each step is declared once (`STEPS`): where it starts and ends and which permission of
`orders.Order` it needs (the roles are groups holding them, fotomalovanky.permissions).
Every step and undo goes through `order_status_set`, which locks the row, checks the
expected status and records the transition (from, to, who, note). Approving also needs
every book completed and current, which only `processing` can tell: its service
(processing.services.approval) checks the books, then takes the step here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.db import transaction
from django.utils import timezone

from ..errors import OrdersError
from ..models import AUTOMATIC_STATUSES, Order
from . import order_status_set

OPERATE = "orders.operate_orders"
PRINT = "orders.print_orders"
NOTE_LIMIT = 1000
FIELD_LIMIT = 100  # tracking_number and carrier columns
CANCELLED_REFUSAL = "Objednávka je zrušená, nelze ji dále zpracovávat."

User = AbstractBaseUser | AnonymousUser


class LifecycleError(OrdersError):
    """A step that cannot be taken now (wrong status, books not ready); nothing changed."""


class LifecycleForbidden(LifecycleError):
    """The user's role may not take (or undo) this step."""


@dataclass(frozen=True)
class Step:
    name: str
    source: str
    target: str
    permission: str
    done: str  # Czech, for the banner and the undo button: what the step did

    @property
    def undo_text(self) -> str:
        return f"Vrátit: {self.done}"


APPROVE = Step(
    "approve", Order.Status.READY_FOR_REVIEW, Order.Status.APPROVED, OPERATE, "schváleno"
)
PRINT_STEP = Step("print", Order.Status.APPROVED, Order.Status.PRINTED, PRINT, "vytištěno")
SEND = Step("send", Order.Status.PRINTED, Order.Status.SENT, OPERATE, "odesláno")
STEPS = (APPROVE, PRINT_STEP, SEND)
# The step that led into each status: the one an undo reverses.
STEP_INTO = {step.target: step for step in STEPS}
STEP_FROM = {step.source: step for step in STEPS}


def actor_of(user: User) -> str:
    return f"user:{user.get_username()}"


def step_allowed(user: User, step: Step) -> bool:
    # Anonymous users hold no PermissionsMixin: they may take no step.
    if not isinstance(user, PermissionsMixin):
        return False
    return bool(user.is_active and user.has_perm(step.permission))


def step_permit(user: User, step: Step) -> None:
    """Raise LifecycleForbidden unless the user's role may take `step`."""
    if not step_allowed(user, step):
        raise LifecycleForbidden("K tomuto kroku nemáte oprávnění.")


def _clean(text: str, limit: int, what: str) -> str:
    text = text.strip()
    if len(text) > limit:
        raise LifecycleError(f"{what} může mít nejvýše {limit} znaků.")
    return text


def order_status_lock(order_id: int) -> str:
    """Lock the order's row for the rest of the transaction; its current status."""
    return str(Order.objects.select_for_update().values_list("status", flat=True).get(pk=order_id))


def wrong_status(step: Step, status: str) -> LifecycleError:
    if status == Order.Status.CANCELLED:
        return LifecycleError(CANCELLED_REFUSAL)
    return LifecycleError(
        f"Tento krok lze provést jen u objednávky ve stavu „{Order.Status(step.source).label}“; "
        f"objednávka je ve stavu „{Order.Status(status).label}“."
    )


def step_take(*, order_id: int, step: Step, user: User, note: str = "", **fields: str) -> None:
    """Take `step` (call inside a transaction that locked the row with `order_status_lock`).

    Raises LifecycleForbidden for a role without the step's permission and LifecycleError
    when the order is not where the step starts; then nothing changed. `fields` are
    stored on the order in the same transaction (tracking number, carrier).
    """
    step_permit(user, step)
    note = _clean(note, NOTE_LIMIT, "Poznámka")
    if fields:
        Order.objects.filter(pk=order_id).update(**fields)
    moved = order_status_set(
        order_id=order_id,
        status=step.target,
        actor=actor_of(user),
        expected={step.source},
        note=note,
    )
    if not moved:
        raise wrong_status(step, order_status_lock(order_id))


def _step(order: Order, step: Step, user: User, note: str, **fields: str) -> None:
    step_permit(user, step)
    with transaction.atomic():
        status = order_status_lock(order.pk)
        if status != step.source:
            raise wrong_status(step, status)
        step_take(order_id=order.pk, step=step, user=user, note=note, **fields)


def order_mark_printed(*, order: Order, user: User, note: str = "") -> None:
    """approved → printed (printer or operator). Raises LifecycleError/LifecycleForbidden."""
    _step(order, PRINT_STEP, user, note)


def order_mark_sent(
    *, order: Order, user: User, tracking_number: str = "", carrier: str = "", note: str = ""
) -> None:
    """printed → sent (operator), keeping the optional tracking number and carrier on the
    order. Raises LifecycleError (also for a too long value) or LifecycleForbidden."""
    fields = {
        "tracking_number": _clean(tracking_number, FIELD_LIMIT, "Číslo zásilky"),
        "carrier": _clean(carrier, FIELD_LIMIT, "Dopravce"),
    }
    _step(order, SEND, user, note, **fields)


def step_to_undo(status: str) -> Step | None:
    """The step an undo would reverse for an order in `status` (None: nothing to undo)."""
    return STEP_INTO.get(status)


@transaction.atomic
def order_step_undo(*, order: Order, user: User, note: str = "") -> Step:
    """Reverse the last step (approved→ready_for_review, printed→approved, sent→printed),
    recorded as a transition whose note says it was an undo. Undoing "printed" needs the
    print permission, the others the operate one. Returns the step undone; raises
    LifecycleError (nothing to undo) or LifecycleForbidden, changing nothing."""
    status = order_status_lock(order.pk)
    step = step_to_undo(status)
    if step is None:
        if status == Order.Status.CANCELLED:
            raise LifecycleError(CANCELLED_REFUSAL)
        raise LifecycleError("Objednávka nemá žádný krok, který by šlo vrátit.")
    step_permit(user, step)
    remark = _clean(note, NOTE_LIMIT, "Poznámka")
    order_status_set(
        order_id=order.pk,
        status=step.source,
        actor=actor_of(user),
        expected={step.target},
        note=f"Vráceno zpět ({step.done})" + (f": {remark}" if remark else ""),
    )
    return step


def order_cancel(*, order_id: int, cancelled_at: datetime | None, actor: str) -> bool:
    """Shopify cancelled the order: `cancelled` from any status, with `cancelled_at`.

    Idempotent (an order already cancelled is left as it is; returns False). Stopping
    its work is processing's: it listens to `order_transitioned` for `cancelled`.
    """
    with transaction.atomic():
        moved = order_status_set(
            order_id=order_id,
            status=Order.Status.CANCELLED,
            actor=actor,
            expected=AUTOMATIC_STATUSES | {s.target for s in STEPS},
            note="Objednávka byla ve Shopify zrušena.",
        )
        if moved:
            Order.objects.filter(pk=order_id).update(cancelled_at=cancelled_at or timezone.now())
    return moved
