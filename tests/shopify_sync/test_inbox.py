"""Processing stored deliveries: payload or GraphQL, out-of-order updates, replay, sweep."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Image, LineItem, Order
from shopify_sync.models import ShopifyWebhookEvent
from shopify_sync.services import webhook_process, webhook_replay, webhooks_pending_sweep
from tests.fakes.shopify import FakeShopify, fixture, line_item_node, order_node

pytestmark = pytest.mark.django_db


def stored(payload: dict[str, Any], topic: str = "orders/create", webhook_id: str = "wh-1") -> int:
    return ShopifyWebhookEvent.objects.create(
        webhook_id=webhook_id, topic=topic, payload=payload, shopify_order_id=payload.get("id")
    ).pk


def test_complete_payload_is_applied_without_asking_shopify(shopify: FakeShopify) -> None:
    event_id = stored(fixture("webhook_order.json", "https://cdn.example.com"))

    assert webhook_process(event_id=event_id) == "processed"

    order = Order.objects.get()
    assert (order.order_number, order.payment_status) == ("#1270", "PAID")
    assert LineItem.objects.get().dedication == "Pro Aničku k narozeninám"
    assert Image.objects.count() == 2
    assert shopify.requests == []
    event = ShopifyWebhookEvent.objects.get()
    assert (event.outcome, event.attempts, event.processed_at is not None) == ("processed", 1, True)


def test_a_payload_without_line_item_properties_is_completed_over_graphql(
    shopify: FakeShopify,
) -> None:
    shopify.add(
        order_node(1270, line_items=[line_item_node(1, {"Fotka 1": "https://c.example/1.jpg"})])
    )
    payload = {
        "id": 5_000_001_270,
        "name": "#1270",
        "created_at": "2026-01-20T13:03:00Z",
        "financial_status": "paid",
    }

    assert webhook_process(event_id=stored(payload, "orders/paid")) == "processed"

    assert shopify.operations == ["GetOrderDetails"]
    assert Image.objects.get().original_url == "https://c.example/1.jpg"


def test_an_older_update_arriving_late_does_not_overwrite_a_newer_one(shopify: FakeShopify) -> None:
    newer = fixture("webhook_order.json") | {
        "financial_status": "refunded",
        "updated_at": "2026-01-22T10:00:00+01:00",
    }
    older = fixture("webhook_order.json") | {
        "financial_status": "paid",
        "updated_at": "2026-01-21T10:00:00+01:00",
    }
    webhook_process(event_id=stored(newer, "orders/updated", "wh-new"))

    outcome = webhook_process(event_id=stored(older, "orders/paid", "wh-old"))

    assert outcome == "stale"
    assert Order.objects.get().payment_status == "REFUNDED"


def test_processing_twice_has_one_effect(shopify: FakeShopify) -> None:
    event_id = stored(fixture("webhook_order.json"))
    webhook_process(event_id=event_id)

    assert webhook_process(event_id=event_id) == "skipped"
    assert (Order.objects.count(), Image.objects.count()) == (1, 2)


def test_a_payload_we_cannot_use_is_marked_failed_with_the_reason(shopify: FakeShopify) -> None:
    event_id = stored(fixture("webhook_order.json") | {"created_at": "yesterday"})

    assert webhook_process(event_id=event_id) == "failed"

    event = ShopifyWebhookEvent.objects.get()
    assert event.outcome == "failed"
    assert "yesterday" in event.error
    assert Order.objects.count() == 0


def test_an_order_shopify_does_not_have_fails_the_delivery(shopify: FakeShopify) -> None:
    payload = {"id": 42, "name": "#42", "created_at": "2026-01-20T13:03:00Z"}

    assert webhook_process(event_id=stored(payload)) == "failed"
    assert "no order with id 42" in ShopifyWebhookEvent.objects.get().error


def test_replay_processes_a_delivery_again(
    shopify: FakeShopify, django_capture_on_commit_callbacks: Any
) -> None:
    event_id = stored(fixture("webhook_order.json"))
    webhook_process(event_id=event_id)

    with django_capture_on_commit_callbacks() as callbacks:
        assert webhook_replay(event_id=event_id)

    assert ShopifyWebhookEvent.objects.get().outcome == "pending"
    assert len(callbacks) == 1
    assert webhook_process(event_id=event_id) == "processed"
    assert Order.objects.count() == 1


def test_the_sweep_queues_only_deliveries_pending_for_a_while(settings: Any) -> None:
    settings.SHOPIFY_WEBHOOK_SWEEP_AFTER = 60
    old = stored(fixture("webhook_order.json"), webhook_id="wh-old")
    ShopifyWebhookEvent.objects.filter(pk=old).update(
        received_at=timezone.now() - timedelta(minutes=5)
    )
    stored(fixture("webhook_order.json"), webhook_id="wh-fresh")
    done = stored(fixture("webhook_order.json"), webhook_id="wh-done")
    ShopifyWebhookEvent.objects.filter(pk=done).update(
        outcome="processed", received_at=timezone.now() - timedelta(minutes=5)
    )

    assert webhooks_pending_sweep() == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert webhooks_pending_sweep() == 2


def test_the_inbox_is_in_the_admin_with_a_replay_action(admin_client_: Client) -> None:
    event_id = stored(fixture("webhook_order.json"))
    ShopifyWebhookEvent.objects.filter(pk=event_id).update(outcome="failed", error="Boom")
    url = reverse("admin:shopify_sync_shopifywebhookevent_changelist")

    listing = admin_client_.get(url)
    detail = admin_client_.get(
        reverse("admin:shopify_sync_shopifywebhookevent_change", args=[event_id])
    )
    replayed = admin_client_.post(
        url, {"action": "replay", "_selected_action": [event_id]}, follow=True
    )

    assert "Boom" in listing.content.decode()
    assert "Dvořáková" in detail.content.decode()  # the pretty-printed payload
    assert "Znovu zařazeno ke zpracování: 1" in replayed.content.decode()
    assert ShopifyWebhookEvent.objects.get().outcome == "pending"


def test_a_delivery_that_is_no_json_shows_its_raw_body_and_reason_in_the_admin(
    admin_client_: Client,
) -> None:
    event = ShopifyWebhookEvent.objects.create(
        webhook_id="wh-raw",
        topic="orders/create",
        body=b"<b>\x00\xff</b>",
        payload=None,
        outcome="failed",
        error="Tělo není použitelný JSON (Expecting value).",
    )

    detail = admin_client_.get(
        reverse("admin:shopify_sync_shopifywebhookevent_change", args=[event.pk])
    )

    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Tělo není použitelný JSON" in html
    assert "&lt;b&gt;\\x00\\xff&lt;/b&gt;" in html  # escaped, never markup


def test_a_replayed_delivery_that_is_no_object_fails_again_with_the_reason() -> None:
    event = ShopifyWebhookEvent.objects.create(
        webhook_id="wh-list", topic="orders/create", payload=[1, 2], outcome="failed"
    )

    assert webhook_replay(event_id=event.pk)
    assert webhook_process(event_id=event.pk) == "failed"
    event.refresh_from_db()
    assert event.error.endswith("Obsah doručení není objekt JSON.")
