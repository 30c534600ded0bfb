"""The webhook inbox: verify, store before answering, process later in a worker."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fotomalovanky.queueing import enqueue, enqueue_on_commit

from .. import tasks as _tasks
from ..client import get_client
from ..errors import ShopifyPermanentError, WebhookError
from ..models import ShopifyWebhookEvent
from ..schemas import order_from_webhook
from .ingest import order_ingest

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
    """Verify and store one delivery; processing is enqueued after commit.

    Raises WebhookError (401 bad signature, 400 malformed) and then stores nothing.
    A repeated X-Shopify-Webhook-Id is answered as a duplicate with no second effect.
    Topics other than orders/create|updated|paid are stored as ignored. No Shopify
    call and no download happens here; if the broker is down, the row stays pending
    and the sweep processes it later.
    """
    signature_verify(body, headers.get("X-Shopify-Hmac-Sha256"))
    webhook_id = (headers.get("X-Shopify-Webhook-Id") or "").strip()
    if not webhook_id:
        raise WebhookError("The X-Shopify-Webhook-Id header is missing.", status=400)
    topic = (headers.get("X-Shopify-Topic") or "").strip()
    payload = _parse(body, topic)
    with transaction.atomic():
        event, created = ShopifyWebhookEvent.objects.get_or_create(
            webhook_id=webhook_id[:100],
            defaults=_event_fields(topic, headers, payload),
        )
        if created and event.outcome == Outcome.PENDING:
            enqueue_on_commit(_tasks.webhook_process, event.pk)
    return Delivery(event.pk, duplicate=not created, outcome=event.outcome)


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


def webhook_process(*, event_id: int) -> str:
    """Apply a stored delivery to our orders. Idempotent: a processed row is skipped.

    Uses the payload's own line items when complete, else fetches the order over
    GraphQL. Raises ShopifyTransientError (the task retries; the row stays pending for
    the sweep); a permanent problem marks the row failed with the reason.
    Returns the row's outcome.
    """
    event = ShopifyWebhookEvent.objects.get(pk=event_id)
    if event.outcome != Outcome.PENDING:
        return f"skipped-{event.outcome}"
    ShopifyWebhookEvent.objects.filter(pk=event_id).update(attempts=event.attempts + 1)
    try:
        data = order_from_webhook(event.payload)
        if data.line_items is None:
            data = get_client().order_get(data.shopify_id)
        result = order_ingest(data=data, actor=f"shopify:{event.topic}")
    except (ShopifyPermanentError, KeyError, TypeError, ValueError) as exc:
        _mark(event_id, Outcome.FAILED, f"{exc.__class__.__name__}: {exc}")
        return Outcome.FAILED
    outcome = Outcome.STALE if result.outcome == "stale" else Outcome.PROCESSED
    _mark(event_id, outcome, "")
    return outcome


def _mark(event_id: int, outcome: str, error: str) -> None:
    ShopifyWebhookEvent.objects.filter(pk=event_id, outcome=Outcome.PENDING).update(
        outcome=outcome, error=error, processed_at=timezone.now()
    )


def webhook_replay(*, event_id: int) -> bool:
    """Process a stored delivery again (admin action): back to pending, then enqueued."""
    updated = ShopifyWebhookEvent.objects.filter(pk=event_id).exclude(outcome=Outcome.IGNORED)
    if not updated.update(outcome=Outcome.PENDING, error="", processed_at=None):
        return False
    enqueue_on_commit(_tasks.webhook_process, event_id)
    return True


def webhooks_pending_sweep() -> int:
    """Enqueue deliveries still pending after SHOPIFY_WEBHOOK_SWEEP_AFTER seconds."""
    cutoff = timezone.now() - timedelta(seconds=settings.SHOPIFY_WEBHOOK_SWEEP_AFTER)
    ids = ShopifyWebhookEvent.objects.filter(outcome=Outcome.PENDING, received_at__lt=cutoff)
    sent = 0
    for event_id in ids.order_by("received_at").values_list("pk", flat=True)[:500]:
        sent += enqueue(_tasks.webhook_process, event_id)
    return sent
