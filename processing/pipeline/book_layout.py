"""Where things go on a book's pages: A4 geometry in PDF points, no drawing.

Every picture is a `Placement`: its own width and height, centred on a point of the page
and turned by an angle. The gallery's rotated pairs (−90°), the full page's rotated
landscape colourings (−90°) and the collage's tilted photos (a few degrees) are all the
same thing, so one fitting rule serves them all and tests can check the geometry without
reading a PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4 portrait: 595.28 × 841.89 pt
INSET = 5 * MM  # no bleed: home printers cannot print to the edge anyway
GAP = 6 * MM  # between a photo and its colouring page
MAX_DPI = 300
# Collage pages: at most this many photos, each turned by the next of these angles (°),
# so the photos look laid out by hand yet a rebuilt book is identical.
COLLAGE_MAX = 8
COLLAGE_ANGLES = (-4.0, 3.0, -2.5, 4.5, -3.5, 2.0, -5.0, 3.5)
COLLAGE_BORDER = 2 * MM  # the white print border around a collage photo
COLLAGE_GAP = 4 * MM

Size = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """An upright rectangle on the page; (x, y) is its lower-left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def contains(self, other: Box, tolerance: float = 0.01) -> bool:
        return (
            other.x >= self.x - tolerance
            and other.y >= self.y - tolerance
            and other.x + other.width <= self.x + self.width + tolerance
            and other.y + other.height <= self.y + self.height + tolerance
        )


CONTENT = Box(INSET, INSET, PAGE_WIDTH - 2 * INSET, PAGE_HEIGHT - 2 * INSET)


@dataclass(frozen=True)
class Placement:
    """A picture `width` × `height` (its own, unturned size) centred on (x, y) and turned
    by `angle` degrees, counter-clockwise as in PDF (−90 is a quarter turn clockwise)."""

    x: float
    y: float
    width: float
    height: float
    angle: float = 0.0

    @property
    def area(self) -> float:
        return self.width * self.height

    def bounds(self, margin: float = 0.0) -> Box:
        """The upright box on the page that the turned picture (plus `margin` on every
        side) covers."""
        width, height = _turned_size(self.width + 2 * margin, self.height + 2 * margin, self.angle)
        return Box(self.x - width / 2, self.y - height / 2, width, height)


def fit(box: Box, size: Size, angle: float = 0.0, margin: float = 0.0) -> Placement:
    """The largest placement of a picture of aspect `size`, turned by `angle`, whose
    bounds plus `margin` on every side fit in `box`, centred in it."""
    width, height = size
    cos, sin = _abs_cos_sin(angle)
    scale = min(
        (box.width - 2 * margin * (cos + sin)) / (width * cos + height * sin),
        (box.height - 2 * margin * (sin + cos)) / (width * sin + height * cos),
    )
    centre_x, centre_y = box.centre
    return Placement(centre_x, centre_y, width * scale, height * scale, angle)


def halves(box: Box, gap: float = GAP) -> tuple[Box, Box]:
    """The upper and the lower half of `box`, `gap` apart."""
    height = (box.height - gap) / 2
    return Box(box.x, box.y + height + gap, box.width, height), Box(box.x, box.y, box.width, height)


@dataclass(frozen=True)
class GallerySheet:
    """A gallery page: the photo in the upper half, its colouring page in the lower one.

    Turned by −90° (`rotated`), the page is read in landscape and the photo is on the left."""

    photo: Placement
    colouring: Placement

    @property
    def rotated(self) -> bool:
        return self.photo.angle != 0


def gallery_sheet(photo: Size, colouring: Size) -> GallerySheet:
    """Portrait pairs are turned into a landscape area (side by side); landscape pairs
    are stacked or put side by side, whichever gives the larger pictures."""
    upper, lower = halves(CONTENT)
    stacked = GallerySheet(fit(upper, photo), fit(lower, colouring))
    side_by_side = GallerySheet(fit(upper, photo, -90), fit(lower, colouring, -90))
    if photo[1] > photo[0]:
        return side_by_side
    return max((stacked, side_by_side), key=lambda s: s.photo.area + s.colouring.area)


def full_page(colouring: Size) -> Placement:
    """A colouring page alone on its page, turned −90° when that makes it larger
    (a landscape page then fills the sheet's length)."""
    return max((fit(CONTENT, colouring), fit(CONTENT, colouring, -90)), key=lambda p: p.area)


def collage_cells(count: int) -> list[Box]:
    """The cells of a collage page of `count` (1–8) photos: one column up to two
    photos, then two columns of as many rows as needed; row by row from the top."""
    columns = 1 if count <= 2 else 2
    rows = math.ceil(count / columns)
    width = (CONTENT.width - (columns - 1) * COLLAGE_GAP) / columns
    height = (CONTENT.height - (rows - 1) * COLLAGE_GAP) / rows
    return [
        Box(
            CONTENT.x + (index % columns) * (width + COLLAGE_GAP),
            CONTENT.y
            + CONTENT.height
            - (index // columns + 1) * height
            - (index // columns) * COLLAGE_GAP,
            width,
            height,
        )
        for index in range(count)
    ]


def collage_photo(cell: Box, index: int, size: Size) -> Placement:
    """Photo number `index` of its collage page in its cell: tilted, with room for its
    white border."""
    angle = COLLAGE_ANGLES[index % len(COLLAGE_ANGLES)]
    return fit(cell, size, angle, margin=COLLAGE_BORDER)


def pixels_at_max_dpi(placement: Placement) -> tuple[int, int]:
    """The most pixels a picture printed at this placement's size needs (MAX_DPI)."""
    per_point = MAX_DPI / 72
    return max(1, math.floor(placement.width * per_point)), max(
        1, math.floor(placement.height * per_point)
    )


def _abs_cos_sin(angle: float) -> tuple[float, float]:
    # Rounded so that quarter turns give exact 0 and 1, not 6e-17.
    radians = math.radians(angle)
    return round(abs(math.cos(radians)), 12), round(abs(math.sin(radians)), 12)


def _turned_size(width: float, height: float, angle: float) -> Size:
    cos, sin = _abs_cos_sin(angle)
    return width * cos + height * sin, width * sin + height * cos
