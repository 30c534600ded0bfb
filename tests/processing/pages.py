"""Colouring pages and SVGs drawn in the tests: what line-art models get right and wrong."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

SIDE = 1024
BLACK, WHITE = 0, 255
PUPIL = 20  # radius at 1024 px: a small filled circle that must stay black


def blank(side: int = SIDE, height: int | None = None) -> np.ndarray:
    return np.full((height or side, side), WHITE, np.uint8)


def face(page: np.ndarray) -> np.ndarray:
    """A simple drawing across the middle of the page: a head with thin outlines, two
    small filled pupils and a mouth. Returns the page (drawn in place)."""
    h, w = page.shape
    s = w / SIDE
    cx, cy = w // 2, h // 2
    cv2.circle(page, (cx, cy), int(300 * s), BLACK, max(2, int(3 * s)), cv2.LINE_AA)
    for dx in (-110, 110):
        cv2.circle(page, (cx + int(dx * s), cy - int(60 * s)), int(45 * s), BLACK, 2, cv2.LINE_AA)
        cv2.circle(page, (cx + int(dx * s), cy - int(60 * s)), int(PUPIL * s), BLACK, -1)
    cv2.ellipse(page, (cx, cy + int(120 * s)), (int(120 * s), int(50 * s)), 0, 0, 180, BLACK, 2)
    return page


def reaching_margins(page: np.ndarray) -> np.ndarray:
    """A big thin circle round the drawing, so that the page has no margin to trim and
    what the clean-up did can be compared pixel for pixel."""
    h, w = page.shape
    cv2.circle(page, (w // 2, h // 2), int(min(h, w) * 0.46), BLACK, 3)
    return page


def framed(page: np.ndarray, *, inset: int = 24, thickness: int = 4) -> np.ndarray:
    h, w = page.shape
    cv2.rectangle(page, (inset, inset), (w - 1 - inset, h - 1 - inset), BLACK, thickness)
    return page


def hair(page: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """A big solid-black mass on top of the head (dark hair). Returns its (centre, axes)."""
    h, w = page.shape
    centre, axes = (w // 2, h // 2 - 260), (260, 110)
    cv2.ellipse(page, centre, axes, 0, 0, 360, BLACK, -1)
    return centre, axes


def png(page: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", page)
    assert ok
    return data.tobytes()


def grey(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("L"))


def ink_share(page: np.ndarray) -> float:
    return float(np.count_nonzero(page < 128)) / page.size


SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'


def svg(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{SVG_HEAD}{body}</svg>'.encode()
