"""Output checks: what is wrong with a finished colouring page or SVG, as flag codes.

A flag is a plain string here; `processing.outputs.OutputFlag` declares each code once
with its Czech label for staff. Pages are checked after `cleanup.clean_page`, so a flag
says what the clean-up could not fix:

- `near_blank`: under 0.5 % of the page is ink (the model drew next to nothing);
- `near_solid`: over 60 % is ink (the page is a dark picture, not line art);
- `solid_fill`: a black mass too big to colour in is left (the clean-up leaves masses
  above `MASS_MAX_SHARE`, and whole near-solid pages, to a person);
- `svg_empty`: the SVG has nothing to draw; `svg_white`: all it draws is white or
  transparent (a page that prints blank).

The measurements (`ink_mask`, `solid_masses`) are shared with the clean-up, so the two
agree on what ink and a mass are.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from processing.errors import ProcessingPermanentError

from .images import MAX_PIXELS, to_rgb

NEAR_BLANK = "near_blank"
NEAR_SOLID = "near_solid"
SOLID_FILL = "solid_fill"
SVG_EMPTY = "svg_empty"
SVG_WHITE = "svg_white"
PAGE_FLAGS = (NEAR_BLANK, NEAR_SOLID, SOLID_FILL)
SVG_FLAGS = (SVG_EMPTY, SVG_WHITE)

# Grey below this is ink: line-art models draw anti-aliased strokes, and a stroke's
# middle is well below it while the halo around it is not.
INK_LEVEL = 128
NEAR_BLANK_SHARE = 0.005
NEAR_SOLID_SHARE = 0.60
# A mass is ink at least 2 × MASS_DEPTH_SHARE of the page's long side thick (so no
# stroke, however bold, is one), whose core (what lies deeper than that) covers at
# least MASS_MIN_SHARE of the page: a pupil or a button stays under it.
MASS_DEPTH_SHARE = 0.012
MASS_MIN_SHARE = 0.0015
# Larger masses are not whitened by the clean-up: a page that dark is a failed page
# for a person to judge, not dark hair.
MASS_MAX_SHARE = 0.25


@dataclass(frozen=True)
class Masses:
    """The page's black masses: `labels` numbers each core (0 is none); `areas[i]` is
    core i's size in pixels; `depth` is how deep (px) a core lies inside its mass."""

    labels: np.ndarray
    areas: np.ndarray
    depth: float
    distance: np.ndarray  # every ink pixel's distance to the nearest non-ink pixel

    def big(self, *, min_share: float, max_share: float = 1.0) -> list[int]:
        """Labels of the cores whose area is within the shares of the page."""
        size = self.labels.size
        return [
            label
            for label, area in enumerate(self.areas)
            if label and min_share * size <= area <= max_share * size
        ]


def page_grey(png: bytes) -> np.ndarray:
    """The page as a writable 8-bit grey array on white (transparency becomes white).

    Raises ProcessingPermanentError when `png` is not a readable image.
    """
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ProcessingPermanentError("Výsledný PNG je příliš velký.")
            image.load()
            grey = to_rgb(image).convert("L") if image.mode != "L" else image.copy()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ProcessingPermanentError(f"Výsledný PNG je poškozený ({exc}).") from exc
    return np.array(grey, dtype=np.uint8)


def ink_mask(grey: np.ndarray) -> np.ndarray:
    return (grey < INK_LEVEL).astype(np.uint8)


def ink_share(ink: np.ndarray) -> float:
    return float(np.count_nonzero(ink)) / max(1, ink.size)


