"""The customer's photo authorisation: when it counts as given, in one place.

Shopify's upload app writes it into hidden line-item attributes
(`_Photo authorization accepted`, `… version`, `… accepted at`, `… locale`, `… text
hash`); shopify_sync keeps them as `LineItem.consent` = {"accepted", "version",
"accepted_at", "locale", "text_hash"}. With `PHOTO_CONSENT_REQUIRED`, a Shopify order
without a valid consent on every line item is held by the intake checks and its photos
are not downloaded. Manual orders are staff's own and need none: staff got the photos
from the customer themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

from .models import LineItem, Order

# Accepted at most this long before the order was placed (the upload comes first)…
CONSENT_BEFORE = timedelta(days=30)
# …and at most this long after it (clocks of browser and Shopify differ a little).
CONSENT_AFTER = timedelta(minutes=5)
TRUTHY = frozenset({"true", "1", "yes", "ano", "on", "accepted"})


def consent_valid(consent: Mapping[str, Any], *, order_created_at: datetime) -> bool:
    """Whether a line item's consent counts: accepted is truthy, and accepted_at is an
    ISO 8601 time from 30 days before the order's `created_at` to 5 minutes after it
    (both ends included). A time without a zone is taken as UTC; anything else that is
    missing or unreadable makes the consent invalid."""
    if str(consent.get("accepted") or "").strip().lower() not in TRUTHY:
        return False
    accepted_at = consent_time(consent.get("accepted_at"))
    if accepted_at is None:
        return False
    return order_created_at - CONSENT_BEFORE <= accepted_at <= order_created_at + CONSENT_AFTER


def consent_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def consent_required(order: Order) -> bool:
    return bool(settings.PHOTO_CONSENT_REQUIRED) and order.shopify_id is not None


def line_items_without_consent(order: Order) -> list[LineItem]:
    """The order's line items that lack a valid consent, when consent is required (else
    none), in position order."""
    if not consent_required(order):
        return []
    return [
        item
        for item in order.line_items.order_by("position")
        if not consent_valid(item.consent, order_created_at=order.created_at)
    ]
