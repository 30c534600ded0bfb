"""The book's geometry, its text helpers and its errors, without reading PDFs."""

from __future__ import annotations

import itertools

import pytest

import processing.pipeline.book_inputs
from processing.errors import ProcessingPermanentError
from processing.pipeline import book_layout as geometry
from processing.pipeline.book import BookPage, book_render
from processing.pipeline.book_text import REGULAR, printable, text_block, unsupported_characters
from tests.processing.books import TINY_SVG, book_pages, traced
from tests.processing.conftest import photo

LANDSCAPE, PORTRAIT, SQUARE = (4.0, 3.0), (3.0, 4.0), (1.0, 1.0)


def test_a_portrait_pair_is_turned_into_a_landscape_area() -> None:
    sheet = geometry.gallery_sheet(PORTRAIT, PORTRAIT)

    assert sheet.rotated
    assert sheet.photo.angle == sheet.colouring.angle == -90
    photo_box, colouring_box = sheet.photo.bounds(), sheet.colouring.bounds()
    assert photo_box.y > colouring_box.y + colouring_box.height  # read turned: photo left
    # Turned, each picture stands upright in half of a 287 × 200 mm landscape area.
    upper, _lower = geometry.halves(geometry.CONTENT)
    assert sheet.photo.width == pytest.approx(upper.height)
    assert sheet.photo.height < geometry.CONTENT.width


def test_a_landscape_pair_is_stacked_when_that_gives_the_larger_pictures() -> None:
    sheet = geometry.gallery_sheet(LANDSCAPE, LANDSCAPE)
    turned = geometry.GallerySheet(
        *(geometry.fit(half, LANDSCAPE, -90) for half in geometry.halves(geometry.CONTENT))
    )

    assert not sheet.rotated
    assert sheet.photo.area > turned.photo.area
    assert sheet.photo.height == pytest.approx(geometry.halves(geometry.CONTENT)[0].height)


def test_a_landscape_photo_with_a_portrait_colouring_page_goes_side_by_side() -> None:
    # A colouring page need not have its photo's shape (a RunPod page may be square or
    # cropped); then turning the sheet can give the larger pictures.
    stacked = geometry.GallerySheet(
        *(
            geometry.fit(half, size)
            for half, size in zip(
                geometry.halves(geometry.CONTENT), ((1.05, 1.0), (0.6, 1.0)), strict=True
            )
        )
    )

    sheet = geometry.gallery_sheet((1.05, 1.0), (0.6, 1.0))

    assert sheet.rotated
    assert sheet.photo.area + sheet.colouring.area > stacked.photo.area + stacked.colouring.area


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT, SQUARE, (1.0, 3.0), (5.0, 1.0)])
def test_gallery_pictures_stay_inside_the_inset_and_apart(size: tuple[float, float]) -> None:
    sheet = geometry.gallery_sheet(size, size)

    photo_box, colouring_box = sheet.photo.bounds(), sheet.colouring.bounds()
    assert geometry.CONTENT.contains(photo_box) and geometry.CONTENT.contains(colouring_box)
    assert photo_box.y - (colouring_box.y + colouring_box.height) >= geometry.GAP - 0.01


def test_a_full_page_colouring_page_is_turned_only_when_landscape() -> None:
    upright, turned = geometry.full_page(PORTRAIT), geometry.full_page(LANDSCAPE)

    assert upright.angle == 0 and turned.angle == -90
    assert geometry.CONTENT.contains(upright.bounds())
    assert geometry.CONTENT.contains(turned.bounds())
    assert turned.height == pytest.approx(geometry.CONTENT.width)  # across the sheet


@pytest.mark.parametrize("count", range(1, 9))
def test_collage_photos_are_tilted_inside_their_own_cells(count: int) -> None:
    cells = geometry.collage_cells(count)

    assert len(cells) == count
    for index, cell in enumerate(cells):
        placed = geometry.collage_photo(cell, index, LANDSCAPE)
        assert 1 <= abs(placed.angle) <= 6
        assert geometry.CONTENT.contains(cell)
        assert cell.contains(placed.bounds(margin=geometry.COLLAGE_BORDER))
    for first, second in itertools.pairwise(cells):
        assert first.y > second.y or first.x + first.width <= second.x  # row by row, apart


