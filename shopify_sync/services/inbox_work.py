"""The webhook inbox, working side: apply stored deliveries, drain, replay, sweep."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from common.queueing import enqueue, enqueue_on_commit
from common.redis import redis_client

from ..client import get_client
from ..errors import ShopifyPermanentError, ShopifyTransientError
from ..models import ShopifyWebhookEvent
from ..schemas import OrderData, order_from_webhook
from .inbox import DRAIN_KEY, drain_request
from .ingest import order_ingest

logger = logging.getLogger(__name__)
Outcome = ShopifyWebhookEvent.Outcome
CLAIM_FOR = timedelta(minutes=5)
DRAIN_BUDGET = 50.0  # seconds; then the drain hands over to a fresh task


def _claim(event_id: int) -> bool:
    """Take a pending delivery for this worker (a conditional UPDATE); False if taken."""
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(
        ShopifyWebhookEvent.objects.filter(free, pk=event_id, outcome=Outcome.PENDING).update(
            claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1
        )
    )


def webhook_process(*, event_id: int) -> str:
    """Apply a stored delivery to our orders. Idempotent: claimed first, done once.

    Uses the payload's own line items when complete, else fetches the order over
    GraphQL. Raises ShopifyTransientError after releasing the claim (the task retries;
    the row stays pending for the sweep); a permanent problem marks the row failed
    with the reason. Returns the row's outcome, or "skipped" when not ours to do.
    """
    if not _claim(event_id):
        return "skipped"
    event = ShopifyWebhookEvent.objects.get(pk=event_id)
    try:
        data = _order_data(event.payload)
        if data.line_items is None:
            data = get_client().order_get(data.shopify_id)
        result = order_ingest(data=data, actor=f"shopify:{event.topic}")
    except ShopifyTransientError:
        ShopifyWebhookEvent.objects.filter(pk=event_id).update(claimed_until=None)
        raise
    except (ShopifyPermanentError, KeyError, TypeError, ValueError) as exc:
        _mark(event_id, Outcome.FAILED, f"{exc.__class__.__name__}: {exc}")
        return Outcome.FAILED
    outcome = Outcome.STALE if result.outcome == "stale" else Outcome.PROCESSED
    _mark(event_id, outcome, "")
    return outcome


def _order_data(payload: object) -> OrderData:
    """The order a stored payload describes; ShopifyPermanentError when it cannot say.

    A signed payload may still be anything: whatever it makes the parser trip over is
    that payload's failure (recorded on its row), never a crashing task.
    """
    if not isinstance(payload, dict):
        raise ShopifyPermanentError("Obsah doručení není objekt JSON.")
    try:
        return order_from_webhook(payload)
    except ShopifyPermanentError:
        raise
    except Exception as exc:  # any trip of the parser, see the docstring
        raise ShopifyPermanentError(
            f"Obsah nelze použít ({exc.__class__.__name__}: {exc})."
        ) from exc


def _mark(event_id: int, outcome: str, error: str) -> None:
    ShopifyWebhookEvent.objects.filter(pk=event_id, outcome=Outcome.PENDING).update(
        outcome=outcome, error=error, processed_at=timezone.now(), claimed_until=None
    )


def webhooks_drain() -> int:
    """Apply every pending delivery, oldest first; returns how many were applied.

    Deletes the drain key before reading the inbox, so a delivery stored from then on
    asks for a new drain. A delivery that fails transiently is left for the sweep.
    After DRAIN_BUDGET seconds it asks for a successor instead of holding the worker.
    """
    redis_client().delete(DRAIN_KEY)
    started, done = time.monotonic(), 0
    while time.monotonic() - started < DRAIN_BUDGET:
        batch = list(_pending_ids(100))
        if not batch:
            return done
        for event_id in batch:
            done += _drain_one(event_id)
    drain_request()
    return done


def _pending_ids(limit: int) -> list[int]:
    now = timezone.now()
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    rows = ShopifyWebhookEvent.objects.filter(free, outcome=Outcome.PENDING)
    return list(rows.order_by("received_at", "pk").values_list("pk", flat=True)[:limit])


def _drain_one(event_id: int) -> int:
    try:
        return int(webhook_process(event_id=event_id) in (Outcome.PROCESSED, Outcome.STALE))
    except ShopifyTransientError:
        logger.warning("Webhook delivery %s failed transiently; the sweep retries it", event_id)
        # Not claimable again within this drain: the sweep picks it up later.
        later = timezone.now() + timedelta(seconds=settings.SHOPIFY_WEBHOOK_SWEEP_AFTER)
        ShopifyWebhookEvent.objects.filter(pk=event_id).update(claimed_until=later)
        return 0


def webhook_replay(*, event_id: int) -> bool:
    """Process a stored delivery again (admin action): back to pending, then enqueued."""
    rows = ShopifyWebhookEvent.objects.filter(pk=event_id).exclude(outcome=Outcome.IGNORED)
    if not rows.update(outcome=Outcome.PENDING, error="", processed_at=None, claimed_until=None):
        return False
    enqueue_on_commit("shopify_sync.tasks.webhook_process", event_id)
    return True


def webhooks_pending_sweep() -> int:
    """Enqueue deliveries still pending after SHOPIFY_WEBHOOK_SWEEP_AFTER seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.SHOPIFY_WEBHOOK_SWEEP_AFTER)
    ids = ShopifyWebhookEvent.objects.filter(outcome=Outcome.PENDING, received_at__lt=cutoff)
    sent = 0
    for event_id in ids.order_by("received_at").values_list("pk", flat=True)[:500]:
        sent += enqueue("shopify_sync.tasks.webhook_process", event_id)
    return sent
