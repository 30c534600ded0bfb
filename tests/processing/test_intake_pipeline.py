"""Measuring and judging photos (processing.pipeline.intake), on images made in the test."""

from __future__ import annotations

import pytest

from processing.errors import ProcessingPermanentError
from processing.pipeline.intake import PhotoMeasure, Thresholds, hamming, photo_judge, photo_measure
from tests.processing.conftest import photo
from tests.processing.intake_images import blurred, bright, dark, jpeg, near_copy, scene

LIMITS = Thresholds(
    hold_megapixels=0.15, hold_min_side=600, warn_megapixels=0.5, blur=60, dark=45, bright=225
)


def codes(data: bytes) -> list[str]:
    return [code for code, _params in photo_judge(photo_measure(data), LIMITS)]


def test_a_real_phone_sized_photo_comes_out_clean() -> None:
    measure = photo_measure(photo("coffee-12mp.jpg"))

    assert (measure.width, measure.height) == (4000, 3000)
    assert photo_judge(measure, LIMITS) == []


def test_a_sharp_scene_made_in_the_test_comes_out_clean() -> None:
    assert codes(jpeg(scene())) == []


def test_a_blurred_photo_is_flagged_blurred() -> None:
    assert codes(jpeg(blurred(scene()))) == ["blurred"]


def test_a_dark_photo_is_flagged_too_dark() -> None:
    assert codes(jpeg(dark(scene()))) == ["too_dark"]


def test_a_washed_out_photo_is_flagged_too_bright() -> None:
    assert codes(jpeg(bright(scene()))) == ["too_bright"]


def test_a_tiny_photo_is_only_tiny_with_its_size() -> None:
    found = photo_judge(photo_measure(jpeg(blurred(scene(size=(400, 300))))), LIMITS)

    assert found == [("tiny", {"width": 400, "height": 300})]


def test_a_short_side_under_the_minimum_is_tiny_even_with_enough_megapixels() -> None:
    assert codes(jpeg(scene(size=(2000, 500)))) == ["tiny"]


def test_a_photo_under_the_warning_resolution_is_flagged_with_czech_megapixels() -> None:
    found = photo_judge(photo_measure(jpeg(scene(size=(700, 650)))), LIMITS)

    assert found == [("low_resolution", {"megapixels": "0,46"})]


def test_the_sharpness_figure_does_not_depend_on_the_resolution() -> None:
    big = scene(size=(2400, 1800))
    small = big.resize((1200, 900))

    ratio = photo_measure(jpeg(big)).sharpness / photo_measure(jpeg(small)).sharpness

    assert 0.8 < ratio < 1.25


def test_the_same_photo_resized_and_recompressed_hashes_within_the_distance() -> None:
    original = scene()
    first, again = photo_measure(jpeg(original)), photo_measure(near_copy(original))

    distance = hamming(first.phash, again.phash)

    assert distance <= 5


def test_different_photos_hash_far_apart() -> None:
    first, second = photo_measure(jpeg(scene(1))), photo_measure(jpeg(scene(2)))

    assert len(first.phash) == 16
    assert hamming(first.phash, second.phash) > 12


def test_hamming_counts_differing_bits() -> None:
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("ffffffffffffffff", "0000000000000000") == 64
    assert hamming("00000000000000f1", "0000000000000000") == 5


def test_an_upright_size_is_measured_after_the_exif_orientation() -> None:
    measure = photo_measure(photo("chelsea-exif-orientation-6.jpg"))

    assert (measure.width, measure.height) == (451, 300)


@pytest.mark.parametrize("name", ["truncated.jpg", "not-an-image.jpg", "bomb-400mp.png"])
def test_a_file_that_cannot_be_decoded_raises_a_czech_error(name: str) -> None:
    with pytest.raises(ProcessingPermanentError) as caught:
        photo_measure(photo(name))

    assert "Fotka" in caught.value.message or "Soubor" in caught.value.message


def test_a_transparent_png_is_measured_on_white() -> None:
    measure = photo_measure(photo("chelsea-palette.png"))

    assert isinstance(measure, PhotoMeasure)
    assert 0 < measure.brightness < 255
