"""Building a line item's print-ready book (PDF), or every book of an order, and listing
a line item's books.

Bodies are optional: without one a book whose photo count differs from the variant's
"… / N" is refused (400) instead of being built incomplete. Work is queued after
commit; the answer comes at once.
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Body, Path, Router

from fotomalovanky.permissions import order_visible
from orders.models import LineItem
from processing.books import line_item_books
from processing.models import BookVersion
from processing.services import book_generate, order_book_generate

from .auth import OPERATE, VIEW, actor, caller
from .images import order_generate
from .params import MAX_ID, OrderNumber
from .schemas import BookOptionsIn, BookVersionOut, GenerateOut, responses

router = Router(tags=["books"])

LineItemId = Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
BookBody = Annotated[BookOptionsIn | None, Body()]
LINE_ITEM_NOT_FOUND = "Položka nenalezena."


def _line_item(request: HttpRequest, line_item_id: int) -> LineItem:
    """The line item, if its order is one the caller may see (else 404)."""
    line_item = LineItem.objects.select_related("order").filter(pk=line_item_id).first()
    if line_item is None or not order_visible(caller(request), line_item.order):
        raise Http404(LINE_ITEM_NOT_FOUND)
    return line_item


def _confirmed(body: BookOptionsIn | None) -> bool:
    return bool(body and body.confirm_incomplete)


@router.post(
    "/orders/{order_number}/generate-pdf",
    auth=OPERATE,
    response=responses(GenerateOut, 400, 404, 422),
    summary="A book for every line item of an order that can have one",
)
def order_generate_pdf(
    request: HttpRequest, order_number: OrderNumber, body: BookBody = None
) -> dict[str, object]:
    """400 when no line item can have a book (what is missing is named) or one needs
    `confirm_incomplete`; a book already in progress counts as queued."""
    options = {"confirm_incomplete": _confirmed(body)}
    return order_generate(request, order_number, order_book_generate, options, "knih")


@router.post(
    "/line-items/{line_item_id}/generate-pdf",
    auth=OPERATE,
    response=responses(BookVersionOut, 400, 404, 422),
    summary="Build a line item's book",
)
def line_item_generate_pdf(
    request: HttpRequest, line_item_id: LineItemId, body: BookBody = None
) -> BookVersion:
    """The new book in `queued`, or the one already in progress (two calls, one book)."""
    return book_generate(
        line_item=_line_item(request, line_item_id),
        actor=actor(request),
        confirm_incomplete=_confirmed(body),
    )


@router.get(
    "/line-items/{line_item_id}/book-versions",
    auth=VIEW,
    response=responses(list[BookVersionOut], 404),
    summary="A line item's books",
)
def book_versions(request: HttpRequest, line_item_id: LineItemId) -> list[BookVersion]:
    """Newest first; `url` is the PDF's staff-only address once completed."""
    return line_item_books(_line_item(request, line_item_id).pk)
