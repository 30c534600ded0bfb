"""The PDF books, opened with pypdf and rendered by pdftoppm: real photos, real SVGs."""

from __future__ import annotations

import io

import numpy as np
import pytest
import resvg_py
from PIL import Image

from processing.pipeline import book_layout as geometry
from processing.pipeline.book import BookPage, book_render
from processing.pipeline.book_text import unsupported_characters
from tests.processing.books import (
    DEDICATION,
    PORTRAIT,
    TINY_SVG,
    TITLE,
    book_pages,
    page_kinds,
    photo_bytes,
    rendered_book,
    traced,
)
from tests.processing.conftest import photo
from tests.processing.pdf import (
    A4,
    PAINTING,
    PATH_BUILDING,
    TEXT_SHOWING,
    drawn_images,
    image_names,
    operators,
    pages,
    rendered,
)

CASES = [(layout, count) for layout in ("gallery", "fullpage") for count in (1, 4, 8, 16)]


def kinds_and_pages(layout: str, count: int) -> list[tuple[str, object]]:
    return list(
        zip(page_kinds(layout, count), pages(rendered_book(layout, count).pdf), strict=True)
    )


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("layout", "count"), CASES)
def test_every_page_is_a4_and_the_count_follows_the_layout(layout: str, count: int) -> None:
    book = rendered_book(layout, count)
    collages = -(-count // 8) if layout == "fullpage" else 0

    assert book.page_count == len(pages(book.pdf)) == 2 * count + 2 * collages + 4
    for page in pages(book.pdf):
        assert float(page.mediabox.width) == pytest.approx(A4[0], abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(A4[1], abs=0.5)


@pytest.mark.parametrize(("layout", "count"), CASES)
def test_blank_backs_hold_nothing(layout: str, count: int) -> None:
    blanks = [page for kind, page in kinds_and_pages(layout, count) if kind == "blank"]

    assert len(blanks) == count + (-(-count // 8) if layout == "fullpage" else 0) + 2
    for page in blanks:
        drawn = set(operators(page))
        assert drawn <= {b"cm"}, drawn  # reportlab's identity matrix, nothing else
        assert image_names(page) == []
        assert page.extract_text() == ""


@pytest.mark.parametrize(("layout", "count"), CASES)
def test_colouring_pages_are_vector_paths_beside_only_their_photo(layout: str, count: int) -> None:
    kind = "sheet" if layout == "gallery" else "colouring"
    colouring_pages = [page for k, page in kinds_and_pages(layout, count) if k == kind]

    assert len(colouring_pages) == count
    for page in colouring_pages:
        found = operators(page)
        assert sum(found[op] for op in PATH_BUILDING) > 200
        assert found[b"f"] + found[b"f*"] > 20  # vtracer's shapes are filled
        assert not TEXT_SHOWING & set(found)
        images = drawn_images(page)
        if layout == "fullpage":
            assert images == []
        else:
            (image,) = images  # the photo, and no raster of the colouring page
            assert image.printed[0] * image.printed[1] < 0.5 * A4[0] * A4[1]


@pytest.mark.parametrize("count", [1, 4, 8, 16])
def test_collage_pages_hold_at_most_eight_tilted_photos(count: int) -> None:
    collages = [page for k, page in kinds_and_pages("fullpage", count) if k == "collage"]

    shown = [drawn_images(page) for page in collages]
    assert [len(images) for images in shown] == [min(8, count - 8 * i) for i in range(len(shown))]
    for images in shown:
        assert all(1 <= abs(image.angle) <= 6 for image in images)


@pytest.mark.parametrize("layout", ["gallery", "fullpage"])
def test_the_title_page_carries_the_title_and_the_dedication_with_its_diacritics(
    layout: str,
) -> None:
    title_page = pages(rendered_book(layout, 4).pdf)[0]

    text = words(title_page.extract_text())
    assert text.startswith(TITLE)
    assert DEDICATION in text
    assert operators(title_page)[b"S"] == 1  # the dedication's box
    fonts = {font.get_object()["/BaseFont"] for font in title_page["/Resources"]["/Font"].values()}
    assert {name.split("+")[-1] for name in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_the_closing_page_ends_the_book() -> None:
    closing = pages(rendered_book("gallery", 1).pdf)[-1]

    assert words(closing.extract_text()) == "Konec Fotomalovánky.cz"


def test_emoji_the_font_cannot_draw_are_left_out_and_reported() -> None:
    dedication = "Pro Aničku 🎉 k narozeninám ❤️ 🥰!"

    title_page = pages(rendered_book("gallery", 1, dedication).pdf)[0]

    assert unsupported_characters(dedication) == ["🎉", "🥰"]
    assert "Pro Aničku k narozeninám ❤ !" in words(title_page.extract_text())


def test_an_empty_dedication_gives_a_title_page_without_a_box() -> None:
    title_page = pages(rendered_book("gallery", 1, " \n ").pdf)[0]

    assert words(title_page.extract_text()) == TITLE
    assert not PAINTING & set(operators(title_page))


def test_a_book_without_title_or_dedication_still_opens_and_closes() -> None:
    book = book_render(book_pages(1), layout="fullpage", dedication="", title="")

    first, *_middle, last = pages(book.pdf)
    assert first.extract_text() == "" and not PAINTING & set(operators(first))
    assert words(last.extract_text()) == "Konec Fotomalovánky.cz"


def test_a_rendered_colouring_page_has_its_ink_where_the_svg_is() -> None:
    book = rendered_book("fullpage", 1)  # chelsea.jpg, landscape: turned on its page
    placement = geometry.full_page((411.0, 273.75))
    dpi = 40

    page = rendered(book.pdf, 3, dpi) < 128
    expected = expected_ink(traced("chelsea.jpg"), placement, page.shape, dpi)

    assert 0.01 < page.mean() < 0.3  # not blank, not black
    assert covered(page, by=expected) > 0.9
    assert covered(expected, by=page) > 0.9


def test_a_gallery_sheet_has_ink_only_in_its_photo_and_colouring_boxes() -> None:
    book = rendered_book("gallery", 1)
    sheet = geometry.gallery_sheet((451, 300), (411.0, 273.75))
    dpi = 40

    page = rendered(book.pdf, 3, dpi) < 200
    inside = np.zeros_like(page)
    for placement in (sheet.photo, sheet.colouring):
        top, bottom, left, right = pixel_box(placement.bounds(), page.shape, dpi)
        assert page[top:bottom, left:right].mean() > 0.02
        inside[top - 1 : bottom + 1, left - 1 : right + 1] = True  # edges are anti-aliased
    assert page[~inside].sum() == 0


def test_a_portrait_pair_is_turned_and_a_landscape_pair_is_not() -> None:
    book = book_render(book_pages(2), layout="gallery", dedication="", title=TITLE)

    landscape, portrait = (drawn_images(pages(book.pdf)[n])[0] for n in (2, 4))
    assert landscape.angle == pytest.approx(0)
    assert portrait.angle == pytest.approx(-90)
    assert photo_bytes(PORTRAIT) == book_pages(2)[1].photo


@pytest.mark.parametrize("layout", ["gallery", "fullpage"])
def test_a_12_megapixel_photo_is_embedded_at_most_at_300_dpi(layout: str) -> None:
    big = [BookPage(photo("coffee-12mp.jpg"), TINY_SVG, f"Fotka {n}") for n in (1, 2)]

    book = book_render(big, layout=layout, dedication="", title=TITLE)

    shown = [image for page in pages(book.pdf) for image in drawn_images(page)]
    assert len(shown) == 2
    for image in shown:
        assert image.pixels[0] < 4000  # downsampled
        assert geometry.MAX_DPI * 0.75 <= image.dpi <= geometry.MAX_DPI + 0.5


def test_the_same_pages_give_the_same_pdf() -> None:
    again = book_render(book_pages(4), layout="gallery", dedication=DEDICATION, title=TITLE)

    assert again.pdf == rendered_book("gallery", 4).pdf


def expected_ink(
    svg: bytes, placement: geometry.Placement, shape: tuple[int, ...], dpi: int
) -> np.ndarray:
    """The SVG rendered by resvg at the placement's size, turned and put where the
    placement says, on a white page of `shape`: True where it is dark."""
    scale = dpi / 72
    width, height = round(placement.width * scale), round(placement.height * scale)
    png = resvg_py.svg_to_bytes(
        svg_string=svg.decode(), width=width, height=height, background="#ffffff"
    )
    art = (
        Image.open(io.BytesIO(bytes(png)))
        .convert("L")
        .rotate(placement.angle, expand=True, fillcolor=255)
    )
    sheet = Image.new("L", (shape[1], shape[0]), 255)
    top, _bottom, left, _right = pixel_box(placement.bounds(), shape, dpi)
    sheet.paste(art, (left, top))
    return np.asarray(sheet) < 128


def pixel_box(box: geometry.Box, shape: tuple[int, ...], dpi: int) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) pixel rows and columns of a page box (y points up)."""
    scale = dpi / 72
    top = round(shape[0] - (box.y + box.height) * scale)
    return (
        top,
        round(shape[0] - box.y * scale),
        round(box.x * scale),
        round((box.x + box.width) * scale),
    )


def covered(ink: np.ndarray, *, by: np.ndarray) -> float:
    """The share of `ink` within a pixel of `by` (anti-aliasing moves lines by one)."""
    grown = by.copy()
    for axis in (0, 1):
        for shift in (-1, 1):
            grown |= np.roll(by, shift, axis=axis)
    return float((ink & grown).sum() / max(1, ink.sum()))
