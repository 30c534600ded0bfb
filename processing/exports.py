"""What goes into the ZIP exports (names inside the archive and the stored files).

- An order: each line item's current book, the selected SVG and PNG of every photo and
  the originals, under `{order}/{position}-{title}/`.
- A print batch: the current book of every line item of the ticked orders, as
  `{order}-{position}.pdf`, the name the file view gives a book too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from common.zipstream import ZipEntry, stored_file
from orders.models import Image, LineItem, Order
from processing.books import book_current
from processing.models import BookVersion, ColoringStatus, ColoringVersion, SvgStatus, SvgVersion

UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')


def _folder_name(line_item: LineItem) -> str:
    title = UNSAFE.sub(" ", line_item.title).strip()[:60] or "polozka"
    return f"{line_item.position}-{title}"


def _line_items(orders: Iterable[Order]) -> list[LineItem]:
    selected_svgs = SvgVersion.objects.filter(is_selected=True, status=SvgStatus.COMPLETED)
    selected_pngs = ColoringVersion.objects.filter(
        is_selected=True, status=ColoringStatus.COMPLETED
    )
    images = Image.objects.order_by("position").prefetch_related(
        Prefetch("svg_versions", selected_svgs, to_attr="export_svgs"),
        Prefetch("coloring_versions", selected_pngs, to_attr="export_pngs"),
    )
    rows = LineItem.objects.filter(order__in=list(orders)).select_related("order")
    books = BookVersion.objects.order_by("-version")
    return list(
        rows.order_by("order__order_number", "position").prefetch_related(
            Prefetch("images", images), Prefetch("book_versions", books)
        )
    )


def book_arcname(line_item: LineItem) -> str:
    return f"{line_item.order.number}-{line_item.position}.pdf"


def order_export(order: Order) -> Iterator[ZipEntry]:
    """The entries of one order's ZIP, in a stable order."""
    for line_item in _line_items([order]):
        folder = f"{order.number}/{_folder_name(line_item)}"
        book = book_current(list(line_item.book_versions.all()))
        if book is not None and book.file:  # a purged book's row has no file (retention)
            yield stored_file(f"{folder}/{book_arcname(line_item)}", book.file.name)
        for image in line_item.images.all():
            yield from _image_entries(folder, image)


def _image_entries(folder: str, image: Image) -> Iterator[ZipEntry]:
    stem = f"fotka-{image.position}"
    for version in [*image.export_svgs, *image.export_pngs]:  # type: ignore[attr-defined]
        if not version.file:  # purged with the photos (retention)
            continue
        extension = posixpath.splitext(version.file.name)[1]
        kind = "svg" if isinstance(version, SvgVersion) else "png"
        yield stored_file(f"{folder}/{kind}/{stem}{extension}", version.file.name)
    if image.file:
        extension = posixpath.splitext(image.file.name)[1]
        yield stored_file(f"{folder}/originaly/{stem}{extension}", image.file.name)


def print_batch(orders: Iterable[Order]) -> Iterator[ZipEntry]:
    """The current book of every line item of `orders` (those without one are left out)."""
    for line_item in _line_items(orders):
        book = book_current(list(line_item.book_versions.all()))
        if book is not None and book.file:
            yield stored_file(book_arcname(line_item), book.file.name)
