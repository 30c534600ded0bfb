"""The cost settings: prices are Decimals from the environment; a bad price stops start-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_settings import run_python

PRINT_COSTS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([str(settings.RUNPOD_PRICE_PER_SECOND), "
    "str(settings.VECTORIZER_PRICE_PER_CREDIT), settings.COST_CURRENCY, "
    "type(settings.RUNPOD_PRICE_PER_SECOND).__name__]))"
)


def costs(tmp_path: Path, **env: str) -> list[str]:
    result = run_python(["-c", PRINT_COSTS], tmp_path, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_defaults_are_czech_crowns_for_a_24_gb_gpu_and_the_smallest_plan(
    tmp_path: Path,
) -> None:
    assert costs(tmp_path) == ["0.0071", "4.60", "CZK", "Decimal"]


def test_prices_come_from_the_environment_as_exact_decimals(tmp_path: Path) -> None:
    assert costs(
        tmp_path,
        RUNPOD_PRICE_PER_SECOND="0.00031",
        VECTORIZER_PRICE_PER_CREDIT="0.2",
        COST_CURRENCY="USD",
    ) == ["0.00031", "0.2", "USD", "Decimal"]


def test_an_empty_price_means_the_default(tmp_path: Path) -> None:
    assert costs(tmp_path, RUNPOD_PRICE_PER_SECOND=" ")[0] == "0.0071"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("levně", "RUNPOD_PRICE_PER_SECOND must be a number, not 'levně'."),
        ("-1", "RUNPOD_PRICE_PER_SECOND must be a price of zero or more, not '-1'."),
        ("NaN", "RUNPOD_PRICE_PER_SECOND must be a price of zero or more, not 'NaN'."),
    ],
)
def test_a_price_that_is_not_a_price_stops_start_up(
    tmp_path: Path, value: str, message: str
) -> None:
    result = run_python(
        ["manage.py", "check"], tmp_path, DEBUG="true", RUNPOD_PRICE_PER_SECOND=value
    )

    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr
