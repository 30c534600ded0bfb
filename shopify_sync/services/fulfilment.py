"""Telling Shopify that an order shipped: its fulfilment, which e-mails the customer.

With SHOPIFY_FULFILL_ON_SENT on, an order from Shopify that staff mark sent gets
`fulfilment_status = pending` and a task (`shopify_sync.tasks.order_fulfil`). The task
reads the order's fulfillment orders, fulfils the open ones with the tracking number and
carrier (`notifyCustomer: true`), and records the outcome on the order: `done` with the
fulfillment's id, or `error` with a Czech reason staff see on the order page. None of it
ever touches the local status: "sent" stays sent whatever Shopify answers.

Idempotent by reading first: a fulfillment order that is closed in Shopify has nothing
left to ship, so a second run (a retry after a lost answer, the sweep, the operator's
button) finds nothing open and counts the order as done instead of fulfilling it twice.
Two runs for one order never overlap (a Redis lock), so neither can see the other's
half-finished work.

Retries: transient failures (network, 5xx, 429 and THROTTLED) keep the order `pending`
with the reason, and the task raises ShopifyTransientError so Celery retries it with
backoff; once those retries are spent, `fulfilments_pending_sweep` (every minute, from
`shopify_sweep`) queues orders pending for longer than FULFIL_STALE_AFTER again.
Permanent failures (refused token, userErrors, nothing open) become `error` and wait
for the operator's "Zkusit znovu oznámit Shopify".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from redis.exceptions import LockError

from common.queueing import enqueue, enqueue_on_commit
from common.redis import redis_client
from orders.models import FulfilmentStatus, Order
from orders.services import order_changed_notify, order_event_log

from ..client import get_client
from ..errors import (
    ShopifyAuthError,
    ShopifyError,
    ShopifyNotFoundError,
    ShopifyPermanentError,
    ShopifyTransientError,
    ShopifyUserError,
)
from ..schemas import FulfillmentOrderData

logger = logging.getLogger(__name__)

ACTOR = "system:shopify"
TASK = "shopify_sync.tasks.order_fulfil"
# Longer than the task's own retries take (5 retries, backoff at most 300 s each, ~3 min
# in all): a pending order older than this has lost its task (spent retries, broker down).
FULFIL_STALE_AFTER = timedelta(minutes=15)
# Longer than one run can take (the query's four attempts with 30 s read timeouts, then
# the mutations); a worker that dies holding the lock frees it after this.
LOCK_SECONDS = 300
# Shopify's statuses of a fulfillment order with nothing left to do for it.
FINISHED = frozenset({"CLOSED", "CANCELLED"})
SCOPES = "read_merchant_managed_fulfillment_orders a write_merchant_managed_fulfillment_orders"

DISABLED = "Oznamování odeslání do Shopify je vypnuté (nastavení SHOPIFY_FULFILL_ON_SENT)."


class NothingToFulfil(ShopifyPermanentError):
    """No open fulfillment order, and not because the order was fulfilled in Shopify."""


def fulfilment_request(*, order_id: int) -> bool:
    """The order was just marked sent: queue telling Shopify, when that is wanted.

    Only a Shopify order (not a manual one) still `sent`, never already told, and only
    with SHOPIFY_FULFILL_ON_SENT on. Returns whether the task was queued (on commit).
    """
    if not settings.SHOPIFY_FULFILL_ON_SENT:
        return False
    with transaction.atomic():
        queued = _mark_pending(order_id)
        if queued:
            enqueue_on_commit(TASK, order_id)
    return queued


def fulfilment_withdraw(*, order_id: int) -> None:
    """Undoing "sent": a notice not sent yet, or failed, is no longer wanted.

    The queued task finds the order no longer sent and does nothing. A fulfilment that
    Shopify already has stays `done`: Shopify has e-mailed the customer.
    """
    with transaction.atomic():
        changed = Order.objects.filter(
            pk=order_id, fulfilment_status__in=[FulfilmentStatus.PENDING, FulfilmentStatus.ERROR]
        ).update(fulfilment_status="", fulfilment_error="", updated_at=timezone.now())
        if changed:
            _notify(order_id)


def fulfilment_retry(*, order: Order, actor: str) -> None:
    """The operator's "Zkusit znovu oznámit Shopify": queue the task again.

    Raises ShopifyPermanentError (a Czech sentence) when there is nothing to retry: the
    setting is off, the order is manual or not sent, or Shopify was told already.
    """
    if not settings.SHOPIFY_FULFILL_ON_SENT:
        raise ShopifyPermanentError(DISABLED)
    if order.is_manual:
        raise ShopifyPermanentError("Ruční objednávka nepochází ze Shopify, není co oznamovat.")
    with transaction.atomic():
        if not _mark_pending(order.pk, again=True):
            raise ShopifyPermanentError(
                "Oznámit Shopify lze jen odeslanou objednávku, o které Shopify ještě neví."
            )
        order_event_log(order_id=order.pk, actor=actor, message="Oznámení Shopify znovu vyžádáno")
        enqueue_on_commit(TASK, order.pk)


def order_fulfil(*, order_id: int) -> str:
    """Create the order's fulfilment in Shopify; the outcome in one word.

    Idempotent (see the module docstring). Does nothing unless the order is still sent
    and pending: an undo before the task ran leaves Shopify untouched. Raises
    ShopifyTransientError (the order stays pending, with the reason) for the task to
    retry; every other failure is recorded as `error` and returned as "error".
    """
    with _lock(order_id) as held:
        if not held:
            return "busy"
        order = Order.objects.get(pk=order_id)
        if order.status != Order.Status.SENT:
            # Undone before the task ran (the undo's listener clears this too).
            fulfilment_withdraw(order_id=order_id)
            return "not-sent"
        if order.is_manual or order.fulfilment_status != FulfilmentStatus.PENDING:
            return "skipped"
        try:
            fulfillment_ids = _fulfil(order)
        except ShopifyTransientError as exc:
            _record_failure(order, FulfilmentStatus.PENDING, _transient_message(exc))
            raise
        except ShopifyError as exc:
            _record_failure(order, FulfilmentStatus.ERROR, _permanent_message(exc))
            return "error"
        _record_done(order, fulfillment_ids)
        return "done" if fulfillment_ids else "already-fulfilled"


def fulfilments_pending_sweep() -> int:
    """Queue again the orders pending for longer than FULFIL_STALE_AFTER; how many."""
    if not settings.SHOPIFY_FULFILL_ON_SENT:
        return 0
    stale = Order.objects.filter(
        status=Order.Status.SENT,
        shopify_id__isnull=False,
        fulfilment_status=FulfilmentStatus.PENDING,
        updated_at__lt=timezone.now() - FULFIL_STALE_AFTER,
    )
    return sum(enqueue(TASK, pk) for pk in list(stale.values_list("pk", flat=True)[:200]))


def _mark_pending(order_id: int, *, again: bool = False) -> bool:
    """One conditional UPDATE decides, so "sent" never queues two notices at once; the
    operator's retry (`again`) may queue one over a pending one (the lock in
    order_fulfil keeps them from overlapping, and the second finds the work done)."""
    skip = [FulfilmentStatus.DONE] if again else [FulfilmentStatus.PENDING, FulfilmentStatus.DONE]
    changed = (
        Order.objects.filter(pk=order_id, status=Order.Status.SENT, shopify_id__isnull=False)
        .exclude(fulfilment_status__in=skip)
        .update(
            fulfilment_status=FulfilmentStatus.PENDING,
            fulfilment_error="",
            updated_at=timezone.now(),
        )
    )
    if changed:
        _notify(order_id)
    return bool(changed)


def _fulfil(order: Order) -> list[str]:
    """Fulfil every open fulfillment order, one mutation per location (Shopify wants the
    fulfillment orders of one fulfilment at one location); the new fulfillments' ids,
    none when Shopify had them fulfilled already. Raises NothingToFulfil."""
    assert order.shopify_id is not None  # order_fulfil: never a manual order
    client = get_client()
    fulfillment_orders = client.fulfillment_orders_get(order.shopify_id)
    open_ones = [fo for fo in fulfillment_orders if fo.is_open]
    if not open_ones:
        _check_fulfilled_already(fulfillment_orders)
        return []
    ids = []
    for group in _by_location(open_ones):
        ids.append(
            client.fulfillment_create(
                fulfillment_orders=group,
                tracking_number=order.tracking_number,
                carrier=order.carrier,
                notify_customer=True,
            )
        )
    return ids


def _check_fulfilled_already(fulfillment_orders: tuple[FulfillmentOrderData, ...]) -> None:
    """Nothing open: fine when Shopify shipped it already (closed), else NothingToFulfil."""
    statuses = sorted({fo.status for fo in fulfillment_orders})
    if "CLOSED" in statuses and FINISHED.issuperset(statuses):
        return
    if not statuses:
        # Shopify shows only the fulfillment orders the token's scopes allow.
        raise NothingToFulfil(
            "Shopify u objednávky neukázal nic k vyřízení. Zkontrolujte, že aplikace "
            f"má oprávnění {SCOPES}."
        )
    raise NothingToFulfil(
        "Ve Shopify není co odeslat: objednávka nemá žádnou otevřenou položku k vyřízení "
        f"(stav ve Shopify: {', '.join(statuses)}). Vyřiďte ji ve Shopify, nebo ji tam "
        "uvolněte a zkuste to znovu."
    )


def _by_location(
    fulfillment_orders: list[FulfillmentOrderData],
) -> Iterator[list[FulfillmentOrderData]]:
    groups: dict[str, list[FulfillmentOrderData]] = {}
    for fo in fulfillment_orders:
        groups.setdefault(fo.location_id, []).append(fo)
    yield from groups.values()


@transaction.atomic
def _record_done(order: Order, fulfillment_ids: list[str]) -> None:
    # Recorded even if "sent" was undone meanwhile: Shopify has the fulfilment now.
    Order.objects.filter(pk=order.pk).update(
        fulfilment_status=FulfilmentStatus.DONE,
        fulfilment_error="",
        shopify_fulfillment_id=_ids_field(fulfillment_ids),
        updated_at=timezone.now(),
    )
    if fulfillment_ids:
        tracking = ", ".join(part for part in (order.tracking_number, order.carrier) if part)
        message = "Shopify informován o odeslání" + (f" ({tracking})" if tracking else "")
    else:
        message = "Shopify: objednávka už byla vyřízena ve Shopify, nic dalšího se neodeslalo"
    order_event_log(order_id=order.pk, actor=ACTOR, message=message)
    _notify(order.pk)


@transaction.atomic
def _record_failure(order: Order, status: str, message: str) -> None:
    # Only over our own "pending": an undo meanwhile wins.
    changed = Order.objects.filter(pk=order.pk, fulfilment_status=FulfilmentStatus.PENDING).update(
        fulfilment_status=status, fulfilment_error=message, updated_at=timezone.now()
    )
    if changed and status == FulfilmentStatus.ERROR:
        order_event_log(order_id=order.pk, actor=ACTOR, message=f"Oznámení Shopify: {message}")
    if changed:
        _notify(order.pk)
    logger.warning("Fulfilment of order %s failed: %s", order.order_number, message)


def _ids_field(fulfillment_ids: list[str]) -> str:
    """The ids that fit the column, whole (one location: one id)."""
    kept: list[str] = []
    max_length = Order._meta.get_field("shopify_fulfillment_id").max_length or 100
    for gid in fulfillment_ids:
        if len(" ".join([*kept, gid])) > max_length:
            break
        kept.append(gid)
    return " ".join(kept)


def _transient_message(exc: ShopifyTransientError) -> str:
    return (
        "Shopify je teď nedostupný nebo přetížený, oznámení se zkusí znovu samo "
        f"(poslední chyba: {exc})"
    )


def _permanent_message(exc: ShopifyError) -> str:
    if isinstance(exc, ShopifyAuthError):
        return (
            "Shopify odmítl přístupový token (SHOPIFY_ACCESS_TOKEN). Opravte token, nebo "
            f"aplikaci ve Shopify přidejte oprávnění {SCOPES}; pak to zkuste znovu."
        )
    if isinstance(exc, ShopifyUserError):
        return "Shopify odmítl vytvořit odeslání: " + "; ".join(exc.messages)
    if isinstance(exc, ShopifyNotFoundError):
        return "Shopify tuto objednávku nezná (byla ve Shopify smazána?)."
    if isinstance(exc, NothingToFulfil):
        return str(exc)
    return f"Oznámení odeslání do Shopify selhalo: {exc}"


def _notify(order_id: int) -> None:
    number = Order.objects.filter(pk=order_id).values_list("order_number", flat=True).first()
    if number is not None:
        order_changed_notify(order_id=order_id, order_number=number)


@contextmanager
def _lock(order_id: int) -> Iterator[bool]:
    lock = redis_client().lock(f"fotomalovanky:fulfil:{order_id}", timeout=LOCK_SECONDS)
    held = lock.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            with suppress(LockError):  # expired meanwhile: nothing left to release
                lock.release()
