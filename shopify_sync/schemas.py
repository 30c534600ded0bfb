"""Typed objects for what Shopify sends, parsed at the boundary (GraphQL and webhook JSON).

Nothing here imports Django models: `services.py` maps these objects to rows.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import ShopifyPermanentError

DEDICATION_KEY = "Věnování"
LAYOUT_KEY = "Rozvržení"
# Image.original_url's length; a photo address this long or longer is refused.
MAX_URL_LENGTH = 2048
# "Fotka 1", "Fotka3", "Fotka (4)-2": the last number is the photo's position; "(4)"
# is the pack size and is ignored. Anchored at the start only, case-sensitive, as the
# upload app writes it.
PHOTO_KEY = re.compile(r"^Fotka\s*(?:\(\d+\))?\s*-?\s*(\d+)")
# The photo authorisation the upload app writes as hidden attributes, and the names it
# is kept under (LineItem.consent; its validity is orders.consent's rule).
CONSENT_KEYS = {
    "_Photo authorization accepted": "accepted",
    "_Photo authorization version": "version",
    "_Photo authorization accepted at": "accepted_at",
    "_Photo authorization locale": "locale",
    "_Photo authorization text hash": "text_hash",
}
CONSENT_VALUE_LIMIT = 255  # a value longer than this is cut: no attribute fills a row


@dataclass(frozen=True)
class PhotoRef:
    position: int
    url: str


@dataclass(frozen=True)
class LineItemData:
    shopify_line_item_id: int
    title: str
    variant_title: str
    quantity: int
    # Cleaned custom attributes in Shopify's order: no empty keys or values, no hidden
    # ("_"-prefixed) keys.
    attributes: tuple[tuple[str, str], ...]
    # The photo authorisation from the hidden attributes (CONSENT_KEYS), never shown as
    # an attribute; {} when the customer's line item carries none.
    consent: dict[str, str] = field(default_factory=dict)

    @property
    def dedication(self) -> str:
        return dict(self.attributes).get(DEDICATION_KEY, "")

    @property
    def layout(self) -> str:
        return dict(self.attributes).get(LAYOUT_KEY, "")

    @property
    def photos(self) -> list[PhotoRef]:
        """Photo attributes by position; for a repeated position the first one wins.

        Every filled-in photo attribute counts, whatever its value: one that is no
        http(s) URL becomes a photo whose download fails with a reason staff see, so an
        order never goes to review a photo short without a word (an empty one is a
        photo the customer did not give). Values are cut to what the database holds (a
        longer one is refused as an address when downloading).
        """
        found: dict[int, str] = {}
        for key, value in self.attributes:
            match = PHOTO_KEY.match(key)
            if match and int(match[1]) >= 1 and value.strip():
                found.setdefault(int(match[1]), value.strip()[:MAX_URL_LENGTH])
        return [PhotoRef(position, url) for position, url in sorted(found.items())]


@dataclass(frozen=True)
class OrderData:
    shopify_id: int
    name: str
    created_at: datetime
    updated_at: datetime | None
    email: str
    payment_status: str  # Shopify's upper-case form (PAID, PARTIALLY_REFUNDED, …) or ""
    customer_name: str
    shipping_method: str
    line_items: tuple[LineItemData, ...] | None  # None: not part of this answer
    cancelled_at: datetime | None = None  # Shopify cancelled the order then


@dataclass(frozen=True)
class OrdersPage:
    orders: tuple[OrderData, ...]
    has_next_page: bool
    end_cursor: str | None


@dataclass(frozen=True)
class FulfillmentOrderLine:
    id: str  # gid://shopify/FulfillmentOrderLineItem/…
    remaining_quantity: int


@dataclass(frozen=True)
class FulfillmentOrderData:
    """One of an order's fulfillment orders: the items one location is to ship."""

    id: str  # gid://shopify/FulfillmentOrder/…
    status: str  # FulfillmentOrderStatus: OPEN, IN_PROGRESS, CLOSED, ON_HOLD, …
    location_id: str
    lines: tuple[FulfillmentOrderLine, ...]
    # More line items than the query fetched: fulfil it whole (no line list).
    lines_truncated: bool

    @property
    def is_open(self) -> bool:
        """Shopify accepts a fulfilment for it, and something is left to ship."""
        return self.status in ("OPEN", "IN_PROGRESS") and (
            self.lines_truncated or any(line.remaining_quantity > 0 for line in self.lines)
        )


def clean_attributes(pairs: Iterable[tuple[Any, Any]]) -> tuple[tuple[str, str], ...]:
    cleaned = []
    for key, value in pairs:
        key, value = str(key or "").strip(), str(value or "").strip()
        if key and value and not key.startswith("_"):
            cleaned.append((key, value))
    return tuple(cleaned)


