"""Staff pages: the live order list, the order detail, one photo's card, and stored files.

Pages render whole for a normal request and only their live region for htmx (the
refresh after a WebSocket reconnect, filtering, paging): the same template partials
the WebSocket push renders.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from fotomalovanky.api.auth import staff_or_token_required
from processing.cards import card_context, image_card, order_cards

from .models import Image, Order
from .selectors import order_get_by_number, order_list

PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@staff_member_required
def order_list_view(request: HtmxHttpRequest) -> HttpResponse:
    q, status = request.GET.get("q", ""), request.GET.get("status", "")
    if status not in Order.Status.values:
        status = ""
    page = Paginator(order_list(q=q, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "status": status,
        "statuses": Order.Status.choices,
        "query": params.urlencode() + "&" if params else "",
    }
    template = "orders/order_list.html#order-table" if request.htmx else "orders/order_list.html"
    return render(request, template, context)


@require_GET
@staff_member_required
def order_detail_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = order_get_by_number(number)
    context = {"order": order, "detail": order_cards(order=order)}
    template = (
        "orders/order_detail.html#order-detail" if request.htmx else "orders/order_detail.html"
    )
    return render(request, template, context)


@require_GET
@staff_member_required
def image_card_view(request: HttpRequest, number: str, image_id: int) -> HttpResponse:
    order = order_get_by_number(number)
    get_object_or_404(Image, pk=image_id, line_item__order=order)
    card = image_card(image_id=image_id)
    return render(request, "orders/partials/image_card.html", card_context(card))


# Stored files are customers' photos and our output. An SVG can carry script: with
# this policy (and `sandbox`) nothing inside a served file can run in our origin.
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"


@require_GET
@staff_or_token_required
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a stored file to logged-in staff only (nginx does the sending when configured)."""
    try:
        exists = default_storage.exists(path)
    except SuspiciousFileOperation as exc:
        raise Http404("No such file.") from exc
    if not exists:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
    else:
        response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
