"""Template helpers of the intake checks on the staff pages: a photo's findings on its
card and the order's "Kontrola fotek" panel (orders.holds)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.conf import settings

from orders import holds
from orders.models import Order
from orders.plurals import DAYS, counted

register = template.Library()


@register.filter
def finding_rows(findings: Iterable[Mapping[str, Any]]) -> list[holds.FindingRow]:
    return holds.finding_rows(findings or [])


@register.filter
def days(count: int) -> str:
    """ "1 den", "3 dny", "5 dní"."""
    return counted(count, DAYS)


@register.simple_tag
def overdue_days() -> int:
    return int(settings.HOLD_EMAIL_OVERDUE_DAYS)


@register.inclusion_tag("orders/partials/intake_panel.html", takes_context=True)
def intake_panel(context: template.Context, order: Order) -> dict[str, Any]:
    """The panel, from the line items the page's cards loaded when there are some (no
    query then); with the buttons of the viewer's role (`can`, also set by a push)."""
    detail = context.get("detail")
    items = [item.line_item for item in detail.line_items] if detail is not None else None
    return {
        "panel": holds.intake_panel(order=order, line_items=items),
        "can": context.get("can") or {},
        "csrf_token": context.get("csrf_token"),
    }
