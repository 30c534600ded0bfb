"""The webhook as daphne serves it: the bare ASGI app in front of Django."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator

from fotomalovanky.asgi import application
from shopify_sync.models import ShopifyWebhookEvent
from tests.fakes.shopify import fixture, webhook_headers

pytestmark = pytest.mark.django_db(transaction=True)
PATH = "/api/v1/webhooks/shopify"
SECRET = "test-webhook-secret"


async def call(method: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    communicator = HttpCommunicator(application, method, PATH, body=body, headers=raw)
    return await communicator.get_response(timeout=10)


def signed(webhook_id: str = "wh-asgi", **changes: Any) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(fixture("webhook_order.json") | changes).encode()
    return body, webhook_headers(body, secret=SECRET, webhook_id=webhook_id)


async def count() -> int:
    # database_sync_to_async closes the thread's connection afterwards (pool hygiene).
    return await database_sync_to_async(ShopifyWebhookEvent.objects.count)()


async def test_a_signed_delivery_is_stored() -> None:
    response = await call("POST", *signed())

    assert response["status"] == 200
    assert json.loads(response["body"]) == {"status": "pending"}
    assert await count() == 1


async def test_a_repeat_is_a_duplicate() -> None:
    await call("POST", *signed())

    response = await call("POST", *signed())

    assert json.loads(response["body"]) == {"status": "duplicate"}
    assert await count() == 1


async def test_a_bad_signature_is_401() -> None:
    body, headers = signed()

    response = await call("POST", body, {**headers, "X-Shopify-Hmac-Sha256": "AAAA"})

    assert response["status"] == 401
    assert await count() == 0


async def test_other_methods_are_405() -> None:
    response = await call("GET")

    assert response["status"] == 405
    assert (b"allow", b"POST") in response["headers"]


async def test_an_oversized_body_is_413(settings: Any) -> None:
    settings.SHOPIFY_WEBHOOK_MAX_BYTES = 500
    body, headers = signed(note="x" * 1000)

    declared = await call("POST", body, {**headers, "Content-Length": str(len(body))})
    streamed = await call("POST", body, headers)

    assert (declared["status"], streamed["status"]) == (413, 413)
    assert await count() == 0
