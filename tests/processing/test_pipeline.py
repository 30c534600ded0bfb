"""The pure image code on real photos: no database, no network."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from processing.errors import ProcessingPermanentError
from processing.pipeline.images import image_size, open_image, png_verify, runpod_input
from processing.pipeline.lineart import line_art, working_size
from processing.pipeline.vector import svg_check, trace
from tests.processing.conftest import page_png, photo


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"))


@pytest.mark.parametrize(
    "name", ["chelsea.jpg", "astronaut.heic", "coffee-cmyk.jpg", "chelsea-palette.png"]
)
def test_any_photo_a_customer_sends_opens_as_rgb(name: str) -> None:
    sent = Image.open(io.BytesIO(runpod_input(photo(name), min_long_side=10, max_body_bytes=10**7)))

    assert sent.mode == "RGB" and sent.format == "JPEG"


def test_exif_orientation_is_applied() -> None:
    stored = Image.open(io.BytesIO(photo("chelsea-exif-orientation-6.jpg")))

    upright = open_image(photo("chelsea-exif-orientation-6.jpg"))

    assert stored.size == (300, 451)
    assert upright.size == (451, 300)
    assert upright.size == open_image(photo("chelsea.jpg")).size


@pytest.mark.parametrize(
    "name", ["chelsea-exif-orientation-6.jpg", "astronaut.heic", "coffee-12mp.jpg", "rocket.png"]
)
def test_image_size_is_the_upright_size_read_from_the_header(name: str) -> None:
    assert image_size(photo(name)) == open_image(photo(name)).size


def test_a_jpeg_is_decoded_smaller_when_fewer_pixels_are_asked_for() -> None:
    # 4000×3000: JPEG decoding halves it while it still gives 1700 × 1200.
    assert open_image(photo("coffee-12mp.jpg"), draft_size=(1700, 1200)).size == (2000, 1500)
    assert open_image(photo("coffee-12mp.jpg"), draft_size=(2100, 1200)).size == (4000, 3000)
    # Stored turned (EXIF 6): the wanted size is the upright one.
    turned = open_image(photo("chelsea-exif-orientation-6.jpg"), draft_size=(225, 150))
    assert turned.size == (226, 150)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("not-an-image.jpg", "nelze přečíst"),
        ("truncated.jpg", "nelze přečíst"),
        ("bomb-400mp.png", "příliš mnoho pixelů"),
    ],
)
def test_broken_files_and_bombs_are_permanent_errors(name: str, words: str) -> None:
    with pytest.raises(ProcessingPermanentError, match=words):
        open_image(photo(name))
    if name != "truncated.jpg":  # its header is whole: only decoding finds the fault
        with pytest.raises(ProcessingPermanentError, match=words):
            image_size(photo(name))


def test_small_photos_are_raised_to_min_image_size() -> None:
    sent = Image.open(
        io.BytesIO(runpod_input(photo("rocket.jpg"), min_long_side=1200, max_body_bytes=10**7))
    )

    assert sent.size == (1200, 800)  # 640×427, long side raised to 1200 (LANCZOS)


def test_large_photos_shrink_until_the_runpod_body_fits() -> None:
    budget = 400_000
    encoded = runpod_input(photo("coffee-12mp.jpg"), min_long_side=1200, max_body_bytes=budget)

    assert len(base64.b64encode(encoded)) + 1024 <= budget
    width, height = Image.open(io.BytesIO(encoded)).size
    assert width / height == pytest.approx(4 / 3, rel=0.01)


def test_a_12_megapixel_photo_fits_the_real_limit_without_shrinking_much() -> None:
    encoded = runpod_input(photo("coffee-12mp.jpg"), min_long_side=1200, max_body_bytes=10**7)

    assert len(base64.b64encode(encoded)) < 10**7
    assert max(Image.open(io.BytesIO(encoded)).size) >= 3000


@pytest.mark.parametrize(
    "name", ["chelsea.jpg", "coffee.jpg", "astronaut.heic", "coffee-cmyk.jpg", "rocket.png"]
)
def test_line_art_is_a_mostly_white_page_with_black_lines(name: str) -> None:
    page = pixels(line_art(photo(name), megapixels=1.0))

    black, white = np.mean(page == 0), np.mean(page == 255)
    assert black + white == 1.0  # pure black and white
    assert 0.01 < black < 0.2
    assert page.size == pytest.approx(1_000_000, rel=0.01)


def test_line_art_follows_exif_orientation_and_megapixels() -> None:
    page = pixels(line_art(photo("chelsea-exif-orientation-6.jpg"), megapixels=2.0))

    height, width = page.shape
    assert width > height
    assert (width, height) == working_size(451, 300, 2.0)


def test_line_art_of_a_12_megapixel_photo_keeps_the_page_size() -> None:
    page = pixels(line_art(photo("coffee-12mp.jpg"), megapixels=1.0))

    assert page.shape == (866, 1155)


def test_trace_gives_a_parsable_svg_of_the_page() -> None:
    svg = trace(page_png())

    root = ET.fromstring(svg)  # noqa: S314 - our own trusted output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    width, height = Image.open(io.BytesIO(page_png())).size
    assert (int(root.get("width")), int(root.get("height"))) == (width, height)
    assert len(root.findall("{http://www.w3.org/2000/svg}path")) > 10


def test_trace_refuses_what_is_not_a_png() -> None:
    with pytest.raises(ProcessingPermanentError, match="PNG"):
        trace(photo("chelsea.jpg"))


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><path></svg>", "správně utvořené"),
        (b"<html><body/></html>", "kořenový prvek je „html“"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
            b"<svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>",
            "entit",
        ),
    ],
)
def test_svg_check_refuses_broken_foreign_and_entity_laden_documents(
    svg: bytes, words: str
) -> None:
    with pytest.raises(ProcessingPermanentError, match=words):
        svg_check(svg)


def test_png_verify_accepts_pages_and_refuses_truncated_pngs() -> None:
    assert png_verify(page_png())[0] > 0

    with pytest.raises(ProcessingPermanentError, match="PNG"):
        png_verify(page_png()[:2000])
    with pytest.raises(ProcessingPermanentError, match="není obrázek PNG"):
        png_verify(photo("chelsea.jpg"))
