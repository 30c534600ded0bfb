"""The work of a colouring version: a RunPod job (submit, then short polls) or local line art.

RunPod flow and its guarantees:

    queued ─claim─▶ runpod_submitting ─/run─▶ runpod_submitted ─poll─▶ runpod_queued
           ─poll─▶ runpod_processing ─poll─▶ completed | error

- The claim is a conditional UPDATE from `queued` that also requires an empty job id,
  so a version whose job id is stored is never submitted again.
- The job id is stored in the same UPDATE that leaves `runpod_submitting`. A submission
  cut off in between (worker killed, or a reply lost after the request was sent) is
  resubmitted at most once, and the version's history says so (`submission_interrupted`).
- No worker ever waits on RunPod: each poll is a short task that schedules the next one
  RUNPOD_POLL_INTERVAL later, until a final state or RUNPOD_TIMEOUT after submission
  (then the job is cancelled on RunPod, so it is not paid for, and the version fails).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from orders.models import Order
from processing.backends import (
    ColoringRequest,
    local_coloring_backend,
    runpod_backend,
    runpod_cancel_quietly,
)
from processing.clients.runpod import WAITING, RunPodJob
from processing.errors import (
    ProcessingPermanentError,
    ProcessingTransientError,
    StorageUnavailableError,
)
from processing.kinds import COLORING, RUNPOD_AWAITING
from processing.models import ColoringStatus, ColoringVersion
from processing.pipeline.images import png_verify

from .cancellation import version_cancelled_stop
from .enqueue import runpod_poll_enqueue
from .state import (
    Output,
    claim,
    file_read,
    sync_run,
    transition,
    version_complete,
    version_fail,
    version_load,
)

S = ColoringStatus
AWAITING = RUNPOD_AWAITING
WAITING_STATUS = {"IN_QUEUE": S.RUNPOD_QUEUED, "IN_PROGRESS": S.RUNPOD_PROCESSING}
FAILED_MESSAGES = {
    "FAILED": "RunPod: úloha selhala: {error}",
    "CANCELLED": "RunPod: úloha byla zrušena.",
    "TIMED_OUT": "RunPod: úloha vypršela (TIMED_OUT), žádný worker ji nedokončil včas.",
}


def _request(version: ColoringVersion) -> ColoringRequest:
    image = file_read(version.image.file, what="Originál fotky")
    return ColoringRequest(image=image, megapixels=version.megapixels, steps=version.steps)


def coloring_runpod_submit(*, version_id: int) -> str:
    """Submit the version's RunPod job and schedule its first poll. Safe to run twice.

    Returns "submitted", or "skipped-<status>" when the version was not waiting to start
    (already submitted, done, or taken by another worker). Raises
    ProcessingTransientError (retry later; the version is back in `queued`) and
    ProcessingPermanentError (the task's failure handler sets `error`).
    """
    version = version_load(COLORING, version_id)
    attempts = F("runpod_submit_attempts") + 1
    no_job = {"runpod_job_id": ""}
    if not claim(version, to=S.RUNPOD_SUBMITTING, where=no_job, runpod_submit_attempts=attempts):
        return f"skipped-{version.status}"
    try:
        job_id = runpod_backend().submit(_request(version))
    except ProcessingTransientError as exc:
        if exc.maybe_delivered:
            if submission_interrupted(version, reason=exc.message) == "gave-up":
                raise ProcessingPermanentError(version.error_message) from exc
        else:
            note = f"Odeslání na RunPod selhalo, zkusí se znovu: {exc.message}"
            transition(version, from_statuses={S.RUNPOD_SUBMITTING}, to=S.QUEUED, note=note)
        raise
    return _job_store(version, job_id)


def submission_interrupted(version: ColoringVersion, *, reason: str) -> str:
    """A submission ended without a stored job id, and RunPod may have a job we do not know.

    By default the version fails ("gave-up") with a message saying that a job may already
    run: only staff's "Zopakovat" makes a new, deliberate (and paid) attempt, so a job is
    never paid for twice by accident. With RUNPOD_RESUBMIT_INTERRUPTED the first time the
    version goes back to `queued` to be submitted once more ("resubmit") and only the
    second time fails: at most two jobs, never an endless series.
    """
    # A job may run on RunPod and be billed while we know neither it nor its seconds: the
    # cost is unknown (null), not the zero of a submission that never reached RunPod.
    if not settings.RUNPOD_RESUBMIT_INTERRUPTED:
        version_fail(
            version,
            "Odeslání na RunPod bylo přerušeno před uložením ID úlohy "
            f"({reason}). Úloha na RunPodu už možná běží a platí se, proto se automaticky "
            "neodesílá znovu. Zkontrolujte úlohy na RunPodu a verzi případně zopakujte "
            "tlačítkem Zopakovat.",
            cost=None,
        )
        return "gave-up"
    if version.runpod_interrupted_submits >= 1:
        version_fail(
            version,
            "Odeslání na RunPod bylo podruhé přerušeno před uložením ID úlohy "
            f"({reason}); znovu se neodesílá, aby se úloha neplatila vícekrát. "
            "Zkontrolujte úlohy na RunPodu a verzi případně zopakujte.",
            cost=None,
        )
        return "gave-up"
    transition(
        version,
        from_statuses={S.RUNPOD_SUBMITTING},
        to=S.QUEUED,
        where={"runpod_job_id": ""},
        note="Odeslání na RunPod bylo přerušeno před uložením ID úlohy "
        f"({reason}); odešle se znovu, nejvýše jednou.",
        runpod_interrupted_submits=F("runpod_interrupted_submits") + 1,
    )
    return "resubmit"


def _job_store(version: ColoringVersion, job_id: str) -> str:
    with transaction.atomic():
        stored = transition(
            version,
            from_statuses={S.RUNPOD_SUBMITTING},
            to=S.RUNPOD_SUBMITTED,
            where={"runpod_job_id": ""},
            runpod_job_id=job_id,
            runpod_submitted_at=timezone.now(),
            runpod_poll_seq=F("runpod_poll_seq") + 1,
        )
        if stored:
            runpod_poll_enqueue(version)
            return "submitted"
    # The row moved on while we submitted (the sweep declared this submission
    # interrupted): nobody will ever poll this job, so stop it before it is billed.
    runpod_cancel_quietly(job_id)
    return "orphan-cancelled"


def coloring_runpod_poll(*, version_id: int, poll_seq: int) -> str:
    """Ask RunPod once about the version's job and act on the answer. Safe to run twice.

    Only the poll that carries the version's current `runpod_poll_seq` acts; it advances
    the counter in the same UPDATE that records the new status, so a duplicate poll
    (or a duplicate chain started by recovery) finds a stale number and stops.
    Returns "waiting", "completed", "failed", "timed-out" or "skipped-…". Raises
    ProcessingTransientError (retry this same poll) and ProcessingPermanentError.
    """
    version = version_load(COLORING, version_id)
    if version.status not in AWAITING or version.runpod_poll_seq != poll_seq:
        return f"skipped-{version.status}"
    if version.image.line_item.order.status == Order.Status.CANCELLED:
        # A job submitted just before the cancellation: stop it before it is billed further.
        version_cancelled_stop(version)
        return "cancelled"
    try:
        job = runpod_backend().status(version.runpod_job_id)
    except ProcessingTransientError:
        # The deadline holds even while RunPod's status endpoint is down.
        if _deadline_passed(version):
            return coloring_runpod_timeout(version)
        raise
    where = {"runpod_poll_seq": poll_seq}
    timing: dict[str, Any] = {
        "runpod_execution_ms": job.execution_ms,
        "runpod_delay_ms": job.delay_ms,
    }
    if job.status in WAITING:
        # Checked after asking, so a job that finished just in time is still taken.
        if _deadline_passed(version):
            return coloring_runpod_timeout(version)
        return _job_waiting(version, job, where)
    if job.status == "COMPLETED":
        if job.image is None:
            version_fail(version, "RunPod dokončil úlohu, ale nevrátil obrázek.", **timing)
            return "failed"
        png_verify(job.image)
        return _job_completed(version, job.image, where=where, **timing)
    template = FAILED_MESSAGES.get(job.status, "RunPod vrátil neznámý stav „{status}“.")
    message = template.format(error=job.error or "neznámá chyba", status=job.status)
    version_fail(version, message, **timing)
    return "failed"


def _job_completed(
    version: ColoringVersion, image: bytes, *, where: dict[str, int], **timing: Any
) -> str:
    try:
        done = version_complete(version, from_statuses=AWAITING, data=image, where=where, **timing)
    except StorageUnavailableError as exc:
        # The page is made and paid for: the retried poll (or the sweep's, once the
        # storage is back) fetches it from RunPod again and stores it; nothing is resubmitted.
        note = f"Hotovou omalovánku nelze uložit, zkusí se znovu: {exc.message}"
        transition(
            version,
            from_statuses=AWAITING,
            to=version.status,
            where=where,
            note=note,
            error_message=note,
        )
        raise
    return "completed" if done else "skipped-moved-on"


def _job_waiting(version: ColoringVersion, job: RunPodJob, where: dict[str, int]) -> str:
    with transaction.atomic():
        # Advancing the counter also touches updated_at: the heartbeat recovery watches.
        if not transition(
            version,
            from_statuses=AWAITING,
            to=WAITING_STATUS[job.status],
            where=where,
            runpod_poll_seq=F("runpod_poll_seq") + 1,
        ):
            return "skipped-moved-on"
        runpod_poll_enqueue(version)
    return "waiting"


def _deadline_passed(version: ColoringVersion) -> bool:
    # Counted from submission, stored on the row: a resumed poll does not restart the
    # clock (the old system restarted it on every resume).
    submitted = version.runpod_submitted_at or timezone.now()
    return timezone.now() - submitted > timedelta(seconds=settings.RUNPOD_TIMEOUT)


def coloring_runpod_timeout(version: ColoringVersion) -> str:
    """RUNPOD_TIMEOUT passed since submission: cancel the job on RunPod and fail."""
    runpod_cancel_quietly(version.runpod_job_id)
    version_fail(
        version,
        f"RunPod úlohu nedokončil do {settings.RUNPOD_TIMEOUT:g} s od odeslání; "
        "úloha byla na RunPodu zrušena.",
    )
    return "timed-out"


def coloring_local_run(*, version_id: int) -> str:
    """Make the page with the local line-art filter. Safe to run twice.

    Returns "completed" or "skipped-<status>". Raises ProcessingPermanentError for an
    unusable photo (the task's failure handler sets `error`).
    """
    version = version_load(COLORING, version_id)

    def produce() -> Output:
        return local_coloring_backend().color(_request(version)), {}

    return sync_run(version, working=S.PROCESSING, produce=produce)
