"""Staff pages: the live order list, the order detail and one photo's card.

Pages render whole for a normal request and only their live region for htmx (the
refresh after a WebSocket reconnect, filtering, paging): the same template partials
the WebSocket push renders.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from fotomalovanky.permissions import Capability, order_get_visible, requires
from orders.models import Image

from .board import Board
from .cards import card_context, card_forms_context, image_card, order_cards

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@requires(Capability.VIEW)
def order_list_view(request: HtmxHttpRequest) -> HttpResponse:
    board = Board.from_params(request.user, request.GET)
    page = Paginator(board.orders, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"page": page, "board": board, "query": params.urlencode() + "&" if params else ""}
    template = "orders/order_list.html#order-table" if request.htmx else "orders/order_list.html"
    return render(request, template, context)


@require_GET
@requires(Capability.VIEW)
def order_detail_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = order_get_visible(request.user, number)
    context = {"order": order, "detail": order_cards(order=order), **card_forms_context()}
    template = (
        "orders/order_detail.html#order-detail" if request.htmx else "orders/order_detail.html"
    )
    return render(request, template, context)


@require_GET
@requires(Capability.VIEW)
def image_card_view(request: HttpRequest, number: str, image_id: int) -> HttpResponse:
    order = order_get_visible(request.user, number)
    get_object_or_404(Image, pk=image_id, line_item__order=order)
    card = image_card(image_id=image_id)
    return render(request, "orders/partials/image_card.html", card_context(card))
