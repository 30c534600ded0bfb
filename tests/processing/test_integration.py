"""End to end on real parts: services → Redis → a real Celery worker → the fakes → storage.

The worker runs in a thread of this process (the `celery_worker` fixture), so the
settings below (fake URLs, a short poll interval, the storage) apply to it as well.
The main paths run once with files on local disk and once in a bucket (`any_storage`);
tests/test_end_to_end.py runs workers in processes of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from processing import services
from processing.models import ColoringVersion, SvgVersion
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.conftest import downloaded_image

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)


def final(model: Any, pk: int) -> Callable[[], bool]:
    return lambda: model.objects.get(pk=pk).status in {"completed", "error"}


def test_runpod_colouring_then_vectorizer_svg_through_a_real_worker(
    any_storage: str,
    celery_worker: Any,
    runpod: FakeRunPod,
    vectorizer: FakeVectorizer,
    settings: Any,
) -> None:
    settings.RUNPOD_POLL_INTERVAL = 0.05
    settings.RUNPOD_PRICE_PER_SECOND = Decimal("0.0071")
    settings.VECTORIZER_MODE, settings.VECTORIZER_PRICE_PER_CREDIT = "production", Decimal("4.6")
    image = downloaded_image("astronaut.heic")

    coloring = services.coloring_generate(image=image, megapixels=2, steps=8, actor="user:jana")
    wait_for(final(ColoringVersion, coloring.pk))
    coloring.refresh_from_db()
    assert coloring.status == "completed", coloring.error_message
    assert coloring.is_selected and coloring.runpod_execution_ms == 4321
    assert coloring.cost == Decimal("0.0307")  # 4.321 s × 0.0071, stored by the worker
    assert len(runpod.submissions) == 1 and runpod.status_calls == 5

    svg = services.svg_generate(image=image, actor="user:jana")
    wait_for(final(SvgVersion, svg.pk))
    svg.refresh_from_db()
    assert svg.status == "completed", svg.error_message
    assert svg.backend == "vectorizer" and svg.coloring_version_id == coloring.pk
    assert len(vectorizer.received) == 1
    assert (svg.credits_charged, svg.cost) == (Decimal("1.0"), Decimal("4.6000"))


def test_local_backends_through_a_real_worker_on_the_cpu_queue(
    any_storage: str, celery_worker: Any, settings: Any
) -> None:
    settings.COLORING_BACKEND, settings.VECTORIZE_BACKEND = "local", "local"
    image = downloaded_image("coffee-cmyk.jpg")

    coloring = services.coloring_generate(image=image, actor="user:jana")
    wait_for(final(ColoringVersion, coloring.pk))
    svg = services.svg_generate(image=image, actor="user:jana")
    wait_for(final(SvgVersion, svg.pk))

    svg.refresh_from_db()
    assert (svg.status, svg.backend, svg.is_selected) == ("completed", "local", True)
    assert svg.cost == 0 and ColoringVersion.objects.get(pk=coloring.pk).cost == 0
    with svg.file.open("rb") as stored:
        assert b"<svg" in stored.read(500)


def test_a_failed_job_ends_in_error_and_retry_makes_a_new_job(
    celery_worker: Any, runpod: FakeRunPod, settings: Any
) -> None:
    settings.RUNPOD_POLL_INTERVAL = 0.05
    image = downloaded_image()
    runpod.script_next("IN_QUEUE", "FAILED")

    version = services.coloring_generate(image=image, actor="user:jana")
    wait_for(final(ColoringVersion, version.pk))
    version.refresh_from_db()
    assert version.status == "error" and "CUDA out of memory" in version.error_message
    dead_job = version.runpod_job_id

    services.version_retry(image=image, version=version, actor="user:jana")
    wait_for(final(ColoringVersion, version.pk))

    version.refresh_from_db()
    assert version.status == "completed"
    assert [job.id for job in runpod.submissions] == [dead_job, version.runpod_job_id]
    assert runpod.jobs[dead_job].polls == 2  # never polled again after the retry
