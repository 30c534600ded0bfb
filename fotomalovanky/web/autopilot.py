"""The autopilot on the staff pages: the order's switch and panel, the list's banner.

The switch is a thin htmx POST (CSRF-checked, operators only) that calls one service and
answers like the other order actions (`actions.outcome`: a banner and the refreshed
order header, which holds the panel). A panel pushed over the WebSocket has no user, so
it asks for its own copy (`autopilot_panel_view`) as soon as it arrives, as the
lifecycle panel does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from fotomalovanky.permissions import AnyUser, Capability, can, order_get_visible, requires
from orders.models import Order
from processing.autopilot import order_autopilot
from processing.errors import ProcessingRuleError
from processing.services.autopilot import order_autopilot_set

from .actions import actor, outcome
from .views import HtmxHttpRequest


def autopilot_panel(order: Order, user: AnyUser | None) -> dict[str, Any]:
    """What templates/orders/partials/autopilot_panel.html shows; `user` None: no
    buttons (a push, which then fetches the user's own panel)."""
    return {
        "autopilot": order_autopilot(order),
        "personal": user is not None,
        "can_switch": bool(user and can(user, Capability.OPERATE)),
    }


@require_GET
@requires(Capability.VIEW)
def autopilot_panel_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = order_get_visible(request.user, number)
    context = {"panel": autopilot_panel(order, request.user)}
    return render(request, "orders/partials/autopilot_panel.html", context)


@require_POST
@requires(Capability.OPERATE)
def order_autopilot_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = order_get_visible(request.user, number)
    try:
        enabled = order_autopilot_set(
            order_id=order.pk, value=request.POST.get("autopilot"), actor=actor(request)
        )
    except ProcessingRuleError as exc:
        return outcome(request, order, "error", str(exc))
    message = "Autopilot zapnut: objednávka se zpracuje sama." if enabled else "Autopilot vypnut."
    return outcome(request, order, "success", message)
