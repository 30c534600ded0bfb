"""Books for the tests: real photos, each with the local pipeline's SVG of it, rendered
once per run; and the page sequence the layouts promise, written out independently."""

from __future__ import annotations

import functools
import io
import itertools
import math

from PIL import Image

from processing.pipeline.book import BookPage, RenderedBook, book_render
from processing.pipeline.lineart import line_art
from processing.pipeline.vector import trace
from tests.processing.conftest import photo

PORTRAIT = "portrait"  # chelsea.jpg turned upright into a portrait photo
# What customers send: landscape, portrait, square, HEIC, CMYK, palette with
# transparency, a photo stored turned (EXIF orientation 6).
PHOTOS = (
    "chelsea.jpg",
    PORTRAIT,
    "astronaut.heic",
    "coffee-cmyk.jpg",
    "chelsea-palette.png",
    "chelsea-exif-orientation-6.jpg",
    "rocket.jpg",
    "coffee.jpg",
)
DEDICATION = "Pro Aničku ❤ s láskou – Žluťoučký kůň"
TITLE = "Moje omalovánky"
# A colouring page where only its being a valid SVG matters: parsed in no time.
TINY_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
    b'<path d="M20 20 L380 20 L380 280 L20 280 Z M60 60 C100 200 300 200 340 60 Z"/></svg>'
)


@functools.cache
def photo_bytes(name: str) -> bytes:
    if name != PORTRAIT:
        return photo(name)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(photo("chelsea.jpg"))).transpose(Image.Transpose.ROTATE_90).save(
        buffer, format="JPEG"
    )
    return buffer.getvalue()


@functools.cache
def traced(name: str) -> bytes:
    """The photo's SVG by the local pipeline (line art, vtracer), small to parse fast."""
    return trace(line_art(photo_bytes(name), megapixels=0.15))


def book_pages(count: int) -> list[BookPage]:
    names = itertools.islice(itertools.cycle(PHOTOS), count)
    return [
        BookPage(photo_bytes(name), traced(name), f"Fotka {number}")
        for number, name in enumerate(names, start=1)
    ]


@functools.cache
def rendered_book(layout: str, count: int, dedication: str = DEDICATION) -> RenderedBook:
    return book_render(book_pages(count), layout=layout, dedication=dedication, title=TITLE)


def page_kinds(layout: str, count: int) -> list[str]:
    """What each page is, as the issue describes the layouts."""
    if layout == "gallery":
        middle = ["sheet", "blank"] * count
    else:
        middle = ["colouring", "blank"] * count + ["collage", "blank"] * math.ceil(count / 8)
    return ["title", "blank", *middle, "blank", "closing"]
