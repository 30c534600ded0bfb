"""The output checks on pages and SVGs made in the test, and the flags' one declaration."""

from __future__ import annotations

import cv2
import pytest

from processing.errors import ProcessingPermanentError
from processing.outputs import OutputFlag, coloring_finish, flag_labels, svg_finish
from processing.pipeline import page_checks
from processing.pipeline.cleanup import clean_page
from processing.pipeline.page_checks import page_flags, svg_flags
from processing.pipeline.vector import trace
from tests.processing.pages import BLACK, blank, face, framed, hair, png, svg

PATH = 'd="M10 10 L90 10 L90 90 Z"'


def test_every_flag_the_checks_can_raise_is_declared_once_with_a_czech_label() -> None:
    codes = page_checks.PAGE_FLAGS + page_checks.SVG_FLAGS

    assert sorted(codes) == sorted(OutputFlag.values)
    assert flag_labels(["near_blank", "svg_white"]) == [
        "Téměř prázdná stránka (méně než 0,5 % kresby)",
        "SVG je celé bílé nebo průhledné",
    ]


def test_a_drawn_page_has_no_flags() -> None:
    assert page_flags(png(face(blank()))) == []


@pytest.mark.parametrize("lines", [0, 1, 3])
def test_a_page_with_almost_nothing_drawn_is_near_blank(lines: int) -> None:
    page = blank()
    for n in range(lines):
        cv2.line(page, (300, 300 + 40 * n), (500, 300 + 40 * n), BLACK, 2)

    assert page_flags(png(page)) == ["near_blank"]


def test_a_little_more_than_half_a_percent_of_ink_is_not_near_blank() -> None:
    page = blank()
    for n in range(10):  # 10 strokes × 300 px × 2 px ≈ 0.57 % of the page
        cv2.line(page, (300, 200 + 50 * n), (599, 200 + 50 * n), BLACK, 2)

    assert page_flags(png(page)) == []


def test_a_page_mostly_black_is_near_solid_and_solid_filled() -> None:
    page = blank()
    page[100:924, 100:924] = BLACK  # 65 %

    assert page_flags(png(page)) == ["near_solid", "solid_fill"]


def test_a_black_mass_is_solid_fill_and_small_filled_details_are_not() -> None:
    page = face(blank())  # pupils are filled circles under the mass threshold
    assert page_flags(png(page)) == []

    hair(page)

    assert page_flags(png(page)) == ["solid_fill"]


def test_a_framed_page_with_nothing_in_it_is_near_blank_after_the_clean_up() -> None:
    page = framed(blank())
    assert page_flags(png(page)) == []  # the frame alone is 1.5 % ink

    assert page_flags(clean_page(png(page)).png) == ["near_blank"]


def test_the_colouring_finish_cleans_checks_and_describes_both() -> None:
    page = framed(blank())

    finished = coloring_finish(png(page))

    assert finished.flags == ["near_blank"]
    assert finished.note == (
        "Úprava stránky: odstraněn rámeček. "
        "Kontrola výstupu: Téměř prázdná stránka (méně než 0,5 % kresby)."
    )
    assert page_flags(finished.data) == ["near_blank"]


def test_a_page_that_is_fine_finishes_without_a_note() -> None:
    page = png(face(blank()))
    cleaned = clean_page(page)

    finished = coloring_finish(cleaned.png)

    assert finished.data == cleaned.png and finished.flags == [] and finished.note == ""


# --- SVG ---


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<g></g>",
        '<path d=""/>',
        '<path d="   "/>',
        '<polygon points=""/>',
        "<title>Prázdno</title><desc>nic</desc>",
        f'<path {PATH} style="display: none"/>',
        f'<g visibility="hidden"><path {PATH}/></g>',
    ],
)
def test_an_svg_with_nothing_drawable_is_empty(body: str) -> None:
    assert svg_flags(svg(body)) == ["svg_empty"]


@pytest.mark.parametrize(
    "body",
    [
        f'<path {PATH} fill="#FFFFFF"/>',
        f'<path {PATH} fill="#fff"/><rect width="10" height="10" fill="white"/>',
        f'<g fill="#fefefe"><path {PATH}/><circle r="5" fill="rgb(250, 250, 250)"/></g>',
        f'<path {PATH} fill="none"/>',
        f'<path {PATH} fill="black" fill-opacity="0"/>',
        f'<path {PATH} style="fill:#ffffff;stroke:none"/>',
        f'<path {PATH} fill="#000" opacity="0"/>',
        f'<g style="fill: transparent"><path {PATH}/></g>',
    ],
)
def test_an_svg_that_draws_only_white_or_transparent_is_white(body: str) -> None:
    assert svg_flags(svg(body)) == ["svg_white"]


@pytest.mark.parametrize(
    "body",
    [
        f"<path {PATH}/>",  # SVG fills black by default
        f'<rect width="100" height="100" fill="#fff"/><path {PATH} fill="#000000"/>',
        f'<g fill="white"><path {PATH} style="fill: rgb(0%, 0%, 0%)"/></g>',
        f'<path {PATH} fill="none" stroke="#333"/>',
        f'<path {PATH} fill="url(#gradient)"/>',
        '<line x1="0" y1="0" x2="100" y2="100" stroke="black"/>',
    ],
)
def test_an_svg_that_draws_something_dark_has_no_flags(body: str) -> None:
    assert svg_flags(svg(body)) == []


def test_vtracer_svgs_of_a_drawn_page_pass_and_of_a_blank_page_do_not() -> None:
    assert svg_flags(trace(png(face(blank())))) == []

    assert svg_flags(trace(png(blank()))) in (["svg_empty"], ["svg_white"])


def test_the_svg_finish_keeps_the_bytes_and_names_the_flag() -> None:
    data = svg(f'<path {PATH} fill="#fff"/>')

    finished = svg_finish(data)

    assert finished.data is data and finished.flags == ["svg_white"]
    assert finished.note == "Kontrola výstupu: SVG je celé bílé nebo průhledné."


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<svg", "není správně utvořené XML"),
        (
            b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"/>',
            "deklarace entit",
        ),
    ],
)
def test_a_broken_or_hostile_svg_is_a_permanent_error(data: bytes, words: str) -> None:
    with pytest.raises(ProcessingPermanentError, match=words):
        svg_flags(data)
