"""The order's lifecycle panel, included in the order header wherever it is rendered
(the page, an action's answer, the WebSocket push), with the buttons of the user's role."""

from __future__ import annotations

from typing import Any

from django import template

from fotomalovanky.web.lifecycle import lifecycle_panel
from orders.models import Order

register = template.Library()


@register.inclusion_tag("orders/partials/lifecycle.html", takes_context=True)
def lifecycle(context: template.Context, order: Order) -> dict[str, Any]:
    # A push is rendered without a request: the panel then carries no buttons and
    # fetches the user's own copy (fotomalovanky.web.lifecycle).
    request = context.get("request")
    user = getattr(request, "user", None)
    panel = lifecycle_panel(order, user, context.get("detail"))
    return {"lifecycle": panel, "request": request}
