"""The scheduled import: every SHOPIFY_POLL_MINUTES, the orders Shopify changed.

A webhook may never come (Shopify gives up after its retries, a subscription was lost,
our endpoint was down for a day). Beat runs `orders_poll`, which asks Shopify for the
orders updated since the last complete poll (a sliding `updated_at` window, the same
ListRecentOrders query `sync_orders` uses) and applies each through `orders_fetch` and
the ingest service, exactly as a webhook's order is applied: photos downloaded, intake
checked, and (with the autopilot) processed.

The window starts SHOPIFY_POLL_OVERLAP_MINUTES before the watermark, the start of the
last complete poll: an order saved in Shopify while that poll ran, or indexed late, is
seen again rather than missed, and seeing an order twice costs nothing (ingest is
idempotent and skips stale data). The first poll looks back SHOPIFY_POLL_FIRST_HOURS.
The watermark moves only when a poll saw everything: not when the list could not be
read, an order failed (it is tried again next time), or the poll hit SHOPIFY_POLL_LIMIT.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ..errors import ShopifyError, ShopifyTransientError
from ..models import ShopifyPoll
from .fetch import FetchCounts, orders_fetch

ACTOR = "shopify:poll"
POLL_ID = 1
# A poll that has not ended after this long is taken to have died with its worker.
CLAIM_FOR = timedelta(minutes=10)


def orders_poll() -> str:
    """Import the orders Shopify changed since the last complete poll. Idempotent.

    Returns "off" (SHOPIFY_POLL_MINUTES is 0), "busy" (another poll runs), "failed …"
    (Shopify refused: not configured, bad credentials; recorded on the poll row) or the
    counts. Raises ShopifyTransientError when Shopify cannot be reached (the task
    retries; the watermark stays).
    """
    if settings.SHOPIFY_POLL_MINUTES <= 0:
        return "off"
    started = timezone.now()
    if not _claim(started):
        return "busy"
    since = _window_start(started)
    try:
        counts = orders_fetch(limit=settings.SHOPIFY_POLL_LIMIT, updated_since=since, actor=ACTOR)
    except ShopifyTransientError as exc:
        _finish(started, outcome="retry", error=str(exc))
        raise
    except ShopifyError as exc:
        _finish(started, outcome="failed", error=str(exc))
        return f"failed {exc}"
    complete = counts.failed == 0 and counts.seen < settings.SHOPIFY_POLL_LIMIT
    outcome = _counts_text(counts)
    _finish(started, outcome=outcome, error="\n".join(counts.errors), watermark=complete)
    return outcome


def _claim(now: datetime) -> bool:
    """Take the poll row for this run (a conditional UPDATE); False if another poll has it."""
    ShopifyPoll.objects.get_or_create(pk=POLL_ID)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(ShopifyPoll.objects.filter(free, pk=POLL_ID).update(claimed_until=now + CLAIM_FOR))


def _window_start(now: datetime) -> datetime:
    watermark = ShopifyPoll.objects.values_list("watermark", flat=True).get(pk=POLL_ID)
    if watermark is None:
        return now - timedelta(hours=settings.SHOPIFY_POLL_FIRST_HOURS)
    return watermark - timedelta(minutes=settings.SHOPIFY_POLL_OVERLAP_MINUTES)


def _finish(started: datetime, *, outcome: str, error: str, watermark: bool = False) -> None:
    fields: dict[str, object] = {
        "last_run_at": started,
        "last_outcome": outcome[:255],
        "last_error": error,
        "claimed_until": None,
    }
    if watermark:
        fields["watermark"] = started
    ShopifyPoll.objects.filter(pk=POLL_ID).update(**fields)


def _counts_text(counts: FetchCounts) -> str:
    return (
        f"imported={counts.imported} updated={counts.updated} "
        f"unchanged={counts.unchanged} failed={counts.failed}"
    )
