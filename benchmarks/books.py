"""PDF books: how long a book takes to build and how large it is.

Sections (each a function called from main; add new ones beside them):

1. `book_build`: a 16-photo book from 12-megapixel photos, in the gallery and the
   full-page layout. The photos are tests/fixtures/photos/coffee-12mp.jpg in 16
   variants (turned a quarter, mirrored, cropped by a few pixels), so that no two are
   the same bytes: reportlab stores an image drawn twice only once, which would make
   a book of one photo sixteen times look small. Each variant's SVG is made once by
   the local pipeline (line art at 1 MP, vtracer), as a real order's would be. Prints
   the median of 3 builds and the spread, the page count and the PDF's size, and the
   time the 16 SVGs take to parse alone (svglib, single-threaded: the floor of a
   build). Targets: at most 5 s and at most 15 MB.

Needs no database or Redis.
"""

from __future__ import annotations

import io
import statistics
import time

from _common import BASE_DIR, describe_machine, setup_django

PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "coffee-12mp.jpg"
PHOTOS = 16
ROUNDS = 3
TARGET_SECONDS, TARGET_MB = 5.0, 15.0


def photo_variants(count: int) -> list[bytes]:
    """`count` different phone-sized JPEGs of the 12 MP photo, half of them portrait."""
    from PIL import Image

    source = Image.open(PHOTO)
    source.load()
    variants = []
    for index in range(count):
        image = source.crop((index * 4, index * 3, source.width - index * 2, source.height))
        if index % 2:
            image = image.transpose(Image.Transpose.ROTATE_90)
        if index % 4 >= 2:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=92)
        variants.append(buffer.getvalue())
    return variants


def book_pages(count: int) -> list[object]:
    from processing.pipeline.book import BookPage
    from processing.pipeline.lineart import line_art
    from processing.pipeline.vector import trace

    return [
        BookPage(photo, trace(line_art(photo, megapixels=1.0)), f"Fotka {number}")
        for number, photo in enumerate(photo_variants(count), start=1)
    ]


def timed_builds(pages: list[object], layout: str) -> tuple[list[float], int, int]:
    from processing.pipeline.book import book_render

    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        book = book_render(pages, layout=layout, dedication="Pro Aničku ❤", title="Omalovánky")
        times.append(time.perf_counter() - started)
    return times, book.page_count, len(book.pdf)


def svg_parsing(pages: list[object]) -> float:
    from processing.pipeline.book_inputs import colouring_read

    started = time.perf_counter()
    for page in pages:
        colouring_read(page.svg, page.label)
    return time.perf_counter() - started


def book_build() -> None:
    print(f"  book build: {PHOTOS} photos of 12 MP ({PHOTO.name}, {PHOTOS} variants)")
    pages = book_pages(PHOTOS)
    for layout in ("gallery", "fullpage"):
        times, page_count, size = timed_builds(pages, layout)
        spread = f"{min(times):.2f}–{max(times):.2f}"
        print(
            f"    {layout:8}: {statistics.median(times):5.2f} s (median of {ROUNDS}, {spread}),"
            f" {page_count} pages, {size / 1e6:5.2f} MB"
            f" (targets: {TARGET_SECONDS:g} s, {TARGET_MB:g} MB)"
        )
    print(f"    the {PHOTOS} SVGs parsed alone (svglib): {svg_parsing(pages):.2f} s")


def main() -> None:
    setup_django()
    print(f"books ({describe_machine()})")
    book_build()


if __name__ == "__main__":
    main()