def solid_masses(ink: np.ndarray) -> Masses:
    """Find the cores of the black masses of an ink mask."""
    # A white border first, so ink cut off by the page edge counts as edged there too.
    padded = cv2.copyMakeBorder(ink, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    distance = cv2.distanceTransform(padded, cv2.DIST_L2, 3)[1:-1, 1:-1]
    depth = max(4.0, max(ink.shape) * MASS_DEPTH_SHARE)
    core = (distance > depth).astype(np.uint8)
    if not core.any():  # most pages: labelling an empty mask still costs a full pass
        return Masses(np.zeros_like(core, np.int32), np.zeros(1, np.int32), depth, distance)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    return Masses(labels, stats[:, cv2.CC_STAT_AREA], depth, distance)


def page_flags(png: bytes) -> list[str]:
    """The flags of a colouring page (PNG bytes), in PAGE_FLAGS order."""
    return grey_flags(page_grey(png))


def grey_flags(grey: np.ndarray) -> list[str]:
    """The flags of a page already decoded (`page_grey`, or `Cleaned.page`)."""
    ink = ink_mask(grey)
    share = ink_share(ink)
    flags = []
    if share < NEAR_BLANK_SHARE:
        flags.append(NEAR_BLANK)
    if share > NEAR_SOLID_SHARE:
        flags.append(NEAR_SOLID)
    if share >= MASS_MIN_SHARE and solid_masses(ink).big(min_share=MASS_MIN_SHARE):
        flags.append(SOLID_FILL)
    return flags


# --- SVG ---

DRAWABLE = frozenset({"path", "rect", "circle", "ellipse", "polygon", "polyline", "line"})
# What an element draws is decided by these (inherited from its groups), plus `d` / `points`.
PAINT = ("fill", "stroke", "opacity", "fill-opacity", "stroke-opacity", "display", "visibility")
WHITE_LEVEL = 240  # every channel at least this: prints as white
INVISIBLE = frozenset({"none", "transparent"})
NAMED = {"white": (255, 255, 255), "black": (0, 0, 0)}
_RGB = re.compile(r"rgba?\(\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)")
# Geometry that draws nothing: a path without a move, an element without size.
_EMPTY_GEOMETRY = {"path": "d", "polygon": "points", "polyline": "points"}


def svg_flags(svg: bytes) -> list[str]:
    """The flags of an SVG: `svg_empty` (nothing drawable) or `svg_white` (only white or
    transparent paint). Raises ProcessingPermanentError for a document that is not XML.
    """
    painted = _painted_elements(svg)
    if not painted:
        return [SVG_EMPTY]
    if all(_draws_white(paint) for paint in painted):
        return [SVG_WHITE]
    return []


def _painted_elements(svg: bytes) -> list[dict[str, str]]:
    """The effective paint of every drawable element with geometry, in document order."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    stack: list[dict[str, str]] = [{}]
    found: list[dict[str, str]] = []

    def refuse_entities(*args: object) -> None:
        raise ProcessingPermanentError("SVG obsahuje deklarace entit; takové SVG neukládáme.")

    def start(name: str, attributes: dict[str, str]) -> None:
        paint = {**stack[-1], **_own_paint(attributes)}
        stack.append(paint)
        tag = name.rsplit(" ", 1)[-1]
        if tag in DRAWABLE and _has_geometry(tag, attributes) and not _hidden(paint):
            found.append(paint)

    parser.EntityDeclHandler = refuse_entities
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: stack.pop()
    try:
        parser.Parse(svg, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ProcessingPermanentError(f"SVG není správně utvořené XML ({exc}).") from exc
    return found


def _own_paint(attributes: dict[str, str]) -> dict[str, str]:
    paint = {key: attributes[key].strip().lower() for key in PAINT if key in attributes}
    # Inline style wins over presentation attributes, as in CSS.
    for declaration in attributes.get("style", "").split(";"):
        key, _, value = declaration.partition(":")
        if key.strip() in PAINT and value.strip():
            paint[key.strip()] = value.strip().lower()
    return paint


def _has_geometry(tag: str, attributes: dict[str, str]) -> bool:
    needed = _EMPTY_GEOMETRY.get(tag)
    return not needed or bool(attributes.get(needed, "").strip())


def _hidden(paint: dict[str, str]) -> bool:
    return paint.get("display") == "none" or paint.get("visibility") == "hidden"


def _draws_white(paint: dict[str, str]) -> bool:
    """Whether every stroke and fill of an element is white, transparent or absent."""
    if _number(paint.get("opacity", "1")) == 0:
        return True
    # SVG paints a fill black by default and no stroke.
    fill = _is_white(paint.get("fill", "black"), paint.get("fill-opacity", "1"))
    stroke = _is_white(paint.get("stroke", "none"), paint.get("stroke-opacity", "1"))
    return fill and stroke


def _is_white(colour: str, opacity: str) -> bool:
    if colour in INVISIBLE or _number(opacity) == 0:
        return True
    rgb = _rgb(colour)
    return rgb is not None and min(rgb) >= WHITE_LEVEL


def _rgb(colour: str) -> tuple[int, ...] | None:
    """The colour's channels 0–255; None for what we do not read (gradients, `url(…)`),
    which then counts as drawing."""
    if colour in NAMED:
        return NAMED[colour]
    if colour.startswith("#") and len(colour) in {4, 7}:
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
        try:
            return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            return None
    match = _RGB.match(colour)
    if not match:
        return None
    return tuple(_channel(part) for part in match.groups())


def _channel(part: str) -> int:
    return round(float(part[:-1]) * 2.55) if part.endswith("%") else round(float(part))


def _number(value: str) -> float:
    try:
        return float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    except ValueError:
        return 1.0
