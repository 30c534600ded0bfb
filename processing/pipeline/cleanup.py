"""Clean-up of a finished colouring page, whichever backend drew it.

Three defects of line-art models, fixed in this order:

1. a keyline frame: a thin dark rectangle near the borders, drawn by the model around
   the picture (sometimes inside a hairline along the page's edge). Found as long
   straight runs of ink in the outer band of each side; it is removed (with whatever
   lies outside it) only when at least three sides have one, so a ground line or a
   table edge near one border is never taken for a frame;
2. large solid-black masses (dark hair and clothes): the inside of each mass becomes
   white and an outline of about a stroke's width stays, so it can be coloured in.
   Small masses (pupils, buttons) and masses too big for it (`MASS_MAX_SHARE`: a
   failed page) stay as they are, and so does a near-solid page: staff judge those;
3. the margins: the page is trimmed to the ink with a small margin, then padded with
   white to a sensible aspect (within A-paper's portrait to landscape, or the page's
   own if that was wider). A near-blank page is not trimmed, so that its check still
   sees how little is drawn.

Anything else (grey levels, stroke shapes) is left as the model drew it. A page that
needed nothing comes back byte for byte.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .page_checks import (
    MASS_MAX_SHARE,
    MASS_MIN_SHARE,
    NEAR_BLANK_SHARE,
    NEAR_SOLID_SHARE,
    ink_mask,
    ink_share,
    page_grey,
    solid_masses,
)

WHITE = 255
# A frame lies in the outer band of a side, is a run of ink at least FRAME_RUN_SHARE of
# that side long, and is at most FRAME_MAX_THICKNESS of the side thick (lines close
# together, as in a double keyline, count as one frame).
FRAME_BAND_SHARE = 0.12
FRAME_RUN_SHARE = 0.6
FRAME_MAX_THICKNESS = 0.04
FRAME_GAP_SHARE = 0.015
FRAME_MIN_SIDES = 3
FRAME_PASSES = 3
FRAME_HALO = 2  # px inside the frame also cleared: the anti-aliased edge of its line
# The outline kept around a whitened mass, as a share of the page's long side (3 px
# at 1024 px): about the width of the model's own strokes.
OUTLINE_SHARE = 0.003
MARGIN_SHARE = 0.03
MARGIN_MIN = 8
SPECK_SHARE = 20e-6  # ink blobs this small do not hold the trim open
BOX_CELL = 4
TRIM_MIN_GAIN = 0.03  # trim only when a side shrinks by more than this
ASPECT_RANGE = (1 / math.sqrt(2), math.sqrt(2))  # width / height


@dataclass(frozen=True)
class Cleaned:
    """The cleaned page and what was done to it."""

    png: bytes
    page: np.ndarray = field(repr=False, compare=False)  # the same page, decoded
    frame_removed: bool = False
    masses_whitened: int = 0
    trimmed_from: tuple[int, int] | None = None  # (width, height) before a trim
    size: tuple[int, int] | None = None  # (width, height) after it

    @property
    def changed(self) -> bool:
        return self.frame_removed or bool(self.masses_whitened) or self.trimmed_from is not None

    @property
    def summary(self) -> str:
        """One Czech line for the version's history; empty when nothing was done."""
        done = []
        if self.frame_removed:
            done.append("odstraněn rámeček")
        if self.masses_whitened:
            done.append(f"vybíleny velké černé plochy ({self.masses_whitened})")
        if self.trimmed_from and self.size:
            (w0, h0), (w1, h1) = self.trimmed_from, self.size
            done.append(f"oříznuto z {w0}×{h0} na {w1}×{h1} px")
        return f"Úprava stránky: {', '.join(done)}." if done else ""


def clean_page(png: bytes) -> Cleaned:
    """Remove a keyline frame, whiten large black masses and trim the margins.

    Returns the new PNG (8-bit grey on white) with what was done; the same bytes when
    nothing was. Raises ProcessingPermanentError when `png` is not a readable image.
    """
    grey = page_grey(png)
    frame_removed = frame_remove(grey)
    whitened = masses_whiten(grey)
    trimmed = page_trim(grey)
    if not frame_removed and not whitened and trimmed is None:
        return Cleaned(png, grey)
    before = (grey.shape[1], grey.shape[0])
    page = grey if trimmed is None else trimmed
    return Cleaned(
        _encode(page),
        page,
        frame_removed=frame_removed,
        masses_whitened=whitened,
        trimmed_from=before if trimmed is not None else None,
        size=(page.shape[1], page.shape[0]),
    )


def frame_remove(grey: np.ndarray) -> bool:
    """Whiten a keyline frame and what lies outside it, in place; whether there was one.

    Frames nest (a hairline at the page's very edge, then the keyline a little further
    in): each pass removes the outermost one, and the next pass looks again.
    """
    removed = False
    for _ in range(FRAME_PASSES):
        if not _frame_remove_outermost(grey):
            break
        removed = True
    return removed


def _frame_remove_outermost(grey: np.ndarray) -> bool:
    ink = ink_mask(grey)
    height, width = ink.shape
    # Each side as rows seen from that border inward: (band of rows, length of a row).
    sides = {
        "top": ink[: _band(height)],
        "bottom": ink[::-1][: _band(height)],
        "left": ink.T[: _band(width)],
        "right": ink.T[::-1][: _band(width)],
    }
    depths = {name: _frame_depth(rows) for name, rows in sides.items()}
    found = {name: depth for name, depth in depths.items() if depth}
    if len(found) < FRAME_MIN_SIDES:
        return False
    for name, depth in found.items():
        end = depth + FRAME_HALO
        if name == "top":
            grey[:end] = WHITE
        elif name == "bottom":
            grey[height - end :] = WHITE
        elif name == "left":
            grey[:, :end] = WHITE
        else:
            grey[:, width - end :] = WHITE
    return True


