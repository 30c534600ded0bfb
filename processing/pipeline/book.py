"""The print-ready PDF of one colouring book: pages of photo and SVG bytes in, PDF bytes out.

A4 portrait, 5 mm inset, no bleed. Every printed page is followed by a blank back, so
single-sided sheets bind as a book. The page sequence, for N photos:

- gallery (each photo beside its colouring page on one sheet), 2N + 4 pages:
  title, blank, N × (sheet, blank), blank, closing;
- fullpage (each colouring page alone; the photos follow on collage pages of at most 8,
  C = ceil(N / 8)), 2N + 2C + 4 pages:
  title, blank, N × (colouring, blank), C × (collage, blank), blank, closing.

The title page carries the book's title and the dedication in a box; an empty dedication
leaves the box out (a title page with an empty frame looks like a printing fault). The
closing page is the back of the last sheet. Colouring pages stay vector: each SVG is
drawn as paths by svglib, never rasterised. Photos are embedded as JPEG, upright, at
most 300 dpi at their printed size.

Every problem with one page's files raises ProcessingPermanentError naming the page by
its label ("Fotka 3: SVG nelze přečíst (…)."): the same bytes would fail again.
"""

from __future__ import annotations

import io
import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypeVar

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen.canvas import Canvas

from processing.errors import ProcessingPermanentError

from . import book_layout as geometry
from .book_draw import closing_page, collage_photo, colouring, photo, title_page
from .book_inputs import PlacedPhoto, colouring_read, photo_place, photo_size
from .book_text import BOLD, REGULAR, font, printable

Layout = Literal["gallery", "fullpage"]
LAYOUTS: tuple[Layout, ...] = ("gallery", "fullpage")
AUTHOR = "Fotomalovánky.cz"  # the PDF's author and creator
# Photos are decoded and encoded by Pillow, which releases the GIL, so they are prepared
# on other cores while this thread parses and draws the SVGs (pure Python).
PHOTO_THREADS = 2
# Gallery sheets read (SVG parsed, photo submitted) before the one being drawn.
GALLERY_READ_AHEAD = 2
T = TypeVar("T")

# Page streams and images stay binary: ASCII85 (reportlab's default) makes every stream
# a quarter larger and its pure-Python encoder is slow. The attribute checks on every
# shape svglib builds are a debugging aid that costs a tenth of the SVG parsing time.
rl_config.useA85 = 0
rl_config.shapeChecking = 0


@dataclass(frozen=True)
class BookPage:
    """One photo of the book and its colouring page. `label` names it in error messages
    ("Fotka 3")."""

    photo: bytes
    svg: bytes
    label: str


@dataclass(frozen=True)
class RenderedBook:
    pdf: bytes
    page_count: int


def book_render(
    pages: Sequence[BookPage], *, layout: Layout, dedication: str, title: str
) -> RenderedBook:
    """The book's PDF, pages in the order given (see the module docstring).

    Raises ProcessingPermanentError (Czech, naming the page) for a missing or unreadable
    photo or SVG, an SVG with entity declarations, or a book without pages; ValueError
    for an unknown layout (the caller chooses a known one).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown book layout {layout!r}")
    if not pages:
        raise ProcessingPermanentError("Kniha nemá žádnou fotku.")
    book = _Book(title)
    title_page(book.canvas, title=printable(title, BOLD), dedication=printable(dedication))
    book.printed()
    with _photo_pool() as pool:
        (_gallery if layout == "gallery" else _fullpage)(book, pages, pool)
    book.blank()
    closing_page(book.canvas)
    return book.finished()


class _Book:
    """The canvas and the page rhythm: a printed page, then its blank back."""

    def __init__(self, title: str) -> None:
        for name in (REGULAR, BOLD):
            font(name)  # registered before the canvas or any page uses it
        self._buffer = io.BytesIO()
        # A TrueType initial font keeps reportlab's page preamble free of text
        # operators, so a blank back holds nothing at all. `invariant` leaves the date
        # and a random id out: the same pages give the same bytes.
        self.canvas = Canvas(
            self._buffer,
            pagesize=(geometry.PAGE_WIDTH, geometry.PAGE_HEIGHT),
            invariant=1,
            initialFontName=REGULAR,
        )
        self.canvas.setTitle(unicodedata.normalize("NFC", title.strip()))
        self.canvas.setAuthor(AUTHOR)
        self.canvas.setCreator(AUTHOR)

    def printed(self) -> None:
        self.canvas.showPage()
        self.blank()

    def blank(self) -> None:
        self.canvas.showPage()

    def finished(self) -> RenderedBook:
        self.canvas.showPage()
        page_count = self.canvas.getPageNumber() - 1  # the page begun now is not in the book
        self.canvas.save()
        return RenderedBook(pdf=self._buffer.getvalue(), page_count=page_count)


@contextmanager
def _photo_pool() -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=PHOTO_THREADS, thread_name_prefix="book-photo")
    try:
        yield pool
    finally:
        # On an error, photos not started yet are not prepared for nothing.
        pool.shutdown(wait=True, cancel_futures=True)


def _gallery(book: _Book, pages: Sequence[BookPage], pool: ThreadPoolExecutor) -> None:
    sheets = (_gallery_sheet(page, pool) for page in pages)
    for drawing, sheet, prepared in _read_ahead(sheets, GALLERY_READ_AHEAD):
        photo(book.canvas, prepared.result())
        colouring(book.canvas, drawing, sheet.colouring)
        book.printed()


def _gallery_sheet(
    page: BookPage, pool: ThreadPoolExecutor
) -> tuple[Drawing, geometry.GallerySheet, Future[PlacedPhoto]]:
    drawing = colouring_read(page.svg, page.label)
    size = photo_size(page.photo, page.label)
    sheet = geometry.gallery_sheet(size, (drawing.width, drawing.height))
    return drawing, sheet, pool.submit(photo_place, page.photo, page.label, sheet.photo)


def _fullpage(book: _Book, pages: Sequence[BookPage], pool: ThreadPoolExecutor) -> None:
    # The collage photos are prepared on the pool while the colouring pages are drawn.
    collages = [
        _collage(pool, pages[start : start + geometry.COLLAGE_MAX])
        for start in range(0, len(pages), geometry.COLLAGE_MAX)
    ]
    for page in pages:
        drawing = colouring_read(page.svg, page.label)
        colouring(book.canvas, drawing, geometry.full_page((drawing.width, drawing.height)))
        book.printed()
    for prepared in collages:
        for placed in prepared:
            collage_photo(book.canvas, placed.result())
        book.printed()


def _collage(pool: ThreadPoolExecutor, pages: Sequence[BookPage]) -> list[Future[PlacedPhoto]]:
    cells = geometry.collage_cells(len(pages))
    return [
        pool.submit(
            photo_place,
            page.photo,
            page.label,
            geometry.collage_photo(cell, index, photo_size(page.photo, page.label)),
        )
        for index, (page, cell) in enumerate(zip(pages, cells, strict=True))
    ]


def _read_ahead(items: Iterator[T], count: int) -> Iterator[T]:
    """The items, each taken from `items` `count` items before it is yielded: what taking
    one starts (its photo, prepared on the pool) runs while the ones before it are used.
    Holding only `count` items keeps a book's memory flat, whatever its length."""
    pending: deque[T] = deque()
    for item in items:
        pending.append(item)
        if len(pending) > count:
            yield pending.popleft()
    yield from pending
