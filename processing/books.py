"""What a line item's book is made of, read without changing anything (book selectors).

A line item is one book: its photos in order, each with its selected, completed SVG,
drawn in the layout its `Rozvržení` attribute names. `BookPlan` says whether it can be
built now, what is missing, whether the photo count matches the variant's "… / N", and
which SVG versions a book built now would hold, so that a book built earlier shows as
stale ("zastaralé PDF") once the selection has changed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from orders.models import (
    LAYOUT_FULLPAGE,
    LAYOUT_GALLERY,
    Image,
    LineItem,
    Order,
    variant_photo_count,
)
from processing.models import BookLayout, BookVersion, SvgStatus, SvgVersion, VersionStatus

# The shop's two values of the `Rozvržení` attribute (the seed's labels, kept in orders
# beside the line items they describe: the manual-order form offers them too).
LAYOUTS = {LAYOUT_GALLERY: BookLayout.GALLERY, LAYOUT_FULLPAGE: BookLayout.FULLPAGE}


def _normalized(value: str) -> str:
    # Shopify may send the emoji with or without its variation selector, and spaces vary.
    text = unicodedata.normalize("NFC", value).replace("\ufe0f", "")
    return " ".join(text.split())


def book_layout(raw: str) -> tuple[str, bool]:
    """(layout, whether `raw` named one): an unknown value gets BOOK_DEFAULT_LAYOUT."""
    known = {_normalized(label): layout for label, layout in LAYOUTS.items()}
    layout = known.get(_normalized(raw))
    return (layout, True) if layout else (settings.BOOK_DEFAULT_LAYOUT, False)


@dataclass(frozen=True)
class BookPlan:
    line_item: LineItem
    layout: str
    layout_known: bool
    expected: int | None  # the variant's N
    photos: int
    sources: list[int] = field(default_factory=list)  # selected SVG ids, in photo order
    missing: list[int] = field(default_factory=list)  # positions of photos without one

    @property
    def ready(self) -> bool:
        return self.photos > 0 and not self.missing

    @property
    def count_mismatch(self) -> bool:
        return self.expected is not None and self.expected != self.photos

    @property
    def missing_text(self) -> str:
        if not self.photos:
            return "Položka nemá žádné fotky."
        numbers = ", ".join(str(position) for position in self.missing)
        noun = "fotky" if len(self.missing) == 1 else "fotek"
        return f"Chybí vybrané hotové SVG u {noun} {numbers}."

    @property
    def mismatch_text(self) -> str:
        return (
            f"Položka má {self.photos} {_photos(self.photos)}, varianta počítá s "
            f"{self.expected}. Kniha bude označena jako neúplná."
        )

    def is_stale(self, book: BookVersion) -> bool:
        """Built from other SVG versions than a book built now would be."""
        return list(book.sources) != self.sources


def _photos(count: int) -> str:
    return "fotku" if count == 1 else "fotky" if 2 <= count <= 4 else "fotek"


SELECTED_SVGS = Prefetch(
    "svg_versions",
    queryset=SvgVersion.objects.filter(is_selected=True, status=SvgStatus.COMPLETED),
    to_attr="selected_svgs",
)


def line_items_for_books(line_items: QuerySet[LineItem]) -> QuerySet[LineItem]:
    """Prefetch what `book_plan` reads, for many line items at once (no query per item)."""
    images = Image.objects.order_by("position").prefetch_related(SELECTED_SVGS)
    return line_items.prefetch_related(Prefetch("images", queryset=images))


def book_plan(line_item: LineItem) -> BookPlan:
    """The plan of a line item whose images (and their selected SVGs) may be prefetched."""
    images = sorted(line_item.images.all(), key=lambda image: image.position)
    layout, known = book_layout(line_item.layout)
    plan = BookPlan(
        line_item=line_item,
        layout=layout,
        layout_known=known,
        expected=variant_photo_count(line_item.variant_title),
        photos=len(images),
    )
    for image in images:
        selected = _selected_svg(image)
        if selected is None:
            plan.missing.append(image.position)
        else:
            plan.sources.append(selected.pk)
    return plan


def _selected_svg(image: Image) -> SvgVersion | None:
    prefetched = getattr(image, "selected_svgs", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return image.svg_versions.filter(is_selected=True, status=SvgStatus.COMPLETED).first()


def line_item_books(line_item_id: int) -> list[BookVersion]:
    """The line item's books, newest first."""
    return list(BookVersion.objects.filter(line_item_id=line_item_id).order_by("-version"))


