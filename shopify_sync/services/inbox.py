"""The webhook inbox, receiving side: verify, store before answering, ask for a drain."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import re
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

# orders/cancelled carries the whole order with its cancelled_at: applied like the others.
ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/paid", "orders/cancelled"})
BIGINT_MAX = 2**63 - 1  # the largest id our columns (and PostgreSQL's bigint) hold
# Nesting of a stored payload: Shopify's orders nest a handful of levels; far deeper
# ones would reach Python's recursion limit when the database driver writes them.
MAX_DEPTH = 200
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
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


@dataclass(frozen=True)
class Parsed:
    """What a signed body says: the JSON to keep and, for an order, its id; `problem` is
    the Czech reason why it cannot be applied ("" when it can)."""

    payload: Any = None
    order_id: int | None = None
    problem: str = ""
    altered: bool = True  # whether `payload` may differ from the body's JSON value


def _parse(body: bytes, topic: str) -> Parsed:
    exponents: list[str] = []
    try:
        payload = json.loads(
            body, parse_constant=_not_json, parse_float=lambda n: _finite(n, exponents)
        )
        altered = _may_need_cleaning(body)
        if altered:
            payload = json_safe(payload)
        # jsonb keeps a number as a decimal without its exponent, so "6.1e+16" comes
        # back as an integer that need not equal the float parsed here: keep the body.
        altered = altered or bool(exponents)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return Parsed(problem=f"Tělo není použitelný JSON ({str(exc)[:200]}).")
    if not isinstance(payload, dict):
        return Parsed(payload, problem="Tělo musí být objekt JSON.")
    if topic not in ORDER_TOPICS:
        return Parsed(payload, altered=altered)
    order_id = _order_id(payload.get("id"))
    if order_id is None:
        return Parsed(payload, problem="Objednávka nemá platné číselné id (1 až 2^63 − 1).")
    return Parsed(payload, order_id, altered=altered)


def _order_id(value: object) -> int | None:
    """A Shopify order id that fits our bigint column, else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= BIGINT_MAX:
        return value
    return None


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} není v JSON dovoleno")


def _finite(number: str, exponents: list[str]) -> float:
    # "1e999" parses to infinity, which JSON (and jsonb) cannot hold.
    if "e" in number or "E" in number:
        exponents.append(number)
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(f"číslo {number[:20]} je mimo rozsah")
    return value


def _may_need_cleaning(body: bytes) -> bool:
    """Whether `json_safe` must walk the payload. NUL and lone surrogates reach a parsed
    string only as \\u escapes (JSON forbids raw control characters, and UTF-8 holds
    no surrogates); a body with fewer brackets than MAX_DEPTH cannot nest deeper. The
    walk costs a few percent of the webhook's throughput, so most bodies skip it."""
    if b"\\u0000" in body or SURROGATE_ESCAPE.search(body):
        return True
    return body.count(b"[") + body.count(b"{") > MAX_DEPTH


def json_safe(value: Any, depth: int = 0) -> Any:
    """`value` as a JSON column can hold it: NUL and lone surrogates in strings (and keys)
    replaced by U+FFFD (PostgreSQL's jsonb refuses both; the raw body keeps the
    original), and nested at most MAX_DEPTH levels (deeper ones are refused)."""
    if depth > MAX_DEPTH:
        raise ValueError(f"vnořeno hlouběji než {MAX_DEPTH} úrovní")
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, list):
        return [json_safe(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {_safe_text(key): json_safe(item, depth + 1) for key, item in value.items()}
    return value


def _safe_text(text: str) -> str:
    if text.isascii():
        return text.replace("\x00", "\ufffd")
    return (
        text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "\ufffd")
    )


def webhook_receive(*, body: bytes, headers: Mapping[str, str]) -> Delivery:
    """Verify and store one delivery, then ask for a drain of the inbox.

    Raises WebhookError (401 bad signature, 400 without a delivery id) and then stores
    nothing. Anything signed is stored with its raw body: what cannot be applied (no
    JSON, no object, an order without a usable id) as failed with the reason, so that
    Shopify, answered 200, stops sending it again, and staff see it in the admin. A
    repeated X-Shopify-Webhook-Id is answered as a duplicate with no second effect.
    Topics other than orders/create|updated|paid|cancelled are stored as ignored. No Shopify
    call and no download happens here. The row is committed before the drain is asked
    for, so a worker never looks for a row that is not there; if Redis is down the
    row stays pending and the sweep processes it later.
    """
    signature_verify(body, headers.get("X-Shopify-Hmac-Sha256"))
    webhook_id = _header(headers, "X-Shopify-Webhook-Id", 100)
    if not webhook_id:
        raise WebhookError("The X-Shopify-Webhook-Id header is missing.", status=400)
    topic = _header(headers, "X-Shopify-Topic", 100)
    fields = _event_fields(topic, headers, body, _parse(body, topic))
    try:
        event = _insert(webhook_id, fields)
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


def _header(headers: Mapping[str, str], name: str, limit: int) -> str:
    # A text column holds no NUL; the header is cut to its column.
    return (headers.get(name) or "").replace("\x00", "").strip()[:limit]


def _event_fields(
    topic: str, headers: Mapping[str, str], body: bytes, parsed: Parsed
) -> dict[str, Any]:
    if parsed.problem:
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.PENDING if topic in ORDER_TOPICS else Outcome.IGNORED
    return {
        "topic": topic,
        "shop_domain": _header(headers, "X-Shopify-Shop-Domain", 255),
        "api_version": _header(headers, "X-Shopify-API-Version", 20),
        "shopify_order_id": parsed.order_id,
        # Byte for byte whenever the stored JSON may not be the body's own value (it could
        # not be parsed, or had to be cleaned); a clean payload is that value already.
        "body": body if parsed.problem or parsed.altered else b"",
        "payload": parsed.payload,
        "outcome": outcome,
        "error": parsed.problem,
        "processed_at": None if outcome == Outcome.PENDING else timezone.now(),
    }
