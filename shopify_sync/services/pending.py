"""Staff's choice about a change Shopify made after approval (see services.changes):
"Použít změny" applies it through the normal ingest, "Ponechat" discards it."""

from __future__ import annotations

from django.db import transaction

from orders.models import AFTER_REVIEW, Order
from orders.services import order_changed_notify, order_event_log, order_status_set

from ..errors import ChangeRefused
from ..schemas import order_from_json
from .changes import change_text, pending_set
from .ingest import order_ingest

NOTHING_PENDING = "Objednávka nemá žádnou čekající změnu ze Shopify."


def _locked_pending(order_id: int) -> Order:
    order = Order.objects.select_for_update().get(pk=order_id)
    if not order.change_pending:
        raise ChangeRefused(NOTHING_PENDING)
    if order.status == Order.Status.CANCELLED:
        raise ChangeRefused("Objednávka je zrušená, změny ze Shopify už nelze použít.")
    return order


def order_change_apply(*, order: Order, actor: str) -> None:
    """ "Použít změny": apply the kept change through the normal ingest.

    An order past review goes back to `ready_for_review` first (a recorded transition),
    so the normal flow follows: new or replaced photos are downloaded (staff chose to
    replace them, even those with colourings) and the order returns to review. Raises
    ChangeRefused when nothing is pending or the order is cancelled; then nothing changed.
    """
    with transaction.atomic():
        locked = _locked_pending(order.pk)
        change = locked.pending_change or {}
        data = order_from_json(change["order"])
        pending_set(locked, None)
        if locked.status in AFTER_REVIEW:
            order_status_set(
                order_id=locked.pk,
                status=Order.Status.READY_FOR_REVIEW,
                actor=actor,
                expected={locked.status},
                note="Použity změny ze Shopify, objednávka se vrací ke kontrole: "
                + change_text(change["items"]),
            )
        order_ingest(data=data, actor=actor, replace_photos=True)


@transaction.atomic
def order_change_keep(*, order: Order, actor: str) -> None:
    """ "Ponechat": discard the pending change; the order keeps its data and status. The
    same difference does not warn again; a later, different one does. Raises
    ChangeRefused when nothing is pending."""
    locked = _locked_pending(order.pk)
    change = locked.pending_change or {}
    pending_set(locked, {"fingerprint": change["fingerprint"], "kept": True})
    order_event_log(
        order_id=locked.pk,
        actor=actor,
        message="Změny ze Shopify ponechány bez použití: " + change_text(change["items"]),
    )
    order_changed_notify(order_id=locked.pk, order_number=locked.order_number)
