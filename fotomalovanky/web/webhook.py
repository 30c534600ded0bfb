"""POST /api/v1/webhooks/shopify: the Shopify webhook's one entry point, a bare ASGI app.

daphne routes the path here, ahead of Django (fotomalovanky/asgi.py). Shopify is a
machine signing each request: it needs none of the session, CSRF, locale or message
middleware, and the middleware chain costs more than storing the delivery. As a plain
Django view the webhook made 0.51-0.57 of a trivial view's throughput, below the 0.7
the project asks of a plain view, and this app 1.56-1.71 (benchmarks/README.md). So
this is the webhook's only route: WSGI does not serve it.

This module only speaks HTTP (method, body size, status codes). Verifying, storing and
asking for processing is the domain's: `shopify_sync.services.webhook_receive`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.signals import request_finished, request_started

from shopify_sync.errors import WebhookError
from shopify_sync.services import webhook_receive

logger = logging.getLogger(__name__)

Answer = tuple[int, dict[str, str]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

TOO_LARGE: Answer = (413, {"detail": "The body is too large."})
NOT_ALLOWED: Answer = (405, {"detail": "Method not allowed."})


class ShopifyWebhookApp:
    """The webhook (HTTP only): verify, store, answer. Nothing slow happens here."""

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _respond(send, *NOT_ALLOWED, allow="POST")
            return
        headers = _Headers(
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]
        )
        body = await _read_body(receive, headers.get("content-length"))
        if body is None:
            await _respond(send, *TOO_LARGE)
            return
        # On the loop's thread pool, so deliveries do not queue behind one another's
        # database round trips. Not a new thread per request, as Django's ASGIHandler
        # does (ThreadSensitiveContext): starting and joining it cut this path's
        # throughput by about two thirds in benchmarks/webhook.py.
        status, payload = await sync_to_async(_store, thread_sensitive=False)(scope, body, headers)
        await _respond(send, status, payload)


def _store(scope: dict[str, Any], body: bytes, headers: _Headers) -> Answer:
    """Store one delivery as one Django request; the HTTP answer for Shopify.

    Runs in a pool thread: the request signals close its obsolete connection first and
    return its connection to the pool afterwards, as Django's own handlers do (and a
    test can hold them back, as Django's test client does: tests/asgi.py).
    """
    request_started.send(sender=ShopifyWebhookApp, scope=scope)
    try:
        delivery = webhook_receive(body=body, headers=headers)
    except WebhookError as exc:
        logger.info("Webhook refused (%s): %s", exc.status, exc)
        return exc.status, {"detail": str(exc)}
    finally:
        request_finished.send(sender=ShopifyWebhookApp)
    return 200, {"status": "duplicate" if delivery.duplicate else delivery.outcome}


class _Headers(dict[str, str]):
    """ASGI headers, looked up case-insensitively like Django's request.headers."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


async def _read_body(receive: Receive, declared: str | None) -> bytes | None:
    """The whole body, or None as soon as it is over the limit (declared or streamed)."""
    limit = settings.SHOPIFY_WEBHOOK_MAX_BYTES
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send: Send, status: int, payload: dict[str, str], allow: str = "") -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if allow:
        headers.append((b"allow", allow.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
