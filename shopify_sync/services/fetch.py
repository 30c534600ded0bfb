"""Pulling orders from Shopify: the batch import and the re-sync of one order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from common.queueing import enqueue_on_commit
from orders.models import AUTOMATIC_STATUSES, Order, order_number_normalize
from orders.services import order_event_log, order_status_set

from ..client import ShopifyClient, get_client, settings_check
from ..errors import ShopifyError, ShopifyPermanentError
from ..schemas import OrderData
from .ingest import order_ingest
from .photos import images_waiting

Progress = Callable[[OrderData, str], None]


@dataclass
class FetchCounts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.imported + self.updated + self.unchanged + self.failed

    def add(self, outcome: str) -> None:
        outcome = "unchanged" if outcome == "stale" else outcome
        setattr(self, outcome, getattr(self, outcome) + 1)


def orders_fetch(
    *,
    limit: int = 20,
    since: date | None = None,
    number: str | None = None,
    updated_since: datetime | None = None,
    actor: str,
    progress: Progress | None = None,
) -> FetchCounts:
    """Import the newest `limit` orders (optionally created since `since`, updated since
    `updated_since` (the scheduled import, `poll`), or the one order named `number`,
    e.g. "1270").

    Idempotent. A known, unchanged order costs no detail query; new, changed or
    unfinished ones are fetched whole. Raises ShopifyError when the list itself cannot
    be read (credentials, network); a failure of one order is counted and the rest go on.
    Photo downloads are queued for the worker.
    """
    client = get_client()
    counts = FetchCounts()
    query = _search_query(since, number, updated_since)
    for summary in client.orders_recent(limit=limit, query=query):
        try:
            outcome = _fetch_one(client, summary, actor)
        except ShopifyError as exc:
            outcome = "failed"
            counts.errors.append(f"{summary.name}: {exc}")
        counts.add(outcome)
        if progress:
            progress(summary, outcome)
    return counts


def _search_query(
    since: date | None, number: str | None, updated_since: datetime | None = None
) -> str | None:
    """Shopify's order search syntax."""
    terms = []
    if since:
        terms.append(f"created_at:>={since.isoformat()}")
    if updated_since:
        # Quoted, or Shopify compares the date only and ignores the time of day.
        stamp = updated_since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        terms.append(f"updated_at:>='{stamp}'")
    if number:
        terms.append(f"name:#{order_number_normalize(number)}")
    return " ".join(terms) or None


def _fetch_one(client: ShopifyClient, summary: OrderData, actor: str) -> str:
    order = Order.objects.filter(shopify_id=summary.shopify_id).first()
    if order is None or _needs_details(order, summary):
        return order_ingest(data=client.order_get(summary.shopify_id), actor=actor).outcome
    return order_ingest(data=summary, actor=actor).outcome


def _needs_details(order: Order, summary: OrderData) -> bool:
    newer = bool(
        summary.updated_at
        and (order.shopify_updated_at is None or summary.updated_at > order.shopify_updated_at)
    )
    return (
        newer
        or order.status == Order.Status.ERROR
        or not order.line_items.exists()
        or images_waiting(order.pk).exists()
    )


def order_sync(*, order_id: int, actor: str) -> str:
    """Fetch one order from Shopify and apply it (line items, photos, metadata).

    An order without a Shopify id, one Shopify does not have, or refused credentials
    put the order in `error` with the reason ("failed"), unless staff hold it (approved
    or later, or cancelled): then it stays, and only its history says why. Raises
    ShopifyTransientError when Shopify cannot be reached (the task retries).
    Returns the outcome.
    """
    order = Order.objects.get(pk=order_id)
    try:
        if order.shopify_id is None:  # a manual order (`is_manual`; this narrows the type)
            raise ShopifyPermanentError(_not_from_shopify(order))
        data = get_client().order_get(order.shopify_id)
    except ShopifyPermanentError as exc:
        message = f"Synchronizace ze Shopify selhala: {exc}"
        # An approved, printed, sent or cancelled order stays where staff put it.
        if not order_status_set(
            order_id=order.pk,
            status=Order.Status.ERROR,
            actor=actor,
            message=message,
            expected=AUTOMATIC_STATUSES,
        ):
            order_event_log(order_id=order.pk, actor=actor, message=message)
        return "failed"
    return order_ingest(data=data, actor=actor).outcome


def order_sync_enqueue(*, order: Order, actor: str) -> None:
    """Queue a re-sync of one order (the "Stáhnout ze Shopify" button and action).

    Raises ShopifyPermanentError at once when the order does not come from Shopify (a
    manual order: said first, as it holds whatever the configuration) or Shopify is
    not configured, so the button can say so instead of failing later.
    """
    if order.is_manual:
        raise ShopifyPermanentError(_not_from_shopify(order))
    settings_check()
    order_event_log(order_id=order.pk, actor=actor, message="Synchronizace ze Shopify vyžádána")
    enqueue_on_commit("shopify_sync.tasks.order_sync", order.pk, actor)


def orders_fetch_enqueue(*, limit: int = 20, actor: str) -> None:
    """Queue the batch import (the "Načíst z Shopify" button).

    Raises ShopifyPermanentError at once when Shopify is not configured.
    """
    settings_check()
    enqueue_on_commit("shopify_sync.tasks.orders_fetch", limit, actor)


def _not_from_shopify(order: Order) -> str:
    return (
        f"Objednávka {order.order_number} nepochází ze Shopify (je zadaná ručně), "
        "ze Shopify ji stáhnout nelze."
    )
