"""Orders held by the intake checks, their findings set directly (the checks themselves
are orders.intake's backend and tested there)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from orders.intake import finding
from orders.models import Image, LineItem, Order
from tests import factories


def held_order(
    *,
    number: str = "#1270",
    checked_at: datetime | None = None,
    photos: int = 3,
    book_findings: list[dict[str, Any]] | None = None,
    photo_findings: dict[int, list[dict[str, Any]]] | None = None,
    **fields: Any,
) -> Order:
    """An order with one book of `photos` photos, held by the checks: by default its
    photo 2 is too small. `photo_findings`: the findings of each photo, by position."""
    found = photo_findings if photo_findings is not None else {2: [tiny()]}
    defaults = {
        "customer_name": "Jana Nováková",
        "intake_checked_at": checked_at or timezone.now(),
        "intake_held": True,
    }
    order = factories.OrderFactory(order_number=number, **{**defaults, **fields})
    item = factories.LineItemFactory(
        order=order,
        position=1,
        title="Omalovánka z vlastních fotek",
        variant_title="Omalovánka z vlastních fotek / 8",
        intake_findings=book_findings or [],
    )
    for position in range(1, photos + 1):
        photo(item, position, found.get(position, []))
    return order


def photo(item: LineItem, position: int, findings: list[dict[str, Any]]) -> Image:
    return factories.ImageFactory(
        line_item=item, position=position, downloaded=True, intake_findings=findings
    )


def tiny() -> dict[str, Any]:
    return finding("tiny", width=320, height=240)


def blurred() -> dict[str, Any]:
    return finding("blurred")
