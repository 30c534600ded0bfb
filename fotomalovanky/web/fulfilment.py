"""The operator's retry of telling Shopify that an order shipped (its fulfilment)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_POST

from shopify_sync import services as shopify

from ..permissions import Capability, requires
from .actions import order_action
from .views import HtmxHttpRequest


@require_POST
@requires(Capability.OPERATE)
def fulfil_retry(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return order_action(
        request,
        number,
        shopify.fulfilment_retry,
        "Oznámení odeslání do Shopify znovu zařazeno.",
        "Shopify nelze znovu oznámit",
    )
