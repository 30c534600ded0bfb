"""The Shopify sweep resumes downloads a dead worker or a lost message left behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from shopify_sync.services import shopify_sweep
from tests.factories import ImageFactory, OrderFactory

pytestmark = pytest.mark.django_db


def order_in(status: str, minutes_ago: int, *, waiting_photo: bool = True) -> Order:
    order = OrderFactory(status=status)
    ImageFactory(line_item__order=order, downloaded=not waiting_photo)
    Order.objects.filter(pk=order.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return order


def test_a_download_without_progress_for_15_minutes_is_resumed() -> None:
    stuck = order_in(Order.Status.DOWNLOADING, minutes_ago=16)
    busy = order_in(Order.Status.DOWNLOADING, minutes_ago=3)

    report = shopify_sweep()

    assert report.stuck_downloads == 1
    assert Order.objects.get(pk=stuck.pk).status == Order.Status.PENDING
    assert Order.objects.get(pk=busy.pk).status == Order.Status.DOWNLOADING
    assert "Stahování přerušeno" in Order.objects.get(pk=stuck.pk).status_message


def test_a_pending_order_whose_download_never_arrived_is_queued() -> None:
    order_in(Order.Status.PENDING, minutes_ago=5)
    order_in(Order.Status.PENDING, minutes_ago=0)  # its task may still be on the way
    order_in(Order.Status.PENDING, minutes_ago=5, waiting_photo=False)

    assert shopify_sweep().lost_downloads == 1


def test_the_sweep_is_idempotent() -> None:
    order_in(Order.Status.DOWNLOADING, minutes_ago=16)
    shopify_sweep()

    report = shopify_sweep()

    assert (report.stuck_downloads, report.lost_downloads) == (0, 0)
