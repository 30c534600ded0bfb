"""Each version's cost: the meters (exact Decimals) and the cost reaching the database
through the real services, backends and the fake vendors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from processing import services
from processing.errors import ProcessingPermanentError
from processing.kinds import BOOK, COLORING, SVG
from processing.meters import FREE, RUNPOD_SECONDS, VECTORIZER_CREDITS
from processing.models import ColoringVersion, SvgVersion
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.conftest import completed_coloring
from tests.processing.test_coloring_runpod import poll_after_deadline, poll_until_final, submitted

PRICE_SECOND = Decimal("0.0071")
PRICE_CREDIT = Decimal("4.60")


@pytest.fixture
def prices(settings: Any) -> None:
    settings.RUNPOD_PRICE_PER_SECOND = PRICE_SECOND
    settings.VECTORIZER_PRICE_PER_CREDIT = PRICE_CREDIT


def test_runpod_costs_its_execution_seconds_times_the_price() -> None:
    cost = RUNPOD_SECONDS.cost(units=12345, price=PRICE_SECOND, failed=False, paid_job=True)
    # 12.345 s × 0.0071 = 0.0876495, stored to four places.
    assert cost == Decimal("0.0876")


def test_a_price_with_more_places_is_rounded_half_up_once() -> None:
    cost = RUNPOD_SECONDS.cost(units=12345, price=Decimal("0.01"), failed=False, paid_job=True)
    assert cost == Decimal("0.1235")


@pytest.mark.parametrize(("credits", "expected"), [("1.0", "4.6000"), ("0.2", "0.9200")])
def test_vectorizer_costs_its_credits_times_the_price(credits: str, expected: str) -> None:
    cost = VECTORIZER_CREDITS.cost(
        units=Decimal(credits), price=PRICE_CREDIT, failed=False, paid_job=False
    )
    assert cost == Decimal(expected)


def test_local_work_and_books_cost_zero() -> None:
    assert FREE.cost(units=None, price=Decimal(0), failed=False, paid_job=False) == 0
    assert COLORING.meters["local"] is FREE and SVG.meters["local"] is FREE
    assert BOOK.meters == {"local": FREE}


def test_a_completed_run_without_units_has_an_unknown_cost() -> None:
    assert RUNPOD_SECONDS.cost(units=None, price=PRICE_SECOND, failed=False, paid_job=True) is None


def test_a_failed_run_without_a_paid_job_costs_nothing_and_with_one_is_unknown() -> None:
    never_submitted = RUNPOD_SECONDS.cost(
        units=None, price=PRICE_SECOND, failed=True, paid_job=False
    )
    timed_out = RUNPOD_SECONDS.cost(units=None, price=PRICE_SECOND, failed=True, paid_job=True)
    refused = VECTORIZER_CREDITS.cost(units=None, price=PRICE_CREDIT, failed=True, paid_job=False)
    assert (never_submitted, timed_out, refused) == (Decimal(0), None, Decimal(0))


@pytest.mark.django_db
def test_a_completed_runpod_job_stores_its_cost_through_the_real_backend(
    image: Any, runpod: FakeRunPod, prices: None
) -> None:
    runpod.execution_ms = 12345
    version = submitted(image, runpod, "IN_PROGRESS", "COMPLETED")

    assert poll_until_final(version) == ["waiting", "completed"]
    version.refresh_from_db()
    assert (version.runpod_execution_ms, version.cost) == (12345, Decimal("0.0876"))


@pytest.mark.django_db
def test_a_runpod_job_that_ran_and_failed_still_costs_its_seconds(
    image: Any, runpod: FakeRunPod, prices: None
) -> None:
    version = submitted(image, runpod, "FAILED")

    assert poll_until_final(version) == ["failed"]
    version.refresh_from_db()
    # The fake's failed job ran 1200 ms: 1.2 s × 0.0071.
    assert version.status == "error" and version.cost == Decimal("0.0085")


@pytest.mark.django_db
def test_a_runpod_job_that_timed_out_has_an_unknown_cost(
    image: Any, runpod: FakeRunPod, prices: None, settings: Any
) -> None:
    version = submitted(image, runpod, "IN_PROGRESS")

    assert poll_after_deadline(version, settings) == "timed-out"
    version.refresh_from_db()
    assert version.status == "error" and version.cost is None


@pytest.mark.django_db
def test_a_refused_submission_costs_nothing(
    image: Any, runpod: FakeRunPod, prices: None, settings: Any
) -> None:
    settings.DEBUG, settings.RUNPOD_ALLOW_IN_DEBUG = True, False
    version = services.coloring_generate(image=image, actor="x")

    with pytest.raises(ProcessingPermanentError, match="DEBUG"):
        services.coloring_runpod_submit(version_id=version.pk)
    services.version_task_failed(kind="coloring", version_id=version.pk, exc=None)
    version.refresh_from_db()
    assert version.status == "error" and version.cost == Decimal(0)


@pytest.mark.django_db
def test_a_submission_cut_off_after_it_may_have_reached_runpod_has_an_unknown_cost(
    image: Any, runpod: FakeRunPod, prices: None
) -> None:
    runpod.fail_next_run("DROP")
    version = services.coloring_generate(image=image, actor="x")

    with pytest.raises(ProcessingPermanentError):
        services.coloring_runpod_submit(version_id=version.pk)
    version.refresh_from_db()
    assert version.status == "error" and version.cost is None


@pytest.mark.django_db
def test_a_retried_runpod_version_adds_the_new_run_to_the_failed_one(
    image: Any, runpod: FakeRunPod, prices: None
) -> None:
    version = submitted(image, runpod, "FAILED")
    poll_until_final(version)
    version.refresh_from_db()
    runpod.execution_ms = 12345
    services.version_retry(image=image, version=version, actor="user:jana")
    services.coloring_runpod_submit(version_id=version.pk)

    poll_until_final(version)
    version.refresh_from_db()
    assert version.status == "completed"
    assert version.cost == Decimal("0.0085") + Decimal("0.0876")


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "expected"), [("production", "4.6000"), ("preview", "0.9200")])
def test_a_vectorizer_svg_costs_the_credits_it_was_charged(
    image: Any, vectorizer: FakeVectorizer, prices: None, settings: Any, mode: str, expected: str
) -> None:
    settings.VECTORIZER_MODE = mode
    completed_coloring(image)
    version = services.svg_generate(image=image, actor="x")

    assert services.svg_vectorizer_run(version_id=version.pk) == "completed"
    version = SvgVersion.objects.get(pk=version.pk)
    assert version.credits_charged == Decimal(expected) / PRICE_CREDIT
    assert version.cost == Decimal(expected)


@pytest.mark.django_db
def test_a_refused_vectorizer_call_costs_nothing(
    image: Any, vectorizer: FakeVectorizer, prices: None
) -> None:
    completed_coloring(image)
    version = services.svg_generate(image=image, actor="x")
    vectorizer.fail_next(402)

    with pytest.raises(ProcessingPermanentError):
        services.svg_vectorizer_run(version_id=version.pk)
    services.version_task_failed(kind="svg", version_id=version.pk, exc=None)
    assert SvgVersion.objects.get(pk=version.pk).cost == Decimal(0)


@pytest.mark.django_db
def test_local_colouring_costs_zero(image: Any, prices: None) -> None:
    version = services.coloring_generate(image=image, megapixels=0.5, actor="x")

    assert services.coloring_local_run(version_id=version.pk) == "completed"
    assert ColoringVersion.objects.get(pk=version.pk).cost == Decimal(0)


@pytest.mark.django_db
def test_the_price_of_the_day_stays_with_the_version(
    image: Any, runpod: FakeRunPod, prices: None, settings: Any
) -> None:
    version = submitted(image, runpod, "COMPLETED")
    poll_until_final(version)
    settings.RUNPOD_PRICE_PER_SECOND = Decimal("1")

    version.refresh_from_db()
    assert version.cost == Decimal("0.0307")  # 4.321 s at 0.0071, not at the new price
