"""Template helpers of costs: the order's "Náklady" panel (processing.selectors_costs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from orders.models import Order
from orders.plurals import Forms, counted
from processing.selectors_costs import order_cost

register = template.Library()

VERSIONS = Forms("verze", "verze", "verzí")


@register.inclusion_tag("orders/partials/cost_panel.html", takes_context=True)
def cost_panel(context: template.Context, order: Order) -> dict[str, Any]:
    """The panel for operators only (printers never see costs): its queries run only then,
    also when the live push renders the header for a role."""
    can = context.get("can") or {}
    return {"cost": order_cost(order_id=order.pk) if can.get("operate") else None}


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    """ "1 234,56 CZK": two places, Czech separators; a sub-haléř figure keeps four."""
    if value is None:
        return "—"
    places = 2 if value == value.quantize(Decimal("0.01")) or abs(value) >= 1 else 4
    text = floatformat(value, f"{places}g")
    return f"{text} {currency}".strip()


@register.filter
def versions(count: int) -> str:
    """ "1 verze", "3 verze", "5 verzí"."""
    return counted(count, VERSIONS)
