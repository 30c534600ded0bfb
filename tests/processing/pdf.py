"""Reading the books' PDFs in tests: operators, drawn images and their printed size, and
pages rendered by poppler's pdftoppm."""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass

import numpy as np
from PIL import Image
from pypdf import PageObject, PdfReader

A4 = (595.28, 841.89)
# Operators that put marks on a page: painting paths, images and forms, text.
PAINTING = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh", b"Do"}
TEXT_SHOWING = {b"Tj", b"TJ", b"'", b'"'}
PATH_BUILDING = {b"m", b"l", b"c", b"v", b"y", b"h", b"re"}


def pages(pdf: bytes) -> list[PageObject]:
    return list(_reader(pdf).pages)


@functools.lru_cache(maxsize=16)
def _reader(pdf: bytes) -> PdfReader:
    # A page reads its content stream through its reader, which must stay alive.
    return PdfReader(io.BytesIO(pdf))


def operators(page: PageObject) -> Counter[bytes]:
    contents = page.get_contents()
    if contents is None:
        return Counter()
    return Counter(operator for _operands, operator in contents.operations)


def image_names(page: PageObject) -> list[str]:
    """The page's image XObjects, as listed in its resources."""
    xobjects = page["/Resources"].get("/XObject", {})
    return [name for name, ref in xobjects.items() if ref.get_object().get("/Subtype") == "/Image"]


@dataclass(frozen=True)
class DrawnImage:
    name: str
    pixels: tuple[int, int]  # the image XObject's width and height
    printed: tuple[float, float]  # its width and height on the page, in points
    angle: float  # how far it is turned, counter-clockwise, in degrees

    @property
    def dpi(self) -> float:
        return max(self.pixels[0] / self.printed[0], self.pixels[1] / self.printed[1]) * 72


def drawn_images(page: PageObject) -> list[DrawnImage]:
    """Each `Do` of an image with the size the current transformation gives it (an
    image is drawn into the unit square, so the matrix's column lengths are its sides)."""
    xobjects = page["/Resources"].get("/XObject", {})
    stack, ctm, found = [], (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    for operands, operator in page.get_contents().operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = _multiply(tuple(float(value) for value in operands), ctm)
        elif operator == b"Do":
            image = xobjects[operands[0]].get_object()
            pixels = (int(image["/Width"]), int(image["/Height"]))
            printed = (math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3]))
            angle = math.degrees(math.atan2(ctm[1], ctm[0]))
            found.append(DrawnImage(str(operands[0]), pixels, printed, angle))
    return found


def _multiply(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m × n for PDF matrices [a b c d e f] (row vectors: a new `cm` comes first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def rendered(pdf: bytes, page_number: int, dpi: int = 40) -> np.ndarray:
    """Page `page_number` (1-based) rendered by pdftoppm, as a greyscale array.

    pdftoppm is required, never optional: .ci/run installs poppler-utils, and a machine
    without it fails these tests rather than passing them unchecked."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install poppler-utils"
    page = str(page_number)
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", page, "-l", page, "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))
