"""The SIGKILL drill: a worker dies mid RunPod job and mid local job; recovery finishes both.

Real worker processes (prefork), real Redis, the real database, the fake RunPod on
loopback. The whole worker process group is killed with SIGKILL, as when a machine
or container dies: no handler runs and the unacknowledged messages stay with Redis
until its visibility timeout (an hour). A second worker and one recovery sweep must
then complete both versions, with exactly one RunPod submission.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile

from fotomalovanky.celery import app
from processing import services
from processing.models import ColoringVersion
from tests.fakes import runpod as fake_runpod
from tests.fakes.runpod import FakeRunPod
from tests.live import Workers, database_url
from tests.processing.conftest import downloaded_image, photo

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
AWAITING = {"runpod_submitted", "runpod_queued", "runpod_processing"}


def worker_env(settings: Any, fake: FakeRunPod) -> dict[str, str]:
    """The test's own database, Redis, storage and fake RunPod, for a worker process."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="fotomalovanky.settings_test",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        STORAGE_PATH=str(settings.STORAGE_PATH),
        RUNPOD_API_URL=fake.api_url,
        RUNPOD_API_KEY=fake_runpod.API_KEY,
        RUNPOD_ENDPOINT_ID=fake_runpod.ENDPOINT,
        RUNPOD_POLL_INTERVAL="0.2",
    )
    return env


@pytest.fixture
def workers(settings: Any, runpod: FakeRunPod) -> Iterator[Workers]:
    app.control.purge()
    pool = Workers(worker_env(settings, runpod))
    yield pool
    pool.stop_all()
    app.control.purge()


def wait_for(check: Callable[[], bool], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def status(pk: int) -> str:
    return ColoringVersion.objects.values_list("status", flat=True).get(pk=pk)


def test_sigkill_mid_runpod_job_and_mid_local_job_then_recovery_completes_both(
    workers: Workers, runpod: FakeRunPod, settings: Any
) -> None:
    runpod.job_seconds = 8.0  # IN_PROGRESS for 8 s after submission, then COMPLETED
    remote = services.coloring_generate(image=downloaded_image(), actor="user:jana")
    settings.COLORING_BACKEND = "local"
    # A large page from a 12 MP photo: the filter runs long enough to be killed mid-way.
    local = services.coloring_generate(
        image=downloaded_image("coffee-12mp.jpg"), megapixels=8, actor="user:jana"
    )
    first = workers.start()

    wait_for(lambda: status(local.pk) == "processing", "the local job to start")
    wait_for(lambda: status(remote.pk) in AWAITING, "the RunPod job id to be stored")
    workers.kill(first)

    assert status(local.pk) == "processing"
    assert status(remote.pk) in AWAITING
    assert len(runpod.submissions) == 1

    workers.start()
    for name in ("QUEUED", "RUNNING", "POLLING"):
        setattr(settings, f"PROCESSING_STALE_{name}", 0)  # everything in progress is stale
    lines = services.processing_recover()

    assert len(lines) == 2, lines
    wait_for(lambda: status(local.pk) == status(remote.pk) == "completed", "both to complete")
    assert len(runpod.submissions) == 1
    local.refresh_from_db()
    remote.refresh_from_db()
    assert local.recoveries == 1 and "přerušeno" in local.error_history
    assert remote.runpod_submit_attempts == 1
    assert remote.runpod_job_id == runpod.submissions[0].id


def test_a_restarted_worker_polls_a_stored_runpod_job_again_within_10_s(
    workers: Workers, runpod: FakeRunPod
) -> None:
    runpod.job_seconds = 12.0
    remote = services.coloring_generate(image=downloaded_image(), actor="user:jana")
    first = workers.start()
    wait_for(lambda: status(remote.pk) in AWAITING, "the RunPod job id to be stored")
    workers.kill(first)  # its scheduled polls stay with Redis for an hour
    job = runpod.submissions[0]
    polls_before = job.polls

    restarted = time.monotonic()
    workers.start()  # no sweep by hand: the worker's own pass at start resumes the job
    wait_for(lambda: job.polls > polls_before, "a poll after the restart", timeout=10.0)
    assert time.monotonic() - restarted < 10.0

    wait_for(lambda: status(remote.pk) == "completed", "the job to complete")
    assert len(runpod.submissions) == 1 and runpod.run_calls == 1


def test_sigkill_mid_book_build_then_recovery_builds_the_book(
    workers: Workers, settings: Any
) -> None:
    from processing.models import BookVersion
    from tests.processing.test_books import book_line_item, selected_svg

    # Large photos: the build runs long enough to be killed mid-way.
    line_item = book_line_item(6, with_svgs=0)
    for image in line_item.images.all():
        image.file.save("big.jpg", ContentFile(photo("coffee-12mp.jpg")), save=True)
        selected_svg(image)
    book = services.book_generate(line_item=line_item, actor="user:jana")
    first = workers.start()

    book_status = lambda: BookVersion.objects.values_list("status", flat=True).get(pk=book.pk)  # noqa: E731
    wait_for(lambda: book_status() == "processing", "the build to start")
    workers.kill(first)
    assert book_status() == "processing"

    workers.start()
    settings.PROCESSING_STALE_RUNNING = 0
    assert len(services.processing_recover()) == 1
    wait_for(lambda: book_status() == "completed", "the book to be built")
    book.refresh_from_db()
    assert book.recoveries == 1 and book.page_count == 6 * 2 + 4
