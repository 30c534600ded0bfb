"""The tasks: each run twice has one effect; errors are classified; failures end in `error`.

Task bodies are called directly (a transient error then surfaces as itself) or through
`apply()`, which runs Celery's tracer: retries happen and `on_failure` is called.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import InterfaceError, OperationalError

from processing import services, tasks
from processing.errors import ProcessingPermanentError, ProcessingTransientError
from processing.models import ColoringVersion, SvgVersion
from tests import factories
from tests.fakes.runpod import FakeRunPod
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.conftest import completed_coloring, downloaded_image

pytestmark = pytest.mark.django_db


def test_submit_twice_submits_one_job(image: Any, runpod: FakeRunPod) -> None:
    version = services.coloring_generate(image=image, actor="x")

    assert tasks.coloring_runpod_submit(version.pk) == "submitted"
    assert tasks.coloring_runpod_submit(version.pk) == "skipped-runpod_submitted"

    assert len(runpod.submissions) == 1
    assert ColoringVersion.objects.get(pk=version.pk).runpod_submit_attempts == 1


def test_a_version_with_a_stored_job_id_is_never_submitted_again(
    image: Any, runpod: FakeRunPod
) -> None:
    version = factories.ColoringVersionFactory(
        image=image, backend="runpod", status="queued", runpod_job_id="job-known"
    )

    assert tasks.coloring_runpod_submit(version.pk) == "skipped-queued"
    assert runpod.submissions == []


def test_the_same_poll_twice_advances_the_job_once(image: Any, runpod: FakeRunPod) -> None:
    version = services.coloring_generate(image=image, actor="x")
    tasks.coloring_runpod_submit(version.pk)
    seq = ColoringVersion.objects.get(pk=version.pk).runpod_poll_seq

    assert tasks.coloring_runpod_poll(version.pk, seq) == "waiting"
    assert tasks.coloring_runpod_poll(version.pk, seq) == "skipped-runpod_queued"
    assert runpod.status_calls == 1


def test_a_completing_poll_run_twice_completes_once(image: Any, runpod: FakeRunPod) -> None:
    runpod.script_next("COMPLETED")
    version = services.coloring_generate(image=image, actor="x")
    tasks.coloring_runpod_submit(version.pk)
    seq = ColoringVersion.objects.get(pk=version.pk).runpod_poll_seq

    assert tasks.coloring_runpod_poll(version.pk, seq) == "completed"
    assert tasks.coloring_runpod_poll(version.pk, seq) == "skipped-completed"
    version.refresh_from_db()
    assert version.file.storage.listdir(version.file.name.rsplit("/", 1)[0])[1] == [
        f"image_{image.position}.png"
    ]


@pytest.mark.parametrize(
    ("task", "backend"), [(tasks.coloring_local_run, "local"), (tasks.svg_local_run, "local")]
)
def test_local_tasks_run_twice_make_one_file(image: Any, task: Any, backend: str) -> None:
    if task is tasks.coloring_local_run:
        version = services.coloring_generate(image=image, megapixels=0.5, actor="x")
    else:
        completed_coloring(image)
        version = services.svg_generate(image=image, actor="x")

    assert task(version.pk) == "completed"
    assert task(version.pk) == "skipped-completed"

    version.refresh_from_db()
    assert version.backend == backend and version.is_selected
    folder = version.file.name.rsplit("/", 1)[0]
    assert len(version.file.storage.listdir(folder)[1]) == 1


def test_vectorizer_task_run_twice_calls_vectorizer_once(
    image: Any, vectorizer: FakeVectorizer
) -> None:
    completed_coloring(image)
    version = services.svg_generate(image=image, shape_stacking="cutouts", actor="x")

    assert tasks.svg_vectorizer_run(version.pk) == "completed"
    assert tasks.svg_vectorizer_run(version.pk) == "skipped-completed"

    version.refresh_from_db()
    assert len(vectorizer.received) == 1
    assert vectorizer.received[0].fields["output.shape_stacking"] == "cutouts"
    assert version.credits_charged == 0 and version.vectorizer_image_token
    with version.file.open("rb") as svg:
        assert svg.read().startswith(b"<svg")


def test_a_run_500_is_transient_and_the_version_waits_to_be_retried(
    image: Any, runpod: FakeRunPod
) -> None:
    runpod.fail_next_run(500)
    version = services.coloring_generate(image=image, actor="x")

    with pytest.raises(ProcessingTransientError):
        tasks.coloring_runpod_submit(version.pk)

    version.refresh_from_db()
    assert (version.status, version.runpod_interrupted_submits) == ("queued", 0)
    assert tasks.coloring_runpod_submit(version.pk) == "submitted"
    assert len(runpod.submissions) == 1


def test_a_submission_cut_off_after_sending_is_resubmitted_once_then_given_up(
    image: Any, runpod: FakeRunPod, settings: Any
) -> None:
    settings.RUNPOD_RESUBMIT_INTERRUPTED = True  # the shop chose one automatic resubmission
    runpod.fail_next_run("DROP")
    runpod.fail_next_run("DROP")
    version = services.coloring_generate(image=image, actor="x")

    with pytest.raises(ProcessingTransientError):
        tasks.coloring_runpod_submit(version.pk)
    version.refresh_from_db()
    assert (version.status, version.runpod_interrupted_submits) == ("queued", 1)
    assert "odešle se znovu, nejvýše jednou" in version.error_history

    with pytest.raises(ProcessingPermanentError):
        tasks.coloring_runpod_submit(version.pk)
    version.refresh_from_db()
    assert version.status == "error"
    assert "podruhé přerušeno" in version.error_message
    assert tasks.coloring_runpod_submit(version.pk) == "skipped-error"


def test_a_submission_cut_off_after_sending_fails_and_only_a_retry_submits_again(
    image: Any, runpod: FakeRunPod
) -> None:
    runpod.fail_next_run("DROP")  # the request reached RunPod, the answer was lost
    version = services.coloring_generate(image=image, actor="x")

    result = tasks.coloring_runpod_submit.apply(args=(version.pk,))

    assert isinstance(result.result, ProcessingPermanentError)
    version.refresh_from_db()
    assert version.status == "error"
    assert "Úloha na RunPodu už možná běží" in version.error_message
    assert "Zopakovat" in version.error_message
    assert runpod.run_calls == 1
    assert tasks.coloring_runpod_submit(version.pk) == "skipped-error"
    assert runpod.run_calls == 1

    services.version_retry(image=image, version=version, actor="user:jana")
    assert tasks.coloring_runpod_submit(version.pk) == "submitted"
    assert runpod.run_calls == 2  # the second job is staff's deliberate attempt


def test_a_database_outage_never_fails_the_version(image: Any, runpod: FakeRunPod) -> None:
    version = services.coloring_generate(image=image, actor="x")
    services.coloring_runpod_submit(version_id=version.pk)
    version.refresh_from_db()
    assert tasks.coloring_runpod_poll.autoretry_for[-2:] == (OperationalError, InterfaceError)

    # What Celery calls when the retries for "couldn't get a connection" have run out.
    tasks.coloring_runpod_poll.on_failure(
        OperationalError("couldn't get a connection after 10.00 sec"),
        "task-id",
        (version.pk, version.runpod_poll_seq),
        {},
        None,
    )
    stored = ColoringVersion.objects.get(pk=version.pk)
    assert (stored.status, stored.error_message) == ("runpod_submitted", "")


@pytest.mark.parametrize("failure", [401, 413])
def test_permanent_submit_errors_fail_the_version_through_on_failure(
    image: Any, runpod: FakeRunPod, failure: int
) -> None:
    runpod.fail_next_run(failure)
    version = services.coloring_generate(image=image, actor="x")

    result = tasks.coloring_runpod_submit.apply(args=(version.pk,))

    assert isinstance(result.result, ProcessingPermanentError)
    version.refresh_from_db()
    assert version.status == "error"
    assert str(failure) in version.error_message


def test_exhausted_retries_end_in_error_with_the_last_reason(
    image: Any, runpod: FakeRunPod
) -> None:
    for _ in range(tasks.coloring_runpod_submit.max_retries + 1):
        runpod.fail_next_run(503)
    version = services.coloring_generate(image=image, actor="x")

    tasks.coloring_runpod_submit.apply(args=(version.pk,))

    version.refresh_from_db()
    assert version.status == "error"
    assert version.error_message.startswith("Opakované pokusy vyčerpány: RunPod je přetížený")
    assert runpod.submissions == []


def test_a_poll_404_fails_the_version(image: Any, runpod: FakeRunPod) -> None:
    runpod.script_next(404)
    version = services.coloring_generate(image=image, actor="x")
    tasks.coloring_runpod_submit(version.pk)
    version.refresh_from_db()

    tasks.coloring_runpod_poll.apply(args=(version.pk, version.runpod_poll_seq))

    version.refresh_from_db()
    assert version.status == "error" and "nezná (404" in version.error_message


def test_an_unreadable_photo_fails_the_local_version(db: None) -> None:
    image = downloaded_image("not-an-image.jpg")
    version = services.coloring_generate(image=image, actor="x")

    tasks.coloring_local_run.apply(args=(version.pk,))

    version.refresh_from_db()
    assert version.status == "error"
    assert "nelze přečíst jako obrázek" in version.error_message


@pytest.mark.parametrize("failure", [400, 401, 402, "BROKEN"])
def test_permanent_vectorizer_errors_fail_the_svg(
    image: Any, vectorizer: FakeVectorizer, failure: Any
) -> None:
    completed_coloring(image)
    version = services.svg_generate(image=image, actor="x")
    vectorizer.fail_next(failure)

    tasks.svg_vectorizer_run.apply(args=(version.pk,))

    version.refresh_from_db()
    assert version.status == "error" and version.error_message


def test_a_vectorizer_429_puts_the_svg_back_in_the_queue(
    image: Any, vectorizer: FakeVectorizer
) -> None:
    completed_coloring(image)
    version = services.svg_generate(image=image, actor="x")
    vectorizer.fail_next(429)

    with pytest.raises(ProcessingTransientError):
        tasks.svg_vectorizer_run(version.pk)

    assert SvgVersion.objects.get(pk=version.pk).status == "queued"
    assert tasks.svg_vectorizer_run(version.pk) == "completed"


def test_a_vanished_original_ends_in_error(image: Any) -> None:
    version = services.coloring_generate(image=image, actor="x")
    image.file.delete(save=False)  # the original vanished from storage

    tasks.coloring_local_run.apply(args=(version.pk,))

    version.refresh_from_db()
    assert version.status == "error"
    assert "chybí v úložišti" in version.error_message


def test_retries_wait_at_least_as_long_as_retry_after_asks() -> None:
    from processing.tasks import retry_countdown

    asked = ProcessingTransientError("429", retry_after=30.0)
    assert retry_countdown(2.0, asked) == 30.0
    assert retry_countdown(60.0, asked) == 60.0
    assert retry_countdown(2.0, ProcessingTransientError("500")) == 2.0
