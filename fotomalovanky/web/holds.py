"""The order's intake hold on its page: "Generovat i tak" and "E-mail odeslán".

Thin htmx POSTs (CSRF-checked, operators only) that call one service of
`orders.services.holds` each and answer like the other order actions
(`actions.outcome`: a banner and the refreshed order header, which holds the
"Kontrola fotek" panel), or redirect back without htmx.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from fotomalovanky.permissions import Capability, order_get_visible, requires
from orders.services.holds import HoldError, order_hold_confirm, order_hold_email_sent

from .actions import actor, outcome
from .views import HtmxHttpRequest


def _hold_action(
    request: HtmxHttpRequest, number: str, service: Callable[..., None], ok: str
) -> HttpResponse:
    order = order_get_visible(request.user, number)
    try:
        service(order_id=order.pk, actor=actor(request))
    except HoldError as exc:
        return outcome(request, order, "error", str(exc))
    return outcome(request, order, "success", ok)


@require_POST
@requires(Capability.OPERATE)
def order_hold_confirm_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _hold_action(
        request,
        number,
        order_hold_confirm,
        "Potvrzeno „Generovat i tak“: objednávka se může zpracovat.",
    )


@require_POST
@requires(Capability.OPERATE)
def order_hold_email_sent_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _hold_action(
        request, number, order_hold_email_sent, "Zaznamenáno: e-mail zákazníkovi odeslán."
    )