def book_current(books: list[BookVersion]) -> BookVersion | None:
    """The newest completed book among `books` (the one staff print)."""
    return next((book for book in books if book.status == VersionStatus.COMPLETED), None)


def book_in_progress(books: list[BookVersion]) -> BookVersion | None:
    return next((book for book in books if not book.is_final), None)


@dataclass(frozen=True)
class OrderBooks:
    """Whether an order's PDFs are done ("PDF hotové"): every line item has a completed
    book that is current (not "zastaralé PDF"). Derived, never stored. `problems` names,
    in Czech, each line item that stops it."""

    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def _book_problem(line_item: LineItem) -> str:
    """Why the line item's book is not done, or "" when it is (prefetched rows only)."""
    books = sorted(line_item.book_versions.all(), key=lambda book: -book.version)
    label = f"Položka {line_item.position}"
    if book_in_progress(books) is not None:
        return f"{label}: PDF se právě vytváří."
    current = book_current(books)
    if current is None:
        return f"{label}: PDF se nepodařilo vytvořit." if books else f"{label}: PDF chybí."
    plan = book_plan(line_item)
    if not plan.ready or plan.is_stale(current):
        return f"{label}: zastaralé PDF (výběr SVG se od vytvoření změnil)."
    return ""


def books_readiness(line_items: Iterable[LineItem]) -> OrderBooks:
    """ "PDF hotové" of one order from its line items, loaded with their images' selected
    SVGs (`line_items_for_books`) and their `book_versions` prefetched: no query."""
    items = list(line_items)
    if not items:
        return OrderBooks(("Objednávka nemá žádné položky.",))
    return OrderBooks(tuple(problem for item in items if (problem := _book_problem(item))))


def orders_books(order_ids: list[int]) -> dict[int, OrderBooks]:
    """ "PDF hotové" for a page of orders at once, in four queries whatever their size."""
    rows = LineItem.objects.filter(order_id__in=order_ids).order_by("order_id", "position")
    by_order: dict[int, list[LineItem]] = {order_id: [] for order_id in order_ids}
    for item in line_items_for_books(rows).prefetch_related("book_versions"):
        by_order[item.order_id].append(item)
    return {order_id: books_readiness(items) for order_id, items in by_order.items()}


def order_books(order_id: int) -> OrderBooks:
    """ "PDF hotové" of one order (the detail page, the approval)."""
    return orders_books([order_id])[order_id]


def orders_with_books_ready(orders: QuerySet[Order]) -> set[int]:
    """The ids among `orders` that are "PDF hotové" (`orders_books`), for the board's
    filters. Four queries whatever the number of orders; callers pass the few orders it
    matters for (those approved), not every order."""
    ids = list(orders.order_by().values_list("pk", flat=True))
    return {order_id for order_id, books in orders_books(ids).items() if books.ready}


def line_items_with_pages(line_items: QuerySet[LineItem]) -> QuerySet[LineItem]:
    """`line_items` annotated with `photo_count` and `page_count`: its photos, and those
    of them with a page a book can hold (a selected, completed SVG), as subqueries."""
    images = Image.objects.filter(line_item=OuterRef("pk")).order_by().values("line_item")
    has_page = Exists(
        SvgVersion.objects.filter(
            image=OuterRef("pk"), is_selected=True, status=SvgStatus.COMPLETED
        )
    )
    return line_items.annotate(
        photo_count=Coalesce(Subquery(images.annotate(n=Count("pk")).values("n")), 0),
        page_count=Coalesce(
            Subquery(images.filter(has_page).annotate(n=Count("pk")).values("n")), 0
        ),
    )
