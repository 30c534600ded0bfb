"""Nothing is lost: the sweep re-queues stale notices, and the operator may retry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.utils import timezone

from common.redis import redis_client
from fotomalovanky.celery import app as celery_app
from orders.models import FulfilmentStatus, Order, OrderEvent
from shopify_sync.errors import ShopifyPermanentError
from shopify_sync.services import fulfilment_retry, shopify_sweep
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
TASK = "shopify_sync.tasks.order_fulfil"


@pytest.fixture
def io_queue() -> Iterator[redis.Redis]:
    celery_app.control.purge()
    yield redis_client()
    celery_app.control.purge()


@pytest.fixture
def enabled(settings: Any) -> None:
    settings.SHOPIFY_FULFILL_ON_SENT = True


def queued(queue: redis.Redis) -> list[tuple[str, str]]:
    messages = [json.loads(raw) for raw in queue.lrange("io", 0, -1)]
    return [(m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages]


def order_with(fulfilment_status: str, minutes_ago: int = 0, **fields: Any) -> Order:
    order = OrderFactory(status=Order.Status.SENT, fulfilment_status=fulfilment_status, **fields)
    Order.objects.filter(pk=order.pk).update(
        updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return order


def test_the_sweep_queues_notices_pending_too_long(enabled: None, io_queue: redis.Redis) -> None:
    stale = order_with(FulfilmentStatus.PENDING, minutes_ago=16)
    order_with(FulfilmentStatus.PENDING, minutes_ago=3)  # its task may still be retrying
    order_with(FulfilmentStatus.ERROR, minutes_ago=60)  # waits for the operator
    order_with(FulfilmentStatus.DONE, minutes_ago=60)

    report = shopify_sweep()

    assert report.fulfilments == 1
    assert queued(io_queue) == [(TASK, f"({stale.pk},)")]


def test_with_the_setting_off_the_sweep_leaves_them(io_queue: redis.Redis) -> None:
    order_with(FulfilmentStatus.PENDING, minutes_ago=16)

    assert shopify_sweep().fulfilments == 0
    assert queued(io_queue) == []


@pytest.mark.parametrize("status", [FulfilmentStatus.ERROR, FulfilmentStatus.PENDING, ""])
def test_the_operator_retries_a_notice_not_yet_done(
    enabled: None, io_queue: redis.Redis, django_capture_on_commit_callbacks: Any, status: str
) -> None:
    order = order_with(status, fulfilment_error="Shopify odmítl vytvořit odeslání: …")

    with django_capture_on_commit_callbacks(execute=True):
        fulfilment_retry(order=order, actor="user:operator")

    order.refresh_from_db()
    assert (order.fulfilment_status, order.fulfilment_error) == (FulfilmentStatus.PENDING, "")
    assert queued(io_queue) == [(TASK, f"({order.pk},)")]
    assert OrderEvent.objects.filter(order=order, actor="user:operator").exists()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"fulfilment_status": FulfilmentStatus.DONE}, "o které Shopify ještě neví"),
        ({"status": Order.Status.PRINTED}, "Oznámit Shopify lze jen odeslanou"),
        ({"shopify_id": None}, "Ruční objednávka"),
    ],
)
def test_a_retry_with_nothing_to_retry_is_refused_in_czech_and_changes_nothing(
    enabled: None, io_queue: redis.Redis, fields: dict[str, Any], reason: str
) -> None:
    order = OrderFactory(
        **{"status": Order.Status.SENT, "fulfilment_status": FulfilmentStatus.ERROR, **fields}
    )

    with pytest.raises(ShopifyPermanentError, match=reason):
        fulfilment_retry(order=order, actor="user:operator")

    assert Order.objects.get(pk=order.pk).fulfilment_status == order.fulfilment_status
    assert queued(io_queue) == []


def test_with_the_setting_off_a_retry_is_refused(io_queue: redis.Redis) -> None:
    order = order_with(FulfilmentStatus.ERROR)

    with pytest.raises(ShopifyPermanentError, match="SHOPIFY_FULFILL_ON_SENT"):
        fulfilment_retry(order=order, actor="user:operator")

    assert queued(io_queue) == []
