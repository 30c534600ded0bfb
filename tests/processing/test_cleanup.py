"""The page clean-up on pages drawn in the test: what it removes and what it keeps."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from processing.errors import ProcessingPermanentError
from processing.pipeline.cleanup import ASPECT_RANGE, MARGIN_MIN, clean_page
from processing.pipeline.lineart import line_art
from processing.pipeline.page_checks import page_flags
from tests.processing.conftest import photo
from tests.processing.pages import (
    BLACK,
    PUPIL,
    SIDE,
    WHITE,
    blank,
    face,
    framed,
    grey,
    hair,
    ink_share,
    png,
    reaching_margins,
)


def long_runs_near_borders(page: np.ndarray) -> int:
    """How many rows and columns in the outer 12 % hold a straight ink run over half the side."""
    ink = (page < 128).astype(np.uint8)
    h, w = ink.shape
    rows = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, w // 2), np.uint8))
    cols = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((h // 2, 1), np.uint8))
    band_h, band_w = int(h * 0.12), int(w * 0.12)
    found = np.count_nonzero(rows[:band_h].any(axis=1)) + np.count_nonzero(
        rows[h - band_h :].any(axis=1)
    )
    return (
        found
        + np.count_nonzero(cols[:, :band_w].any(axis=0))
        + np.count_nonzero(cols[:, w - band_w :].any(axis=0))
    )


def test_a_keyline_frame_is_removed_and_the_drawing_is_kept_whole() -> None:
    plain = face(blank())
    page = framed(face(blank()))
    assert long_runs_near_borders(page) > 0

    cleaned = clean_page(png(page))

    assert cleaned.frame_removed
    assert long_runs_near_borders(grey(cleaned.png)) == 0
    # Frame gone, the same page as the one that never had a frame.
    assert np.array_equal(grey(cleaned.png), grey(clean_page(png(plain)).png))
    assert "odstraněn rámeček" in cleaned.summary


def test_lines_that_run_into_the_frame_are_kept_up_to_it() -> None:
    page = framed(reaching_margins(face(blank())))
    cv2.line(page, (512, 812), (512, SIDE - 25), BLACK, 3)  # a leg down to the frame

    cleaned = clean_page(png(page))

    out = grey(cleaned.png)
    assert cleaned.frame_removed and cleaned.trimmed_from is None
    leg = np.flatnonzero(out[812:, 512] < 128) + 812
    # Whole down to the few pixels where the frame's line was.
    assert leg.min() == 812 and SIDE - 25 - leg.max() <= 8
    assert np.all(out[812 : leg.max(), 512] < 128)


def test_a_double_keyline_is_one_frame() -> None:
    page = framed(framed(face(blank()), inset=20, thickness=2), inset=30, thickness=2)

    cleaned = clean_page(png(page))

    assert cleaned.frame_removed and long_runs_near_borders(grey(cleaned.png)) == 0


def test_a_hairline_along_the_edge_and_the_keyline_inside_it_both_go() -> None:
    page = framed(face(blank()), inset=40)
    page[0, :] = page[-1, :] = page[:, 0] = page[:, -1] = BLACK

    cleaned = clean_page(png(page))

    assert cleaned.frame_removed and long_runs_near_borders(grey(cleaned.png)) == 0


def test_straight_lines_near_two_borders_are_drawing_not_a_frame() -> None:
    page = face(blank())
    cv2.line(page, (40, SIDE - 60), (SIDE - 40, SIDE - 60), BLACK, 3)  # the ground
    cv2.line(page, (40, 60), (SIDE - 40, 60), BLACK, 3)  # a shelf

    cleaned = clean_page(png(page))

    assert not cleaned.frame_removed
    assert long_runs_near_borders(grey(cleaned.png)) > 0


def test_a_big_black_mass_is_whitened_and_its_outline_kept() -> None:
    page = reaching_margins(face(blank()))
    (cx, cy), (ax, ay) = hair(page)
    assert "solid_fill" in page_flags(png(page))

    cleaned = clean_page(png(page))

    assert cleaned.masses_whitened == 1 and cleaned.trimmed_from is None
    assert "vybíleny velké černé plochy (1)" in cleaned.summary
    out = grey(cleaned.png)
    inside = cv2.ellipse(np.zeros_like(page), (cx, cy), (ax - 8, ay - 8), 0, 0, 360, 1, -1) > 0
    assert np.all(out[inside] == WHITE)
    # The white inside is closed by what is left of the mass: filling it from its
    # centre never leaks beyond where the mass was.
    filled = np.zeros((SIDE + 2, SIDE + 2), np.uint8)
    cv2.floodFill(out.copy(), filled, (cx, cy), 128)
    region = filled[1:-1, 1:-1] > 0
    assert np.count_nonzero(region) >= np.count_nonzero(inside)
    assert np.all(page[region] == BLACK)
    assert page_flags(cleaned.png) == []


def test_pupils_thin_lines_and_bold_strokes_stay_as_drawn() -> None:
    page = reaching_margins(face(blank()))
    cv2.line(page, (300, 900), (724, 900), BLACK, 14)  # a bold stroke, longer than any mass

    cleaned = clean_page(png(page))

    assert cleaned.masses_whitened == 0 and cleaned.trimmed_from is None
    out = grey(cleaned.png)
    for dx in (-110, 110):
        pupil = cv2.circle(np.zeros_like(page), (512 + dx, 452), PUPIL - 1, 1, -1)
        assert np.all(out[pupil > 0] < 128)
    assert np.array_equal(out < 128, page < 128)


def test_a_mass_too_big_for_dark_hair_is_left_for_a_person() -> None:
    page = blank()
    page[180:844, 180:844] = BLACK  # 42 % of the page: a failed page, not hair

    cleaned = clean_page(png(page))

    assert cleaned.masses_whitened == 0
    assert "solid_fill" in page_flags(cleaned.png)


def test_a_near_solid_page_is_not_whitened() -> None:
    page = blank()
    page[40:984, 40:984] = BLACK
    page[500:520, 100:900] = WHITE

    cleaned = clean_page(png(page))

    assert cleaned.masses_whitened == 0
    assert ink_share(grey(cleaned.png)) > 0.6


def test_the_page_is_trimmed_to_the_ink_with_a_margin_in_a_sensible_aspect() -> None:
    page = blank()
    cv2.rectangle(page, (100, 400), (700, 560), BLACK, 3)  # a wide, low drawing

    cleaned = clean_page(png(page))

    out = grey(cleaned.png)
    height, width = out.shape
    assert cleaned.trimmed_from == (SIDE, SIDE) and cleaned.size == (width, height)
    assert width < SIDE and height < SIDE
    assert ASPECT_RANGE[0] - 0.01 <= width / height <= ASPECT_RANGE[1] + 0.01
    rows, cols = np.flatnonzero((out < 128).any(axis=1)), np.flatnonzero((out < 128).any(axis=0))
    assert min(cols[0], width - 1 - cols[-1], rows[0], height - 1 - rows[-1]) >= MARGIN_MIN
    assert f"oříznuto z 1024×1024 na {width}×{height} px" in cleaned.summary


def test_a_page_wider_than_a_paper_keeps_its_own_aspect() -> None:
    page = blank(2000, 800)
    cv2.rectangle(page, (100, 300), (1900, 500), BLACK, 3)

    out = grey(clean_page(png(page)).png)

    assert out.shape[1] / out.shape[0] == pytest.approx(2.5, abs=0.01)


def test_a_near_blank_page_is_not_trimmed() -> None:
    page = blank()
    cv2.line(page, (500, 500), (560, 520), BLACK, 2)

    cleaned = clean_page(png(page))

    assert not cleaned.changed and cleaned.png == png(page)
    assert page_flags(cleaned.png) == ["near_blank"]


def test_a_page_that_needs_nothing_comes_back_byte_for_byte() -> None:
    page = blank()
    cv2.circle(page, (512, 512), 490, BLACK, 3)
    data = png(page)

    cleaned = clean_page(data)

    assert cleaned.png is data and cleaned.summary == ""


def test_cleaning_a_cleaned_page_changes_nothing_more() -> None:
    page = framed(face(blank()))
    hair(page)

    once = clean_page(png(page))

    assert not clean_page(once.png).changed


def test_a_transparent_page_is_cleaned_on_white() -> None:
    page = face(blank())
    rgba = np.zeros((SIDE, SIDE, 4), np.uint8)
    rgba[..., 3] = np.where(page < 128, 255, 0)  # black ink, transparent paper
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG")

    out = grey(clean_page(buffer.getvalue()).png)

    assert ink_share(out) > 0.01 and np.median(out) == WHITE


@pytest.mark.parametrize("name", ["chelsea.jpg", "astronaut.jpg", "coffee.jpg", "rocket.jpg"])
def test_pages_from_the_local_filter_keep_their_lines_and_pass_the_checks(name: str) -> None:
    page = line_art(photo(name), megapixels=1.0)

    cleaned = clean_page(page)

    assert not cleaned.frame_removed and cleaned.masses_whitened == 0
    assert page_flags(cleaned.png) == []
    assert np.count_nonzero(grey(cleaned.png) < 128) == np.count_nonzero(grey(page) < 128)


def test_a_result_that_is_not_an_image_is_a_permanent_error() -> None:
    with pytest.raises(ProcessingPermanentError, match="PNG je poškozený"):
        clean_page(b"\x89PNG\r\n\x1a\nnot really")
