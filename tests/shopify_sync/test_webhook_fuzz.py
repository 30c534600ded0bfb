"""Hostile but signed payloads: whatever JSON Shopify's signature covers, the webhook never
answers 5xx and keeps exactly one inbox row per delivery id; what a stored payload makes
the parser trip over is that payload's failure, never a crashing task.

Derandomised and bounded, so every run tries the same examples.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopify_sync.errors import ShopifyPermanentError
from shopify_sync.models import ShopifyWebhookEvent
from shopify_sync.schemas import OrderData
from shopify_sync.services.inbox_work import _order_data
from tests.asgi import asgi_call
from tests.fakes.shopify import webhook_headers

URL = "/api/v1/webhooks/shopify"
SECRET = "test-webhook-secret"
TOPICS = ["orders/create", "orders/updated", "orders/paid", "products/update"]
# Every character, lone surrogates and NUL included (json.dumps writes them as \u escapes).
TEXT = st.text(st.characters(codec=None, categories=None), max_size=20)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
ORDER_ID = st.integers() | st.integers(min_value=1, max_value=2**70).map(str) | TEXT
# Payloads shaped like an order (an id, maybe line items), or any JSON at all.
ORDERISH = st.fixed_dictionaries(
    {"id": ORDER_ID},
    optional={"line_items": JSON, "name": JSON, "customer": JSON, "created_at": JSON},
)
PAYLOADS = ORDERISH | JSON
FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ids = itertools.count(1)


@pytest.mark.django_db
@FUZZ
@given(payload=PAYLOADS, topic=st.sampled_from(TOPICS))
def test_signed_arbitrary_json_never_gets_a_5xx_and_one_row_per_delivery(
    payload: Any, topic: str
) -> None:
    body = json.dumps(payload).encode()  # NaN and Infinity too: JSON forbids them
    webhook_id = f"fuzz-{next(ids)}"
    headers = webhook_headers(body, secret=SECRET, topic=topic, webhook_id=webhook_id)

    first = asgi_call("POST", URL, body=body, headers=headers)
    again = asgi_call("POST", URL, body=body, headers=headers)

    assert first.status_code == 200, first.content
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    event = ShopifyWebhookEvent.objects.get(webhook_id=webhook_id)
    # Nothing lost: the raw body is kept whenever the stored JSON is not its own value.
    assert bytes(event.body) == body or event.payload == json.loads(body)
    assert event.outcome in {"pending", "ignored", "failed"}
    assert (event.outcome == "failed") == bool(event.error)


@FUZZ
@given(payload=ORDERISH)
def test_a_stored_payload_is_an_order_or_a_permanent_failure(payload: dict[str, Any]) -> None:
    try:
        assert isinstance(_order_data(payload), OrderData)
    except ShopifyPermanentError as exc:
        assert str(exc)
