"""The page clean-up and output checks, beside the bare line-art filter, in one run.

Fixed sizes: synthetic pages of 1024² and 2048² pixels, each of two kinds:
- "defective": a keyline frame, a dark-hair mass to whiten and wide margins to trim
  (all three steps act);
- "clean": a drawing that fills the page (every step looks, none acts: the common case).

For each, the median of 7 runs of `processing.outputs.coloring_finish` (clean-up plus
the page checks, PNG decoding and encoding included), and of the checks of the SVG
vtracer makes from the cleaned page. Beside them, the bare local line-art filter
(`processing.pipeline.lineart.line_art`) on tests/fixtures/photos/coffee-12mp.jpg at the
same pixel counts, measured in the same run. Pure code: no database, no Redis.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
from _common import BASE_DIR

RUNS = 7
SIDES = (1024, 2048)
PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "coffee-12mp.jpg"


def median_ms(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def page(side: int, *, defective: bool) -> bytes:
    """A fixed synthetic page: a head with eyes and a body, outlines a few pixels wide."""
    s = side / 1024
    image = np.full((side, side), 255, np.uint8)
    centre, radius = (side // 2, side // 2), int((300 if defective else 480) * s)
    stroke = max(2, round(3 * s))
    cv2.circle(image, centre, radius, 0, stroke, cv2.LINE_AA)
    for dx in (-0.37, 0.37):
        eye = (int(centre[0] + dx * radius), int(centre[1] - 0.2 * radius))
        cv2.circle(image, eye, int(0.15 * radius), 0, stroke, cv2.LINE_AA)
        cv2.circle(image, eye, int(0.066 * radius), 0, -1)
    for n in range(12):  # hatching: many short strokes, as a real page has
        x = int(centre[0] - 0.5 * radius + n * 0.09 * radius)
        bottom = (x, int(centre[1] + 0.7 * radius))
        cv2.line(image, (x, int(centre[1] + 0.4 * radius)), bottom, 0, stroke)
    if defective:
        cv2.rectangle(image, (int(24 * s), int(24 * s)), (side - int(25 * s),) * 2, 0, stroke)
        axes = (int(0.85 * radius), int(0.35 * radius))
        cv2.ellipse(image, (centre[0], centre[1] - int(0.85 * radius)), axes, 0, 0, 360, 0, -1)
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    assert ok
    return data.tobytes()


def photo_at(photo: bytes, side: int) -> bytes:
    """The photo scaled to the page's pixel count, as a JPEG: line art without the big
    decode, which is the bare filter."""
    from processing.pipeline.images import encode_jpeg, open_image, to_rgb
    from processing.pipeline.lineart import working_size

    image = to_rgb(open_image(photo))
    return encode_jpeg(image.resize(working_size(image.width, image.height, side * side / 1e6)))


COLUMNS = (
    ("page", 5),
    ("line art, 12 MP photo", 21),
    ("line art, bare", 14),
    ("defective: clean+checks", 23),
    ("clean: clean+checks", 19),
    ("SVG checks", 10),
    ("ratio to bare", 13),
)


def row(*cells: str) -> str:
    padded = (f"{cell:>{width}}" for cell, (_name, width) in zip(cells, COLUMNS, strict=True))
    return "  " + "  ".join(padded)


def measure(photo: bytes, side: int) -> list[str]:
    from processing.outputs import coloring_finish, svg_finish
    from processing.pipeline.lineart import line_art
    from processing.pipeline.vector import trace

    megapixels = side * side / 1e6
    small = photo_at(photo, side)
    full = median_ms(lambda: line_art(photo, megapixels=megapixels))
    bare = median_ms(lambda: line_art(small, megapixels=megapixels))
    defective, clean = page(side, defective=True), page(side, defective=False)
    finished = coloring_finish(defective)
    assert finished.data != defective and finished.flags == [], finished.note
    assert coloring_finish(clean).data == clean
    svg = trace(finished.data)
    fixed = median_ms(lambda: coloring_finish(defective))
    untouched = median_ms(lambda: coloring_finish(clean))
    svg_checks = median_ms(lambda: svg_finish(svg))
    times = [f"{value:.0f}" for value in (full, bare, fixed, untouched)]
    return [f"{side}²", *times, f"{svg_checks:.1f}", f"{fixed / bare:.2f} · {untouched / bare:.2f}"]


def main() -> None:
    photo = PHOTO.read_bytes()
    machine = f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
    print(f"cleanup ({machine}), median of {RUNS}, ms per page")
    print(row(*(name for name, _width in COLUMNS)))
    for side in SIDES:
        print(row(*measure(photo, side)))


if __name__ == "__main__":
    main()
