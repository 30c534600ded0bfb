"""The recovery sweep resumes every kind of interrupted work, once, and gives up in time."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.utils import timezone

from processing import services
from processing.models import ColoringVersion, SvgVersion
from processing.services.recovery import failure_message
from tests import factories
from tests.fakes.runpod import FakeRunPod
from tests.processing.conftest import completed_coloring, sent_tasks

pytestmark = pytest.mark.django_db


def stale(version: Any, seconds: int = 3600) -> Any:
    """Pretend nothing touched the row for `seconds`."""
    type(version).objects.filter(pk=version.pk).update(
        updated_at=timezone.now() - timedelta(seconds=seconds)
    )
    version.refresh_from_db()
    return version


def sweep(callbacks_fixture: Any) -> tuple[list[str], list[tuple[str, tuple]]]:
    with callbacks_fixture() as callbacks:
        lines = services.processing_recover()
    return lines, sent_tasks(callbacks)


def test_fresh_rows_are_left_alone(image: Any, django_capture_on_commit_callbacks: Any) -> None:
    factories.ColoringVersionFactory(image=image, status="processing", backend="local")

    assert sweep(django_capture_on_commit_callbacks) == ([], [])


def test_a_queued_version_whose_message_was_lost_is_queued_again(
    image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = stale(factories.ColoringVersionFactory(image=image, backend="local"))

    lines, tasks = sweep(django_capture_on_commit_callbacks)

    assert tasks == [("processing.tasks.coloring_local_run", (version.pk,))]
    assert "znovu zařazena do fronty" in lines[0]
    assert sweep(django_capture_on_commit_callbacks) == ([], [])  # touched: not stale now


def test_an_interrupted_local_step_is_run_again_but_not_for_ever(
    image: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    version = stale(
        factories.ColoringVersionFactory(image=image, backend="local", status="processing")
    )

    _, tasks = sweep(django_capture_on_commit_callbacks)

    version.refresh_from_db()
    assert (version.status, version.recoveries) == ("queued", 1)
    assert tasks == [("processing.tasks.coloring_local_run", (version.pk,))]
    ColoringVersion.objects.filter(pk=version.pk).update(
        status="processing", recoveries=settings.PROCESSING_MAX_RECOVERIES
    )
    stale(version)
    _lines, tasks = sweep(django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.status == "error" and "3× přerušeno" in version.error_message
    assert tasks == []


def test_a_stuck_poll_chain_is_resumed_with_the_stored_job(
    image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = stale(
        factories.ColoringVersionFactory(
            image=image,
            backend="runpod",
            status="runpod_processing",
            runpod_job_id="job-7",
            runpod_poll_seq=5,
        )
    )

    lines, tasks = sweep(django_capture_on_commit_callbacks)

    assert tasks == [("processing.tasks.coloring_runpod_poll", (version.pk, 5))]
    assert "úloha job-7" in lines[0]


def test_an_interrupted_submission_is_resubmitted_once_and_says_so(
    image: Any, runpod: FakeRunPod, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.RUNPOD_RESUBMIT_INTERRUPTED = True  # the shop chose one automatic resubmission
    version = stale(
        factories.ColoringVersionFactory(image=image, backend="runpod", status="runpod_submitting")
    )

    _, tasks = sweep(django_capture_on_commit_callbacks)

    version.refresh_from_db()
    assert (version.status, version.runpod_interrupted_submits) == ("queued", 1)
    assert "přerušeno před uložením ID úlohy" in version.error_history
    assert tasks == [("processing.tasks.coloring_runpod_submit", (version.pk,))]
    assert services.coloring_runpod_submit(version_id=version.pk) == "submitted"
    assert len(runpod.submissions) == 1

    # Interrupted again (a second crash at the same place): no third job.
    ColoringVersion.objects.filter(pk=version.pk).update(
        status="runpod_submitting", runpod_job_id=""
    )
    stale(version)
    _lines, tasks = sweep(django_capture_on_commit_callbacks)
    version.refresh_from_db()
    assert version.status == "error"
    assert "podruhé přerušeno" in version.error_message
    assert tasks == [] and len(runpod.submissions) == 1


def test_an_interrupted_submission_fails_without_a_second_job_by_default(
    image: Any, runpod: FakeRunPod, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    submitting = factories.ColoringVersionFactory(
        image=image, backend="runpod", status="runpod_submitting"
    )
    stale(submitting, settings.PROCESSING_STALE_SUBMITTING - 5)
    assert sweep(django_capture_on_commit_callbacks) == ([], [])  # may still be submitting

    stale(submitting, settings.PROCESSING_STALE_SUBMITTING + 5)
    lines, tasks = sweep(django_capture_on_commit_callbacks)

    submitting.refresh_from_db()
    assert submitting.status == "error"
    assert "Úloha na RunPodu už možná běží" in submitting.error_message
    assert tasks == [] and runpod.run_calls == 0
    assert "verze je v chybě, úloha možná běží" in lines[0]


def test_a_starting_worker_resumes_stored_runpod_jobs_at_once(
    image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    polling = factories.ColoringVersionFactory(
        image=image, version=1, backend="runpod", status="runpod_processing", runpod_job_id="j"
    )
    queued = factories.ColoringVersionFactory(image=image, version=2, backend="local")
    # Possibly still running in another worker: a start never touches these early.
    factories.ColoringVersionFactory(image=image, version=3, status="processing")
    factories.ColoringVersionFactory(image=image, version=4, status="runpod_submitting")
    assert sweep(django_capture_on_commit_callbacks) == ([], [])  # nothing is stale yet

    with django_capture_on_commit_callbacks() as callbacks:
        lines = services.processing_recover(at_start=True)

    assert sent_tasks(callbacks) == [
        ("processing.tasks.coloring_runpod_poll", (polling.pk, polling.runpod_poll_seq)),
    ]
    assert len(lines) == 1
    assert queued.pk not in {args[0] for _, args in sent_tasks(callbacks)}


def test_interrupted_svg_steps_are_run_again(
    image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    source = completed_coloring(image)
    version = stale(
        factories.SvgVersionFactory(
            coloring_version=source, backend="vectorizer", status="vectorizer_processing"
        )
    )

    _lines, tasks = sweep(django_capture_on_commit_callbacks)

    assert SvgVersion.objects.get(pk=version.pk).status == "queued"
    assert tasks == [("processing.tasks.svg_vectorizer_run", (version.pk,))]


def test_the_command_runs_the_sweep_and_prints_what_it_did(image: Any) -> None:
    out = StringIO()
    call_command("recover_processing", stdout=out)
    assert out.getvalue().splitlines() == [
        "Nic k obnovení.",
        "Kontroly fotek znovu zařazeny: 0.",
        "Shopify: webhooks re-queued: 0, stuck downloads resumed: 0, lost downloads queued: 0,"
        " fulfilments re-queued: 0",
    ]

    stale(factories.ColoringVersionFactory(image=image, backend="local"))
    out = StringIO()
    call_command("recover_processing", stdout=out)

    assert "znovu zařazena do fronty" in out.getvalue()
    assert "Obnoveno verzí: 1." in out.getvalue()


def test_failure_messages_name_the_cause() -> None:
    assert "časový limit" in failure_message(SoftTimeLimitExceeded())
    assert failure_message(KeyError("x")) == "Neočekávaná chyba (KeyError: 'x')."


def test_the_failure_handler_cancels_a_live_job_before_failing(
    image: Any, runpod: FakeRunPod
) -> None:
    version = services.coloring_generate(image=image, actor="x")
    services.coloring_runpod_submit(version_id=version.pk)
    version.refresh_from_db()

    outcome = services.version_task_failed(
        kind="coloring", version_id=version.pk, exc=RuntimeError("boom")
    )

    assert outcome == "failed"
    assert runpod.cancels == [version.runpod_job_id]
    assert services.version_task_failed(kind="coloring", version_id=version.pk, exc=None) == (
        "already-final"
    )
