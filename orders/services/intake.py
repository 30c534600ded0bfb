"""The intake state of an order's photo set: what the checks judged, and forgetting it.

The checks themselves measure images, so they live in `processing.services.intake`;
whatever changes the photo set (a Shopify sync, in shopify_sync's ingest) calls
`order_intake_reset` here, so the new set is checked again once it is downloaded and a
corrected set lifts a hold by itself.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import Image, LineItem, Order
from . import order_changed_notify, order_event_log


def intake_inputs(order_id: int) -> tuple[Any, ...]:
    """Everything the intake checks judge, as comparable data: per line item its variant
    and consent, per photo its address and stored file. Equal inputs, equal findings; a
    check compares them before and after measuring (a sync may change the set meanwhile)."""
    items = LineItem.objects.filter(order_id=order_id).order_by("pk")
    images = Image.objects.filter(line_item__order_id=order_id).order_by("pk")
    return (
        tuple((li.pk, li.variant_title, sorted(li.consent.items())) for li in items),
        tuple(
            images.values_list(
                "pk", "line_item_id", "position", "original_url", "sha256", "downloaded_at"
            )
        ),
    )


@transaction.atomic
def order_intake_reset(*, order_id: int, actor: str) -> bool:
    """Forget the intake verdict of an order whose photo set changed. Idempotent.

    Clears `intake_checked_at`, `intake_held`, staff's "Generovat i tak" (it was about the
    old set) and every finding of the order's line items and photos; records one history
    line and notifies the pages when there was anything to forget. Returns whether it did.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    had_verdict = order.intake_checked_at is not None or order.intake_held
    confirmed = order.hold_confirmed_at is not None
    if not had_verdict and not confirmed:
        return False
    Order.objects.filter(pk=order_id).update(
        intake_checked_at=None, intake_held=False, hold_confirmed_at=None, hold_confirmed_by=""
    )
    LineItem.objects.filter(order_id=order_id).update(intake_findings=[])
    Image.objects.filter(line_item__order_id=order_id).update(intake_findings=[])
    message = "Fotky se změnily: kontrola fotek proběhne znovu"
    if order.intake_held:
        message += " (zadržení zrušeno" + (", i potvrzení „Generovat i tak“)" if confirmed else ")")
    order_event_log(order_id=order_id, actor=actor, message=message)
    order_changed_notify(order_id=order_id, order_number=order.order_number)
    return True
