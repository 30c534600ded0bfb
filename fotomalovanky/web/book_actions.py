"""Staff actions on books: "Vygenerovat PDF" for one line item or the whole order.

Like the other actions (web/actions.py), each is an htmx POST that calls one service; a
line item's action answers with its book panel, showing why nothing was built in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fotomalovanky.permissions import Capability, order_get_visible, requires
from orders.models import LineItem
from processing import services as processing
from processing.errors import ProcessingRuleError

from .actions import actor, order_action
from .books import book_panel
from .views import HtmxHttpRequest


def _confirmed(request: HtmxHttpRequest) -> bool:
    return request.POST.get("confirm_incomplete") == "1"


@require_POST
@requires(Capability.OPERATE)
def order_generate_pdf(request: HtmxHttpRequest, number: str) -> HttpResponse:
    def service(**kwargs: object) -> object:
        return processing.order_book_generate(confirm_incomplete=_confirmed(request), **kwargs)  # type: ignore[arg-type]

    return order_action(
        request, number, service, "Generování PDF zahájeno.", "PDF nelze vygenerovat"
    )


@require_POST
@requires(Capability.OPERATE)
def line_item_book_generate(
    request: HtmxHttpRequest, number: str, line_item_id: int
) -> HttpResponse:
    order = order_get_visible(request.user, number)
    line_item = get_object_or_404(LineItem, pk=line_item_id, order=order)
    message = ""
    try:
        processing.book_generate(
            line_item=line_item, actor=actor(request), confirm_incomplete=_confirmed(request)
        )
    except ProcessingRuleError as exc:
        message = exc.message
    if not request.htmx:
        if message:
            messages.error(request, message)
        return redirect("orders:detail", order.number)
    context = {"book": book_panel(line_item_id=line_item.pk), "message": message}
    return render(
        request, "orders/partials/book_panel.html", context, status=400 if message else 200
    )
