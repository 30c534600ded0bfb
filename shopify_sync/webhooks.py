"""POST /api/v1/webhooks/shopify: verify, store, ask for processing, answer.

Nothing slow happens here. Two thin entry points share `delivery_answer`:

- `ShopifyWebhookApp`, the ASGI app daphne routes this path to (fotomalovanky/asgi.py).
  Shopify is a machine signing each request; it needs none of the session, CSRF,
  locale or message middleware, and skipping Django's middleware chain makes this path
  several times cheaper under load (see benchmarks/webhook.py).
- `shopify_webhook`, the same as a Django view, for WSGI servers and the test client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .errors import WebhookError
from .services import webhook_receive

logger = logging.getLogger(__name__)
TOO_LARGE = (413, {"detail": "The body is too large."})

Answer = tuple[int, dict[str, str]]


def delivery_answer(body: bytes, headers: Mapping[str, str]) -> Answer:
    """Store one delivery; the HTTP status and JSON body to answer Shopify with."""
    if len(body) > settings.SHOPIFY_WEBHOOK_MAX_BYTES:
        return TOO_LARGE
    try:
        delivery = webhook_receive(body=body, headers=headers)
    except WebhookError as exc:
        logger.info("Webhook refused (%s): %s", exc.status, exc)
        return exc.status, {"detail": str(exc)}
    return 200, {"status": "duplicate" if delivery.duplicate else delivery.outcome}


def _declared_too_large(length: str | None) -> bool:
    return bool(length and length.isdigit() and int(length) > settings.SHOPIFY_WEBHOOK_MAX_BYTES)


@csrf_exempt  # Shopify signs its requests (HMAC); there is no session or CSRF token.
@require_POST
def shopify_webhook(request: HttpRequest) -> HttpResponse:
    if _declared_too_large(request.META.get("CONTENT_LENGTH")):
        return JsonResponse(TOO_LARGE[1], status=TOO_LARGE[0])
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse(TOO_LARGE[1], status=TOO_LARGE[0])
    status, payload = delivery_answer(body, request.headers)
    return JsonResponse(payload, status=status)


class _Headers(dict[str, str]):
    """ASGI headers, looked up case-insensitively like Django's request.headers."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


def _store(body: bytes, headers: _Headers) -> Answer:
    # Runs in a worker thread: the connection goes back to the pool afterwards.
    close_old_connections()
    try:
        return delivery_answer(body, headers)
    finally:
        close_old_connections()


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class ShopifyWebhookApp:
    """The webhook as a bare ASGI app (HTTP only)."""

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        headers = _Headers(
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]
        )
        if scope["method"] != "POST":
            await _respond(send, 405, {"detail": "Method not allowed."}, allow="POST")
            return
        body = await _read_body(receive, headers.get("content-length"))
        if body is None:
            await _respond(send, *TOO_LARGE)
            return
        status, payload = await sync_to_async(_store, thread_sensitive=False)(body, headers)
        await _respond(send, status, payload)


async def _read_body(receive: Receive, declared: str | None) -> bytes | None:
    """The whole body, or None as soon as it is over the limit (declared or streamed)."""
    if _declared_too_large(declared):
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > settings.SHOPIFY_WEBHOOK_MAX_BYTES:
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
