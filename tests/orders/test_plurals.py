"""Czech plurals: 1 fotka, 2–4 fotky, 0 and 5+ fotek (22 stays "fotek" in Czech)."""

from __future__ import annotations

import pytest

from orders.plurals import DAYS, PHOTOS, PHOTOS_ACCUSATIVE, counted, plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 fotek"),
        (1, "1 fotka"),
        (2, "2 fotky"),
        (4, "4 fotky"),
        (5, "5 fotek"),
        (11, "11 fotek"),
        (21, "21 fotek"),
        (22, "22 fotek"),
        (25, "25 fotek"),
    ],
)
def test_photos_take_the_form_their_number_asks_for(count: int, expected: str) -> None:
    assert counted(count, PHOTOS) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "fotek"), (1, "fotku"), (2, "fotky"), (4, "fotky"), (5, "fotek")]
)
def test_the_caller_chooses_the_grammatical_case(count: int, expected: str) -> None:
    assert plural(count, PHOTOS_ACCUSATIVE) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 den"), (3, "3 dny"), (5, "5 dní")])
def test_days_follow_the_same_rule(count: int, expected: str) -> None:
    assert counted(count, DAYS) == expected


def test_a_negative_count_takes_the_form_of_its_size() -> None:
    assert plural(-2, PHOTOS) == "fotky"
