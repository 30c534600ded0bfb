"""POST /api/v1/webhooks/shopify: verified, stored before answering, no slow work inside.

Requests go to the real ASGI application, where daphne routes the webhook (tests/asgi.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shopify_sync.models import ShopifyWebhookEvent
from tests.asgi import asgi_call
from tests.fakes.shopify import fixture, webhook_headers

URL = "/api/v1/webhooks/shopify"
SECRET = "test-webhook-secret"
pytestmark = pytest.mark.django_db


def post(payload: Any = None, *, body: bytes | None = None, **options: Any) -> Any:
    raw = (
        body if body is not None else json.dumps(payload or fixture("webhook_order.json")).encode()
    )
    headers = webhook_headers(raw, secret=options.pop("secret", SECRET), **options)
    return asgi_call("POST", URL, body=raw, headers=headers)


def test_a_signed_order_delivery_is_stored_and_queued(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(topic="orders/create", webhook_id="wh-100")

    assert response.status_code == 200
    event = ShopifyWebhookEvent.objects.get()
    assert (event.webhook_id, event.topic, event.outcome) == ("wh-100", "orders/create", "pending")
    assert event.shopify_order_id == 5861201002761
    assert event.shop_domain == "fotomalovanky.myshopify.com"
    assert event.payload["name"] == "#1270"
    assert len(callbacks) == 1  # the processing task, sent after commit


@pytest.mark.parametrize(
    "options",
    [
        {"signature": "bm90IHRoZSByaWdodCBzaWduYXR1cmU="},
        {"signature": ""},
        {"secret": "another-secret"},
    ],
)
def test_a_wrong_or_missing_signature_is_401_and_stores_nothing(options: dict[str, str]) -> None:
    response = post(**options)

    assert response.status_code == 401
    assert ShopifyWebhookEvent.objects.count() == 0


def test_without_a_configured_secret_every_delivery_is_401(settings: Any) -> None:
    settings.SHOPIFY_WEBHOOK_SECRET = ""

    response = post()

    assert response.status_code == 401
    assert "SHOPIFY_WEBHOOK_SECRET" in response.json()["detail"]
    assert ShopifyWebhookEvent.objects.count() == 0


def test_a_repeated_delivery_id_has_no_second_effect(
    django_capture_on_commit_callbacks: Any,
) -> None:
    post(webhook_id="wh-7")

    with django_capture_on_commit_callbacks() as callbacks:
        response = post(webhook_id="wh-7")

    assert response.status_code == 200
    assert response.json() == {"status": "duplicate"}
    assert ShopifyWebhookEvent.objects.count() == 1
    assert callbacks == []


def test_another_topic_is_recorded_as_ignored(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = post({"id": 77, "title": "Omalovánka"}, topic="products/update")

    assert response.status_code == 200
    event = ShopifyWebhookEvent.objects.get()
    assert (event.outcome, event.processed_at is not None) == ("ignored", True)
    assert callbacks == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"name": "#1270"}', b'{"id": "abc"}', b'{"id": true}', b"\xff\xfe"],
)
def test_malformed_payloads_are_400_and_store_nothing(body: bytes) -> None:
    response = post(body=body)

    assert response.status_code == 400
    assert ShopifyWebhookEvent.objects.count() == 0


def test_a_delivery_without_webhook_id_is_400() -> None:
    raw = json.dumps(fixture("webhook_order.json")).encode()
    headers = webhook_headers(raw, secret=SECRET)
    del headers["X-Shopify-Webhook-Id"]

    response = asgi_call("POST", URL, body=raw, headers=headers)

    assert response.status_code == 400


def test_an_oversized_body_is_413(settings: Any) -> None:
    settings.SHOPIFY_WEBHOOK_MAX_BYTES = 1000
    payload = fixture("webhook_order.json") | {"note": "x" * 2000}

    response = post(payload)

    assert response.status_code == 413
    assert ShopifyWebhookEvent.objects.count() == 0


def test_only_post_is_allowed() -> None:
    assert asgi_call("GET", URL).status_code == 405


def test_the_webhook_needs_no_csrf_token(settings: Any) -> None:
    response = post()

    assert response.status_code == 200
