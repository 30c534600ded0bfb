"""ZIP downloads for staff, streamed as they are written (common/zipstream.py).

GET `/orders/<number>/export.zip`: everything of one order. POST
`/orders/print-batch.zip` with the ticked orders (`orders` = their ids): the books
to print. What goes in is `processing.exports`' business; here only the response.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from common.zipstream import ZipEntry, zip_stream
from fotomalovanky.permissions import Capability, order_get_visible, orders_visible, requires
from orders.models import Order
from processing.exports import order_export, print_batch

from .streaming import streamed


def _zip_response(
    request: HttpRequest, entries: list[ZipEntry], filename: str
) -> StreamingHttpResponse:
    chunks = streamed(request, zip_stream(entries))
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@requires(Capability.PRINT)
def order_zip(request: HttpRequest, number: str) -> StreamingHttpResponse:
    order = order_get_visible(request.user, number)
    # Listed here, in the view: the stream itself only reads the stored files.
    return _zip_response(request, list(order_export(order)), f"{order.number}.zip")


@require_POST
@requires(Capability.PRINT)
def print_batch_zip(request: HttpRequest) -> HttpResponseBase:
    ids = [int(value) for value in request.POST.getlist("orders") if value.isdigit()]
    # A printer's batch holds only the orders they may see, whatever ids were posted.
    entries = list(print_batch(orders_visible(request.user, Order.objects.filter(pk__in=ids))))
    if not entries:
        messages.error(request, "Vybrané objednávky nemají žádné hotové PDF.")
        return redirect("orders:list")
    return _zip_response(request, entries, "tisk.zip")
