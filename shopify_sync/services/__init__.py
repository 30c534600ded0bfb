"""Shopify services: ingestion, the webhook inbox, photo download, imports and sweeps."""

from __future__ import annotations

from .fetch import FetchCounts, order_sync, order_sync_enqueue, orders_fetch, orders_fetch_enqueue
from .fulfilment import (
    fulfilment_request,
    fulfilment_retry,
    fulfilment_withdraw,
    fulfilments_pending_sweep,
    order_fulfil,
)
from .inbox import drain_request, webhook_receive
from .inbox_work import webhook_process, webhook_replay, webhooks_drain, webhooks_pending_sweep
from .ingest import IngestResult, order_ingest
from .pending import order_change_apply, order_change_keep
from .photos import images_waiting, order_photos_download, photos_download_enqueue
from .poll import orders_poll
from .sweep import SweepReport, shopify_sweep

__all__ = [
    "FetchCounts",
    "IngestResult",
    "SweepReport",
    "drain_request",
    "fulfilment_request",
    "fulfilment_retry",
    "fulfilment_withdraw",
    "fulfilments_pending_sweep",
    "images_waiting",
    "order_change_apply",
    "order_change_keep",
    "order_fulfil",
    "order_ingest",
    "order_photos_download",
    "order_sync",
    "order_sync_enqueue",
    "orders_fetch",
    "orders_fetch_enqueue",
    "orders_poll",
    "photos_download_enqueue",
    "shopify_sweep",
    "webhook_process",
    "webhook_receive",
    "webhook_replay",
    "webhooks_drain",
    "webhooks_pending_sweep",
]
