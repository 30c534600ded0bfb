"""Coalesced processing of the inbox: a burst of deliveries asks for few drains."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from common.redis import redis_client
from fotomalovanky.celery import app as celery_app
from orders.models import Order
from shopify_sync.models import ShopifyWebhookEvent
from shopify_sync.services import webhook_process, webhooks_drain
from shopify_sync.services.inbox import DRAIN_KEY
from tests.asgi import asgi_call
from tests.fakes.shopify import FakeShopify, fixture, http_error, webhook_headers

pytestmark = pytest.mark.django_db
SECRET = "test-webhook-secret"


@pytest.fixture
def clean_queue() -> Any:
    redis_client().delete(DRAIN_KEY)
    celery_app.control.purge()
    yield redis_client()
    redis_client().delete(DRAIN_KEY)
    celery_app.control.purge()


def order_payload(number: int) -> dict[str, Any]:
    payload = fixture("webhook_order.json") | {"id": 100 + number, "name": f"#{number}"}
    payload["line_items"][0]["id"] = 900 + number
    return payload


def deliver(number: int) -> None:
    payload = order_payload(number)
    body = json.dumps(payload).encode()
    headers = webhook_headers(body, secret=SECRET, webhook_id=f"wh-{number}")
    assert (
        asgi_call("POST", "/api/v1/webhooks/shopify", body=body, headers=headers).status_code == 200
    )


def test_a_burst_of_deliveries_queues_one_drain(
    clean_queue: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            deliver(number)

    assert clean_queue.exists(DRAIN_KEY)
    assert clean_queue.llen("io") == 1  # one Celery message for five deliveries


def test_the_drain_applies_every_pending_delivery_and_clears_the_flag(
    clean_queue: Any, shopify: FakeShopify
) -> None:
    for number in range(3):
        ShopifyWebhookEvent.objects.create(
            webhook_id=f"wh-{number}", topic="orders/create", payload=order_payload(number)
        )
    clean_queue.set(DRAIN_KEY, "1")

    assert webhooks_drain() == 3

    assert not clean_queue.exists(DRAIN_KEY)
    assert Order.objects.count() == 3
    assert set(ShopifyWebhookEvent.objects.values_list("outcome", flat=True)) == {"processed"}


def test_a_claimed_delivery_is_not_applied_twice(shopify: FakeShopify) -> None:
    event = ShopifyWebhookEvent.objects.create(
        webhook_id="wh-1",
        topic="orders/create",
        payload=fixture("webhook_order.json"),
        claimed_until=timezone.now() + timedelta(minutes=5),
    )

    assert webhook_process(event_id=event.pk) == "skipped"
    ShopifyWebhookEvent.objects.filter(pk=event.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert webhook_process(event_id=event.pk) == "processed"  # the claimer died: taken over


def test_a_transient_failure_leaves_the_delivery_for_the_sweep(
    clean_queue: Any, shopify: FakeShopify
) -> None:
    payload = {"id": 5_000_001_270, "name": "#1270", "created_at": "2026-01-20T13:03:00Z"}
    event = ShopifyWebhookEvent.objects.create(
        webhook_id="wh-1", topic="orders/paid", payload=payload
    )
    shopify.fail(*[http_error(503)] * 4)

    assert webhooks_drain() == 0

    event.refresh_from_db()
    assert event.outcome == "pending"
    assert event.claimed_until > timezone.now()
    assert event.attempts == 1
