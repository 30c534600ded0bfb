"""The webhook inbox, receiving side: verify, store before answering, ask for a drain."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.queueing import enqueue
from common.redis import redis_client

from ..errors import WebhookError
from ..models import ShopifyWebhookEvent

logger = logging.getLogger(__name__)

ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/paid"})
Outcome = ShopifyWebhookEvent.Outcome


@dataclass(frozen=True)
class Delivery:
    event_id: int
    duplicate: bool
    outcome: str


def signature_verify(body: bytes, signature: str | None) -> None:
    """Shopify signs the raw body: base64(HMAC-SHA256(secret, body)). Raises 401."""
    secret = settings.SHOPIFY_WEBHOOK_SECRET
    if not secret:
        raise WebhookError("SHOPIFY_WEBHOOK_SECRET is not set: webhooks are refused.", status=401)
    if not signature:
        raise WebhookError("The X-Shopify-Hmac-Sha256 header is missing.", status=401)
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise WebhookError("The webhook signature does not match.", status=401)


def _parse(body: bytes, topic: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WebhookError(f"The body is not valid JSON: {exc}", status=400) from exc
    if not isinstance(payload, dict):
        raise WebhookError("The body must be a JSON object.", status=400)
    if topic in ORDER_TOPICS and not _is_order_id(payload.get("id")):
        raise WebhookError("The order payload has no numeric id.", status=400)
    return payload


def _is_order_id(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (
        isinstance(value, str) and value.isdigit()
    )


def webhook_receive(*, body: bytes, headers: Mapping[str, str]) -> Delivery:
    """Verify and store one delivery, then ask for a drain of the inbox.

    Raises WebhookError (401 bad signature, 400 malformed) and then stores nothing.
    A repeated X-Shopify-Webhook-Id is answered as a duplicate with no second effect.
    Topics other than orders/create|updated|paid are stored as ignored. No Shopify
    call and no download happens here. The row is committed before the drain is asked
    for, so a worker never looks for a row that is not there; if Redis is down the
    row stays pending and the sweep processes it later.
    """
    signature_verify(body, headers.get("X-Shopify-Hmac-Sha256"))
    webhook_id = (headers.get("X-Shopify-Webhook-Id") or "").strip()[:100]
    if not webhook_id:
        raise WebhookError("The X-Shopify-Webhook-Id header is missing.", status=400)
    topic = (headers.get("X-Shopify-Topic") or "").strip()
    payload = _parse(body, topic)
    try:
        event = _insert(webhook_id, _event_fields(topic, headers, payload))
    except IntegrityError:
        existing = ShopifyWebhookEvent.objects.only("pk", "outcome").get(webhook_id=webhook_id)
        return Delivery(existing.pk, duplicate=True, outcome=existing.outcome)
    if event.outcome == Outcome.PENDING:
        transaction.on_commit(drain_request, robust=True)
    return Delivery(event.pk, duplicate=False, outcome=event.outcome)


def _insert(webhook_id: str, fields: dict[str, Any]) -> ShopifyWebhookEvent:
    """One INSERT; a repeated webhook_id raises IntegrityError (the unique constraint).

    In autocommit (a request) the statement is its own transaction: one round trip
    instead of BEGIN, INSERT, COMMIT, which is most of the webhook's cost. Inside a
    caller's transaction a savepoint keeps that transaction usable after a repeat.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return ShopifyWebhookEvent.objects.create(webhook_id=webhook_id, **fields)
    return ShopifyWebhookEvent.objects.create(webhook_id=webhook_id, **fields)


DRAIN_KEY = "fotomalovanky:shopify:webhook-drain"


def drain_request() -> None:
    """Make sure a drain of the inbox is queued; coalesces a burst into few tasks.

    The key says "a drain is queued and has not started yet": while it exists, new
    deliveries need nothing more (the drain deletes it first, then reads the inbox).
    Costs one Redis round trip instead of a Celery message per delivery. Never raises:
    a delivery whose drain could not be asked for is found by the sweep.
    """
    try:
        client = redis_client()
        queued = client.set(DRAIN_KEY, "1", nx=True, ex=60)
        if queued and not enqueue("shopify_sync.tasks.webhooks_drain"):
            client.delete(DRAIN_KEY)
    except redis.RedisError:
        logger.warning(
            "Could not ask for a webhook drain; the sweep will process it", exc_info=True
        )


def _event_fields(
    topic: str, headers: Mapping[str, str], payload: dict[str, Any]
) -> dict[str, Any]:
    ignored = topic not in ORDER_TOPICS
    return {
        "topic": topic[:100],
        "shop_domain": (headers.get("X-Shopify-Shop-Domain") or "")[:255],
        "api_version": (headers.get("X-Shopify-API-Version") or "")[:20],
        "shopify_order_id": int(payload["id"]) if not ignored else None,
        "payload": payload,
        "outcome": Outcome.IGNORED if ignored else Outcome.PENDING,
        "processed_at": timezone.now() if ignored else None,
    }
