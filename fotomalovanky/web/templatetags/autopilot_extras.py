"""The autopilot on the staff pages: the order's panel (in the order header wherever it
is rendered) and the order list's banner."""

from __future__ import annotations

from typing import Any

from django import template

from fotomalovanky.web.autopilot import autopilot_panel
from orders.models import Order
from processing.autopilot import autopilot_summary

register = template.Library()


@register.inclusion_tag("orders/partials/autopilot_panel.html", takes_context=True)
def autopilot(context: template.Context, order: Order) -> dict[str, Any]:
    # A push is rendered without a request: the panel then fetches the user's own copy.
    request = context.get("request")
    return {"panel": autopilot_panel(order, getattr(request, "user", None)), "request": request}


@register.inclusion_tag("orders/partials/autopilot_banner.html")
def autopilot_banner() -> dict[str, Any]:
    return {"summary": autopilot_summary()}
