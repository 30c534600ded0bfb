"""The local SVG renders like the page it was traced from (rasterised with resvg)."""

from __future__ import annotations

import io

import numpy as np
import pytest
import resvg_py
from PIL import Image

from processing.pipeline.vector import trace
from tests.processing.conftest import page_png


def grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


def test_the_traced_svg_renders_like_its_page() -> None:
    page = grey(page_png())
    height, width = page.shape

    svg = trace(page_png()).decode()
    rendered = grey(
        bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", skip_system_fonts=True))
    )

    ink, drawn = page < 128, rendered < 128
    assert rendered.shape == (height, width)
    assert drawn.mean() == pytest.approx(ink.mean(), rel=0.25)
    assert (ink == drawn).mean() > 0.97  # the same pixels are black