def test_the_pixels_a_placement_needs_are_at_most_300_dpi() -> None:
    placement = geometry.Placement(0, 0, 72.0, 36.0)  # 1 × 0.5 inch

    assert geometry.pixels_at_max_dpi(placement) == (300, 150)


def test_unsupported_characters_lists_what_the_font_cannot_draw_once() -> None:
    text = "Ahoj 🎉 ❤️ 😀 🎉 Žluťoučký kůň ★"

    assert unsupported_characters(text) == ["🎉"]
    assert unsupported_characters("Pro Aničku") == []


def test_printable_text_is_composed_and_keeps_its_line_breaks() -> None:
    decomposed = "Z\u030cluťoučký 🎉  kůň\n\n   s láskou\t"

    assert printable(decomposed) == "Žluťoučký kůň\n\ns láskou"
    assert printable("  \n ") == ""


def test_a_dedication_too_long_for_its_box_is_cut_with_an_ellipsis() -> None:
    block = text_block("slovo " * 2000, name=REGULAR, width=300, max_height=200, sizes=(12.0, 8.0))

    assert block.size == 8.0
    assert block.height <= 200
    assert block.lines[-1].endswith("…")


def test_a_short_dedication_keeps_the_largest_size() -> None:
    block = text_block("Pro Aničku", name=REGULAR, width=300, max_height=200, sizes=(20.0, 8.0))

    assert (block.lines, block.size) == (["Pro Aničku"], 20.0)


BROKEN_SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><path></svg>"
UNSIZED_SVG = b"<svg xmlns='http://www.w3.org/2000/svg' width='abc' height='10'/>"
EMPTY_SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
ENTITY_SVG = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>'
    b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>&a;</svg>"
)


@pytest.mark.parametrize("layout", ["gallery", "fullpage"])
@pytest.mark.parametrize(
    ("photo_name", "svg", "message"),
    [
        ("chelsea.jpg", BROKEN_SVG, "Fotka 2: SVG nelze přečíst (SVG není správně utvořené XML"),
        ("chelsea.jpg", ENTITY_SVG, "Fotka 2: SVG nelze přečíst (SVG obsahuje deklarace entit"),
        ("chelsea.jpg", b"", "Fotka 2: SVG chybí."),
        ("chelsea.jpg", UNSIZED_SVG, "Fotka 2: SVG nelze přečíst (ValueError: Can't convert"),
        ("chelsea.jpg", EMPTY_SVG, "Fotka 2: SVG nelze přečíst (obrázek nemá žádnou velikost)."),
        ("truncated.jpg", TINY_SVG, "Fotka 2: soubor fotky nelze přečíst jako obrázek"),
        ("not-an-image.jpg", TINY_SVG, "Fotka 2: soubor fotky nelze přečíst jako obrázek"),
        ("bomb-400mp.png", TINY_SVG, "Fotka 2: fotka má příliš mnoho pixelů"),
    ],
)
def test_a_broken_page_is_a_permanent_error_naming_it(
    layout: str, photo_name: str, svg: bytes, message: str
) -> None:
    pages = [*book_pages(1), BookPage(photo(photo_name), svg, "Fotka 2")]

    with pytest.raises(ProcessingPermanentError) as raised:
        book_render(pages, layout=layout, dedication="", title="")

    assert raised.value.message.startswith(message)


def test_a_missing_photo_is_named() -> None:
    pages = [BookPage(b"", traced("chelsea.jpg"), "Fotka 1")]

    with pytest.raises(ProcessingPermanentError, match=r"^Fotka 1: fotka chybí\.$"):
        book_render(pages, layout="gallery", dedication="", title="")


def test_an_svg_with_entities_never_reaches_svglib(monkeypatch: pytest.MonkeyPatch) -> None:
    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("svglib parsed a document with entity declarations")

    monkeypatch.setattr(processing.pipeline.book_inputs, "svg2rlg", parse)

    with pytest.raises(ProcessingPermanentError, match="entit"):
        book_render(
            [BookPage(photo(), ENTITY_SVG, "Fotka 1")], layout="fullpage", dedication="", title=""
        )


def test_a_book_needs_pages_and_a_known_layout() -> None:
    with pytest.raises(ProcessingPermanentError, match="žádnou fotku"):
        book_render([], layout="gallery", dedication="", title="")
    with pytest.raises(ValueError, match="layout"):
        book_render(book_pages(1), layout="poster", dedication="", title="")
