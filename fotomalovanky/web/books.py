"""What the order detail page shows per line item about its book (the PDF).

One `BookPanel` per line item, from rows the page already loaded (the photos with their
versions, the line item's books): whether the book can be built, what is missing, the
current book and whether it is stale, and the copies to print. The same panel feeds the
page, the action's answer and the WebSocket push.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import Prefetch
from django.urls import reverse

from orders.models import LineItem
from processing.books import (
    BookPlan,
    book_current,
    book_in_progress,
    book_plan,
    line_items_for_books,
)
from processing.models import BookVersion
from processing.pipeline.book_text import unsupported_characters

from .files import file_url


def copies(quantity: int) -> str:
    """The printed copies in Czech: "1 výtisk", "3 výtisky", "5 výtisků"."""
    noun = "výtisk" if quantity == 1 else "výtisky" if 2 <= quantity <= 4 else "výtisků"
    return f"{quantity} {noun}"


@dataclass
class BookPanel:
    line_item: LineItem
    plan: BookPlan
    books: list[BookVersion]  # newest first

    @property
    def pk(self) -> int:
        return self.line_item.pk

    @cached_property
    def current(self) -> BookVersion | None:
        return book_current(self.books)

    @cached_property
    def in_progress(self) -> BookVersion | None:
        return book_in_progress(self.books)

    @property
    def stale(self) -> bool:
        return self.current is not None and self.plan.is_stale(self.current)

    @property
    def purged_at(self) -> datetime | None:
        """When the order's books were purged (retention): the panel says so instead of
        offering the PDF."""
        return self.line_item.order.books_purged_at

    @property
    def can_build(self) -> bool:
        # A book is drawn from the photos' SVGs: once those are purged it cannot be.
        purged = self.line_item.order.photos_purged_at is not None
        return self.plan.ready and self.in_progress is None and not purged

    @cached_property
    def unprintable(self) -> str:
        """The dedication's characters the book's font cannot print (most emoji)."""
        return " ".join(unsupported_characters(self.line_item.dedication))

    @property
    def copies(self) -> str:
        return copies(self.line_item.quantity)

    @property
    def url(self) -> str:
        return reverse("orders:book-generate", args=[self.line_item.order.number, self.pk])

    @property
    def pdf_url(self) -> str:
        if self.current is None:
            return ""
        name = f"{self.line_item.order.number}-{self.line_item.position}.pdf"
        return file_url(self.current.file, download_name=name)


BOOKS = Prefetch("book_versions", queryset=BookVersion.objects.order_by("-version"))


def book_panel(*, line_item_id: int) -> BookPanel:
    """One line item's panel (for an action's answer or a push): four queries."""
    rows = LineItem.objects.select_related("order").prefetch_related(BOOKS)
    line_item = line_items_for_books(rows.filter(pk=line_item_id)).get()
    return panel_of(line_item)


def panel_of(line_item: LineItem) -> BookPanel:
    """The panel of a line item whose images' selected SVGs and books are prefetched."""
    return BookPanel(line_item, book_plan(line_item), list(line_item.book_versions.all()))
