"""A book page's files made ready to draw: the SVG as a reportlab drawing, the photo as
a JPEG of the size it is printed at. Errors name the page ("Fotka 3: …")."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image
from reportlab.graphics.shapes import Drawing
from svglib.svglib import svg2rlg

from processing.errors import ProcessingPermanentError

from .book_layout import MAX_DPI, Placement, Size, pixels_at_max_dpi
from .images import image_size, open_image, to_rgb
from .vector import svg_check

JPEG_QUALITY = 85  # 92, the RunPod input's quality, makes each photo about 45 % larger
# JPEG decoding scales by 1/2, 1/4 or 1/8 at almost no cost. A photo that this leaves
# between MIN_DPI and MAX_DPI at its printed size is embedded as it is; only a larger
# one is resampled, so a 12 MP photo costs a fraction of a full decode and resize.
MIN_DPI = 225


@dataclass(frozen=True)
class PlacedPhoto:
    jpeg: bytes
    placement: Placement


def colouring_read(svg: bytes, label: str) -> Drawing:
    """The SVG as a reportlab drawing of vector shapes, after the same check every
    stored SVG passes (well-formed, an <svg> root, no entity declarations)."""
    if not svg.strip():
        raise ProcessingPermanentError(f"{label}: SVG chybí.")
    try:
        # svg_check refuses entity declarations before svglib's parser sees the document.
        svg_check(svg)
        return _drawing(svg)
    except ProcessingPermanentError as exc:
        raise ProcessingPermanentError(
            f"{label}: SVG nelze přečíst ({exc.message.rstrip('.')})."
        ) from exc


def _drawing(svg: bytes) -> Drawing:
    try:
        # Given bytes, not a path, svglib follows no reference to a file on this machine.
        drawing = svg2rlg(io.BytesIO(svg))
    except MemoryError:
        raise
    except Exception as exc:  # svglib reports bad content with whatever its failing step raises
        raise ProcessingPermanentError(f"{type(exc).__name__}: {exc}") from exc
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise ProcessingPermanentError("obrázek nemá žádnou velikost")
    return drawing


def photo_size(data: bytes, label: str) -> Size:
    """(width, height) of the photo as shown upright, from its header."""
    with _labelled(label):
        return image_size(_present(data))


def photo_place(data: bytes, label: str, placement: Placement) -> PlacedPhoto:
    """The photo as an upright RGB JPEG of at most MAX_DPI at the placement's size."""
    with _labelled(label):
        wanted = pixels_at_max_dpi(placement)
        least = tuple(math.ceil(side * MIN_DPI / MAX_DPI) for side in wanted)
        image = to_rgb(open_image(_present(data), draft_size=(least[0], least[1])))
        if image.width > wanted[0] or image.height > wanted[1]:
            image = image.resize(wanted, Image.Resampling.LANCZOS)
        return PlacedPhoto(_jpeg(image), placement)


def _present(data: bytes) -> bytes:
    if not data:
        raise ProcessingPermanentError("Fotka chybí.")
    return data


@contextmanager
def _labelled(label: str) -> Iterator[None]:
    try:
        yield
    except ProcessingPermanentError as exc:
        message = exc.message[:1].lower() + exc.message[1:]
        raise ProcessingPermanentError(f"{label}: {message}") from exc


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