def consent_attributes(pairs: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """The photo authorisation among a line item's raw attributes; the first of a repeated
    key wins, as for photos."""
    consent: dict[str, str] = {}
    for key, value in pairs:
        name = CONSENT_KEYS.get(str(key or "").strip())
        text = str(value or "").strip()
        if name and text:
            consent.setdefault(name, text[:CONSENT_VALUE_LIMIT])
    return consent


def gid_number(gid: str | int) -> int:
    """`gid://shopify/LineItem/123` → 123 (REST payloads already give 123)."""
    match = re.search(r"(\d+)$", str(gid))
    if not match:
        raise ShopifyPermanentError(f"Shopify sent an id without a number: {gid!r}.")
    return int(match[1])


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def full_name(first: str | None, last: str | None) -> str:
    return " ".join(part.strip() for part in (first or "", last or "") if part.strip())


def payment_status(value: str | None) -> str:
    """GraphQL says PARTIALLY_PAID, REST says partially_paid: store the upper-case form."""
    return (value or "").strip().upper()


# --- GraphQL (Admin API) ---


def line_item_from_graphql(node: Mapping[str, Any]) -> LineItemData:
    pairs = [(a.get("key"), a.get("value")) for a in node.get("customAttributes") or []]
    return LineItemData(
        shopify_line_item_id=gid_number(node["id"]),
        title=node.get("title") or "",
        variant_title=node.get("variantTitle") or "",
        quantity=int(node.get("quantity") or 1),
        attributes=clean_attributes(pairs),
        consent=consent_attributes(pairs),
    )


def order_from_graphql(
    node: Mapping[str, Any], line_items: tuple[LineItemData, ...] | None = None
) -> OrderData:
    customer = node.get("customer") or {}
    created_at = parse_time(node.get("createdAt"))
    if created_at is None:
        raise ShopifyPermanentError(f"Shopify sent order {node.get('name')!r} without createdAt.")
    return OrderData(
        shopify_id=int(node.get("legacyResourceId") or gid_number(node["id"])),
        name=node["name"],
        created_at=created_at,
        updated_at=parse_time(node.get("updatedAt")),
        email=node.get("email") or customer.get("email") or "",
        payment_status=payment_status(node.get("displayFinancialStatus")),
        customer_name=full_name(customer.get("firstName"), customer.get("lastName")),
        shipping_method=(node.get("shippingLine") or {}).get("title") or "",
        line_items=line_items,
        cancelled_at=parse_time(node.get("cancelledAt")),
    )


def fulfillment_order_from_graphql(node: Mapping[str, Any]) -> FulfillmentOrderData:
    location = (node.get("assignedLocation") or {}).get("location") or {}
    line_items = node.get("lineItems") or {}
    return FulfillmentOrderData(
        id=node["id"],
        status=node["status"],
        location_id=location.get("id") or "",
        lines=tuple(
            FulfillmentOrderLine(id=line["id"], remaining_quantity=int(line["remainingQuantity"]))
            for line in line_items.get("nodes") or []
        ),
        lines_truncated=bool((line_items.get("pageInfo") or {}).get("hasNextPage")),
    )


# --- Webhooks (REST JSON) ---


def line_items_from_webhook(payload: Mapping[str, Any]) -> tuple[LineItemData, ...] | None:
    """The payload's own line items when complete (each with id and properties), else None."""
    items = payload.get("line_items")
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and item.get("id") and isinstance(item.get("properties"), list)
        for item in items
    ):
        return None
    return tuple(_line_item_from_webhook(item) for item in items)


def _line_item_from_webhook(item: Mapping[str, Any]) -> LineItemData:
    pairs = [(p.get("name"), p.get("value")) for p in item["properties"]]
    return LineItemData(
        shopify_line_item_id=gid_number(item["id"]),
        title=item.get("title") or item.get("name") or "",
        variant_title=item.get("variant_title") or "",
        quantity=int(item.get("quantity") or 1),
        attributes=clean_attributes(pairs),
        consent=consent_attributes(pairs),
    )


def order_from_webhook(payload: Mapping[str, Any]) -> OrderData:
    customer = payload.get("customer") or {}
    shipping = payload.get("shipping_lines") or [{}]
    created_at = parse_time(payload.get("created_at"))
    if created_at is None:
        raise ShopifyPermanentError("The webhook payload has no created_at.")
    return OrderData(
        shopify_id=int(payload["id"]),
        name=str(payload.get("name") or f"#{payload.get('order_number', payload['id'])}"),
        created_at=created_at,
        updated_at=parse_time(payload.get("updated_at")),
        email=payload.get("email") or customer.get("email") or "",
        payment_status=payment_status(payload.get("financial_status")),
        customer_name=full_name(customer.get("first_name"), customer.get("last_name")),
        shipping_method=(shipping[0] or {}).get("title") or "",
        line_items=line_items_from_webhook(payload),
        cancelled_at=parse_time(payload.get("cancelled_at")),
    )


# --- Kept as JSON (a change Shopify made after approval waits in Order.pending_change) ---

TIMES = ("created_at", "updated_at", "cancelled_at")


def order_to_json(data: OrderData) -> dict[str, Any]:
    raw = dataclasses.asdict(data)
    for name in TIMES:
        raw[name] = raw[name].isoformat() if raw[name] else None
    return raw


def order_from_json(raw: Mapping[str, Any]) -> OrderData:
    """The OrderData `order_to_json` wrote; ShopifyPermanentError when it cannot be read."""
    try:
        items = raw["line_items"]
        line_items = None
        if items is not None:
            line_items = tuple(
                LineItemData(**{**item, "attributes": tuple(map(tuple, item["attributes"]))})
                for item in items
            )
        times = {name: parse_time(raw[name]) for name in TIMES}
        return OrderData(**{**raw, **times, "line_items": line_items})
    except (KeyError, TypeError, ValueError) as exc:
        raise ShopifyPermanentError(f"Uloženou změnu ze Shopify nelze přečíst ({exc}).") from exc
