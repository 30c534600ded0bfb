"""Changes Shopify makes to an order that is already approved (or printed, or sent).

Nothing of the order's books is overwritten then: the difference per line item (photos
added, removed or at a new address, dedication, layout, variant, quantity) is kept in
`Order.pending_change` with the order as Shopify sent it, and staff choose on the
order's page (services.pending): "Použít změny" or "Ponechat". A kept change is
remembered by its fingerprint, so the same difference does not warn again, while a
later, different one does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils import timezone

from orders.models import LineItem, Order

from ..schemas import LineItemData, OrderData, order_to_json

FIELDS = {
    "dedication": "věnování",
    "layout": "rozvržení",
    "variant_title": "varianta",
    "quantity": "množství",
    "title": "název",
}


def items_diff(order: Order, items: tuple[LineItemData, ...]) -> list[dict[str, Any]]:
    """What Shopify's line items change against ours, per line item, in Czech lines."""
    existing = {li.shopify_line_item_id: li for li in order.line_items.prefetch_related("images")}
    diff: list[dict[str, Any]] = []
    for item in items:
        line_item = existing.get(item.shopify_line_item_id)
        if line_item is None:
            lines = [f"nová položka „{item.title}“ ({len(item.photos)} fotek)"]
            diff.append({"position": None, "title": item.title, "lines": lines})
            continue
        lines = _field_lines(line_item, item) + _photo_lines(line_item, item)
        if lines:
            diff.append({"position": line_item.position, "title": line_item.title, "lines": lines})
    return diff


def _field_lines(line_item: LineItem, item: LineItemData) -> list[str]:
    lines = []
    for name, label in FIELDS.items():
        old, new = getattr(line_item, name), getattr(item, name)
        if old != new:
            lines.append(f"{label}: „{old or '—'}“ → „{new or '—'}“")
    return lines


def _photo_lines(line_item: LineItem, item: LineItemData) -> list[str]:
    ours = {image.position: image.original_url for image in line_item.images.all()}
    theirs = {photo.position: photo.url for photo in item.photos}
    lines = []
    for position in sorted(ours.keys() | theirs.keys()):
        old, new = ours.get(position), theirs.get(position)
        if old is None:
            lines.append(f"fotka {position} přidána")
        elif new is None:
            if old:
                lines.append(f"fotka {position} odebrána (u nás zůstane)")
        elif old != new:
            lines.append(f"fotka {position} vyměněna (nová adresa)")
    return lines


def change_text(diff: list[dict[str, Any]]) -> str:
    parts = []
    for entry in diff:
        where = f"položka {entry['position']}" if entry["position"] else "nová položka"
        parts.append(f"{where}: " + ", ".join(entry["lines"]))
    return "; ".join(parts)


def _fingerprint(diff: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(diff, sort_keys=True).encode()).hexdigest()


def change_hold(*, order: Order, data: OrderData, actor: str) -> list[str]:
    """Keep what Shopify changed in a held order's line items instead of applying it.

    Call with the order's row locked (order_ingest). Returns the change for the order's
    history ([] when there is nothing new to tell staff).
    """
    assert data.line_items is not None
    diff = items_diff(order, data.line_items)
    current = order.pending_change or {}
    if not diff:
        # Shopify undid its change: nothing is left to decide (or to remember as kept).
        if current:
            pending_set(order, None)
        return ["čekající změna už ve Shopify neplatí"] if order_was_pending(current) else []
    fingerprint = _fingerprint(diff)
    if current.get("fingerprint") == fingerprint:
        if not current.get("kept"):  # the same difference: keep Shopify's newest data
            pending_set(order, {**current, "order": order_to_json(data)})
        return []
    pending_set(
        order,
        {
            "fingerprint": fingerprint,
            "detected_at": timezone.now().isoformat(),
            "actor": actor,
            "items": diff,
            "order": order_to_json(data),
        },
    )
    status = order.get_status_display().lower()
    return [f"objednávka je už {status}, změny čekají na rozhodnutí: {change_text(diff)}"]


def order_was_pending(change: dict[str, Any]) -> bool:
    return bool(change) and not change.get("kept")


def pending_set(order: Order, value: dict[str, Any] | None) -> None:
    order.pending_change = value
    Order.objects.filter(pk=order.pk).update(pending_change=value)
