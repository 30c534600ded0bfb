"""The one photo check (orders/photos.py) that downloads and uploads both go through."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage

from orders.errors import PhotoRejected
from orders.photos import inspect_photo, make_preview, write_capped
from tests.fakes.photos import PHOTOS


def test_inspect_refuses_a_format_we_do_not_take(tmp_path: Path) -> None:
    path = tmp_path / "x.bmp"
    PILImage.new("RGB", (10, 10)).save(path, "BMP")

    with pytest.raises(PhotoRejected, match="BMP není podporovaný"):
        inspect_photo(path, max_pixels=10**8)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-an-image.jpg", "Soubor není obrázek"),
        ("truncated.jpg", "poškozený nebo neúplný"),
        ("bomb-400mp.png", "víc než 100 megapixelů"),
    ],
)
def test_inspect_refuses_what_is_no_whole_photo(name: str, message: str) -> None:
    with pytest.raises(PhotoRejected, match=message):
        inspect_photo(PHOTOS / name, max_pixels=100_000_000)


def test_inspect_takes_heic_with_its_facts() -> None:
    info = inspect_photo(PHOTOS / "astronaut.heic", max_pixels=100_000_000)

    assert (info.content_type, info.extension, info.width, info.height) == (
        "image/heic",
        "heic",
        512,
        512,
    )


def test_the_preview_applies_the_exif_orientation() -> None:
    preview = make_preview(PHOTOS / "chelsea-exif-orientation-6.jpg", size=200)

    with PILImage.open(io.BytesIO(preview)) as image:
        assert image.size == (200, 133)


def test_write_capped_counts_hashes_and_stops_past_the_limit(tmp_path: Path) -> None:
    size, sha256 = write_capped([b"ab", b"c"], tmp_path / "ok", limit=3)
    assert (size, sha256[:8]) == (3, "ba7816bf")

    with pytest.raises(PhotoRejected, match="větší než povolených"):
        write_capped([b"ab", b"cd"], tmp_path / "big", limit=3)
