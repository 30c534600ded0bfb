"""The periodic sweep: finds Shopify work whose task was lost and queues it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from common.queueing import enqueue
from orders.models import Order
from orders.services import order_status_set

from .fulfilment import fulfilments_pending_sweep
from .inbox_work import webhooks_pending_sweep
from .photos import DOWNLOAD_STALE_AFTER, images_waiting

ACTOR = "system:sweep"


@dataclass
class SweepReport:
    webhooks: int = 0
    stuck_downloads: int = 0
    lost_downloads: int = 0
    fulfilments: int = 0

    def __str__(self) -> str:
        return (
            f"webhooks re-queued: {self.webhooks}, stuck downloads resumed: "
            f"{self.stuck_downloads}, lost downloads queued: {self.lost_downloads}, "
            f"fulfilments re-queued: {self.fulfilments}"
        )


def shopify_sweep() -> SweepReport:
    """Re-queue what a dead worker or a broker outage left behind. Idempotent.

    - deliveries still pending after SHOPIFY_WEBHOOK_SWEEP_AFTER seconds;
    - orders in `downloading` without progress for DOWNLOAD_STALE_AFTER (worker died):
      back to pending, download queued (already downloaded photos are kept);
    - orders in `pending` whose photos wait and whose download task never arrived;
    - Shopify fulfilments pending for too long (`fulfilments_pending_sweep`).
    """
    report = SweepReport(webhooks=webhooks_pending_sweep(), fulfilments=fulfilments_pending_sweep())
    now = timezone.now()
    stuck = Order.objects.filter(
        status=Order.Status.DOWNLOADING, updated_at__lt=now - DOWNLOAD_STALE_AFTER
    ).values_list("pk", flat=True)
    for order_id in list(stuck[:200]):
        if order_status_set(
            order_id=order_id,
            status=Order.Status.PENDING,
            actor=ACTOR,
            message="Stahování přerušeno, pokračuje znovu",
            expected={Order.Status.DOWNLOADING},
        ):
            report.stuck_downloads += enqueue("shopify_sync.tasks.order_photos_download", order_id)
    lost_before = now - timedelta(seconds=settings.SHOPIFY_WEBHOOK_SWEEP_AFTER)
    waiting = Order.objects.filter(status=Order.Status.PENDING, updated_at__lt=lost_before)
    for order_id in list(waiting.values_list("pk", flat=True)[:200]):
        if images_waiting(order_id).exists():
            report.lost_downloads += enqueue("shopify_sync.tasks.order_photos_download", order_id)
    return report
