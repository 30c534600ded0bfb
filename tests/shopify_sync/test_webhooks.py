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
    ("body", "reason"),
    [
        (b"{not json", "není použitelný JSON"),
        (b"\xff\xfe", "není použitelný JSON"),
        (b'{"id": NaN}', "není použitelný JSON"),
        (b"[1, 2]", "musí být objekt JSON"),
        (b'{"name": "#1270"}', "nemá platné číselné id"),
        (b'{"id": "abc"}', "nemá platné číselné id"),
        (b'{"id": true}', "nemá platné číselné id"),
        (b'{"id": 9223372036854775808}', "nemá platné číselné id"),  # over bigint
        (b'{"id": "99999999999999999999"}', "nemá platné číselné id"),
    ],
)
def test_a_signed_payload_that_cannot_be_applied_is_kept_as_failed_and_answered_200(
    body: bytes, reason: str, django_capture_on_commit_callbacks: Any
) -> None:
    # Shopify retries anything but a 2xx for days: a signed delivery is answered 200
    # and kept, as failed with its reason, for staff to see in the admin.
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(body=body, webhook_id="wh-bad")

    assert (response.status_code, response.json()) == (200, {"status": "failed"})
    event = ShopifyWebhookEvent.objects.get()
    assert (event.webhook_id, event.outcome, event.shopify_order_id) == ("wh-bad", "failed", None)
    assert reason in event.error
    assert bytes(event.body) == body  # kept exactly as signed
    assert event.processed_at is not None
    assert callbacks == []  # nothing to process


def test_nul_characters_are_stored_raw_and_replaced_in_the_json() -> None:
    payload = {**fixture("webhook_order.json"), "note": "Pro Aničku\u0000!", "x\u0000": 1}
    raw = json.dumps(payload).encode()

    response = post(body=raw, webhook_id="wh-nul")

    assert (response.status_code, response.json()) == (200, {"status": "pending"})
    event = ShopifyWebhookEvent.objects.get()
    assert bytes(event.body) == raw
    assert event.payload["note"] == "Pro Aničku\ufffd!" and event.payload["x\ufffd"] == 1
    assert event.shopify_order_id == 5861201002761


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
