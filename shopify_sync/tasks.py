"""Celery tasks of the Shopify integration: thin wrappers that call one service each.

Services queue these by name through `common.queueing`, so only this module imports
the other (tasks → services), never the reverse.

All run on the "io" queue (see CELERY_TASK_ROUTES): they wait on Shopify or photo hosts.
Retries: transient Shopify errors (network, 429, 5xx, THROTTLED — the client already
retried a few times within the call) and a database outage are retried by Celery with
exponential backoff; after that the work stays recorded (pending inbox row, order
status) for the sweep.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from common.database import DATABASE_UNAVAILABLE
from common.storage import StorageUnavailable

from . import services
from .errors import ShopifyTransientError

# One policy for every task that calls Shopify (see above); a decorator, reused.
shopify_task = shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(ShopifyTransientError, *DATABASE_UNAVAILABLE),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)


# Tasks without Shopify calls of their own retry only a database outage.
DATABASE_RETRY: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": DATABASE_UNAVAILABLE,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shopify_task
def webhook_process(self: Any, event_id: int) -> str:
    return services.webhook_process(event_id=event_id)


@shared_task(**DATABASE_RETRY, soft_time_limit=90, time_limit=120)
def webhooks_drain(self: Any) -> str:
    return f"applied={services.webhooks_drain()}"


@shopify_task
def order_sync(self: Any, order_id: int, actor: str = "system") -> str:
    return services.order_sync(order_id=order_id, actor=actor)


@shopify_task
def orders_fetch(self: Any, limit: int = 20, actor: str = "system") -> str:
    counts = services.orders_fetch(limit=limit, actor=actor)
    return f"imported={counts.imported} updated={counts.updated} failed={counts.failed}"


@shopify_task
def orders_poll(self: Any) -> str:
    """The scheduled import (CELERY_BEAT_SCHEDULE "shopify-poll")."""
    return services.orders_poll()


@shared_task(
    **{**DATABASE_RETRY, "autoretry_for": (*DATABASE_UNAVAILABLE, StorageUnavailable)},
    soft_time_limit=1800,
    time_limit=1900,
)
def order_photos_download(self: Any, order_id: int) -> str:
    return services.order_photos_download(order_id=order_id)


@shared_task(**DATABASE_RETRY)
def shopify_sweep(self: Any) -> str:
    return str(services.shopify_sweep())


@shopify_task
def order_fulfil(self: Any, order_id: int) -> str:
    return services.order_fulfil(order_id=order_id)