def _band(side: int) -> int:
    return max(4, int(side * FRAME_BAND_SHARE))


def _frame_depth(rows: np.ndarray) -> int:
    """How far (rows from the border) the frame on this side reaches; 0 if none."""
    length = rows.shape[1]
    run = max(2, int(length * FRAME_RUN_SHARE))
    # Only rows with that much ink at all can hold such a run (cheap to count; the
    # opening below is what costs).
    candidates = np.flatnonzero(np.count_nonzero(rows, axis=1) >= run)
    if candidates.size == 0:
        return 0
    # Opening with a 1 × run line keeps only ink in straight runs at least `run` long.
    kernel = np.ones((1, run), np.uint8)
    long_runs = cv2.morphologyEx(np.ascontiguousarray(rows[candidates]), cv2.MORPH_OPEN, kernel)
    lines = candidates[np.count_nonzero(long_runs, axis=1) >= run]
    if lines.size == 0:
        return 0
    gap = max(2, int(length * FRAME_GAP_SHARE))
    # The frame is the outermost group of such rows; a straight line further in (a
    # ground line) belongs to the drawing.
    breaks = np.flatnonzero(np.diff(lines) > gap)
    last = lines[breaks[0]] if breaks.size else lines[-1]
    if last - lines[0] + 1 > max(3, length * FRAME_MAX_THICKNESS):
        return 0  # a thick dark band, not a keyline: left to the other steps
    return int(last) + 1


def masses_whiten(grey: np.ndarray) -> int:
    """Whiten the inside of each large black mass, in place, keeping its outline.

    Returns how many masses were whitened. A near-solid page is left as it is.
    """
    ink = ink_mask(grey)
    if ink_share(ink) > NEAR_SOLID_SHARE:
        return 0
    masses = solid_masses(ink)
    chosen = masses.big(min_share=MASS_MIN_SHARE, max_share=MASS_MAX_SHARE)
    if not chosen:
        return 0
    cores = np.isin(masses.labels, chosen)
    # The mass is everything within `depth` of its core (a morphological opening of the
    # ink by a disc of that radius): a stroke that only touches the mass stays black.
    beyond_core = cv2.distanceTransform((~cores).astype(np.uint8), cv2.DIST_L2, 3)
    body = beyond_core <= masses.depth
    outline = max(2.0, max(grey.shape) * OUTLINE_SHARE)
    grey[body & (masses.distance > outline)] = WHITE
    return len(chosen)


def page_trim(grey: np.ndarray) -> np.ndarray | None:
    """The page cut to its ink plus a margin and padded to a sensible aspect, or None when
    a trim would gain little or the page is near-blank."""
    ink = ink_mask(grey)
    if ink_share(ink) < NEAR_BLANK_SHARE:
        return None
    box = _ink_box(ink)
    if box is None:
        return None
    height, width = grey.shape
    left, top, right, bottom = box
    margin = max(MARGIN_MIN, round(MARGIN_SHARE * max(right - left, bottom - top)))
    left, top = max(0, left - margin), max(0, top - margin)
    right, bottom = min(width, right + margin), min(height, bottom + margin)
    page = _padded(grey[top:bottom, left:right], original=width / height)
    kept = 1 - TRIM_MIN_GAIN
    if page.shape[0] > height * kept and page.shape[1] > width * kept:
        return None
    return page


def _ink_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom), exclusive, of the ink other than specks.

    Found on a map of BOX_CELL-pixel cells that hold any ink (labelling the full page
    costs 50 ms at 2048²): the box is a few pixels loose, which the margin absorbs.
    """
    height, width = ink.shape
    size = (-(-width // BOX_CELL), -(-height // BOX_CELL))
    # Averaging 0/255 over a cell stays above zero if any pixel in it is ink.
    cells = (cv2.resize(ink * 255, size, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8)
    _count, _labels, stats, _ = cv2.connectedComponentsWithStats(cells, connectivity=8)
    stats = stats[1:]
    stats = stats[stats[:, cv2.CC_STAT_AREA] * BOX_CELL**2 >= ink.size * SPECK_SHARE]
    if not len(stats):
        return None
    left = int(stats[:, cv2.CC_STAT_LEFT].min()) * BOX_CELL
    top = int(stats[:, cv2.CC_STAT_TOP].min()) * BOX_CELL
    right = int((stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH]).max()) * BOX_CELL
    bottom = int((stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT]).max()) * BOX_CELL
    return left, top, min(width, right), min(height, bottom)


def _padded(crop: np.ndarray, *, original: float) -> np.ndarray:
    """`crop` centred on white, widened or heightened into the aspect range."""
    low, high = min(ASPECT_RANGE[0], original), max(ASPECT_RANGE[1], original)
    height, width = crop.shape
    aspect = width / height
    if low <= aspect <= high:
        return np.ascontiguousarray(crop)
    if aspect > high:
        new_width, new_height = width, math.ceil(width / high)
    else:
        new_width, new_height = math.ceil(height * low), height
    page = np.full((new_height, new_width), WHITE, np.uint8)
    top, left = (new_height - height) // 2, (new_width - width) // 2
    page[top : top + height, left : left + width] = crop
    return page


def _encode(grey: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:  # pragma: no cover - OpenCV encodes any 8-bit greyscale array
        raise RuntimeError("OpenCV could not encode the page as PNG")
    return encoded.tobytes()
