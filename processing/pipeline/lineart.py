"""The local colouring page: line art from a photo with OpenCV, no model weights.

A difference of Gaussians (DoG) marks where the picture is darker than its
surroundings, which follows outlines and strong folds rather than texture; a
bilateral filter first flattens texture (fur, wood grain) while it keeps edges.
Plain Canny was tried and rejected: it gives broken, doubled edges that are poor to
colour in. Measured on 2 cores: 25–45 ms for a 1024 px page, 75–190 ms for a 3000 px
photo worked at 1600 px (`benchmarks/pipeline.py` measures it again).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .images import open_image, to_rgb

SIGMA_RATIO = 1.6  # the classic DoG ratio, close to a Laplacian of Gaussian
# How much darker than its surroundings (in grey levels) a pixel must be to be ink.
INK_THRESHOLD = 3.0
# Ink blobs smaller than this share of the page are specks, not lines.
SPECK_AREA_SHARE = 25e-6


def working_size(width: int, height: int, megapixels: float) -> tuple[int, int]:
    """(width, height) with about `megapixels` million pixels and the photo's aspect."""
    scale = math.sqrt(megapixels * 1_000_000 / (width * height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def line_art(data: bytes, *, megapixels: float) -> bytes:
    """A colouring page from photo bytes: black lines on a white page, as PNG bytes.

    The page has about `megapixels` million pixels. Raises ProcessingPermanentError
    for an unreadable photo.
    """
    photo = to_rgb(open_image(data, draft_size=_draft_side(megapixels)))
    width, height = working_size(photo.width, photo.height, megapixels)
    # Lines are found at the photo's own detail, never on an upscaled copy (upscaling
    # adds no detail, only blur that the filter would turn into specks); the finished
    # mask is then scaled to the page size and re-thresholded for smooth strokes.
    if width < photo.width:
        photo = photo.resize((width, height), resample=2)  # bilinear, after draft decoding
    ink = _ink_mask(np.asarray(photo))
    ink = _remove_specks(ink, min_area=max(4, int(ink.size * SPECK_AREA_SHARE)))
    if max(width, height) >= 1600:
        # Thin DoG lines vanish when a big page is printed small: thicken them a little.
        ink = cv2.dilate(ink, np.ones((2, 2), np.uint8))
    page = np.where(ink > 0, 0, 255).astype(np.uint8)
    if page.shape != (height, width):
        scaled = cv2.resize(page, (width, height), interpolation=cv2.INTER_LINEAR)
        page = np.where(scaled < 160, 0, 255).astype(np.uint8)
    ok, encoded = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:  # pragma: no cover - OpenCV encodes any 8-bit greyscale array
        raise RuntimeError("OpenCV could not encode the page as PNG")
    return encoded.tobytes()


def _draft_side(megapixels: float) -> int:
    # The side a JPEG may be decoded at: the longest side the page can need.
    return int(math.sqrt(megapixels * 1_000_000) * 2)


def _ink_mask(rgb: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    long_side = max(grey.shape)
    diameter = 5 if long_side < 1500 else 9
    smooth = cv2.bilateralFilter(grey, diameter, 40, diameter).astype(np.float32)
    sigma = max(1.0, long_side / 1000)
    narrow = cv2.GaussianBlur(smooth, (0, 0), sigma)
    wide = cv2.GaussianBlur(smooth, (0, 0), sigma * SIGMA_RATIO)
    return ((narrow - wide) < -INK_THRESHOLD).astype(np.uint8)


def _remove_specks(ink: np.ndarray, *, min_area: int) -> np.ndarray:
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False  # label 0 is the background
    return keep[labels].astype(np.uint8)
