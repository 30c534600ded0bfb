"""No version stays in progress for ever: the failure handler and the recovery sweep.

- `version_task_failed` is what every task's `on_failure` calls: a permanent error,
  retries exhausted, a time limit or any unexpected exception sets `error` with a
  message staff can read (the old system left such versions in `runpod_*` for ever).
- `processing_recover` runs every minute (beat) and on `manage.py recover_processing`.
  It finds versions in progress whose row has not changed for longer than a threshold,
  per kind and status as each kind declares (`processing.kinds`, `Stale`), and resumes
  each from where it is: queue a version that never started,
  poll a stored RunPod job, run a local or Vectorizer.ai step again; an interrupted
  RunPod submission fails (a job may already run) unless RUNPOD_RESUBMIT_INTERRUPTED
  allows one resubmission. Each resumption is claimed with a conditional
  UPDATE that also requires the row to still be stale, so two sweeps at once (or a
  sweep and a worker that wakes up) never both act.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from processing.errors import ProcessingPermanentError, ProcessingTransientError
from processing.kinds import KINDS, Resume, Stale, VersionKind, kinds
from processing.models import ColoringVersion, VersionStatus

from .coloring import submission_interrupted
from .enqueue import runpod_poll_enqueue, version_start_enqueue
from .state import Version, transition, version_fail

logger = logging.getLogger(__name__)

BATCH = 500  # per rule and sweep; the next sweep a minute later takes the rest


def failure_message(exc: BaseException | None) -> str:
    """The Czech `error_message` for whatever ended a task."""
    if isinstance(exc, ProcessingPermanentError):
        return exc.message
    if isinstance(exc, ProcessingTransientError):
        return f"Opakované pokusy vyčerpány: {exc.message}"
    if isinstance(exc, (SoftTimeLimitExceeded, TimeLimitExceeded)):
        return "Zpracování trvalo příliš dlouho a bylo přerušeno (časový limit úlohy)."
    return f"Neočekávaná chyba ({type(exc).__name__}: {exc})."


def version_task_failed(*, kind: str, version_id: int, exc: BaseException | None) -> str:
    """Set `error` on a version whose task failed for good. Safe to call twice.

    What still runs for it is stopped first, as its kind declares (a colouring's RunPod
    job is cancelled, best effort, so a failed version is not billed further). Returns
    "failed", "already-final" or "missing".
    """
    declared = KINDS[kind]
    try:
        version = declared.load(version_id)
    except declared.model.DoesNotExist:
        return "missing"
    if declared.abandon is not None:
        declared.abandon(version)
    return "failed" if version_fail(version, failure_message(exc)) else "already-final"


def _touch(version: Version, cutoff: datetime, **where: object) -> bool:
    """Claim a stale row for this sweep without changing its status."""
    return transition(
        version,
        from_statuses={version.status},
        to=version.status,
        where={"updated_at__lt": cutoff, **where},
    )


def _requeue(version: Version, cutoff: datetime) -> str:
    # Never started: its message was lost (broker down at commit, a worker killed
    # before it acknowledged). A duplicate message is harmless: the claim decides.
    if not _touch(version, cutoff):
        return ""
    version_start_enqueue(version)
    return "znovu zařazena do fronty"


def _repoll(version: Version, cutoff: datetime) -> str:
    assert isinstance(version, ColoringVersion)
    if not _touch(version, cutoff, runpod_poll_seq=version.runpod_poll_seq):
        return ""
    runpod_poll_enqueue(version, countdown=0)
    return f"dotazování RunPodu obnoveno (úloha {version.runpod_job_id})"


def _restart(version: Version, cutoff: datetime) -> str:
    # A local or Vectorizer.ai step was cut off (worker killed, machine restarted):
    # run it again from the start, but not for ever.
    if version.recoveries >= settings.PROCESSING_MAX_RECOVERIES:
        message = f"Zpracování bylo {version.recoveries}× přerušeno; další pokus se nezkouší."
        return "chyba: opakovaně přerušeno" if version_fail(version, message) else ""
    if not transition(
        version,
        from_statuses={version.status},
        to=VersionStatus.QUEUED,
        where={"updated_at__lt": cutoff},
        note="Zpracování bylo přerušeno; spouští se znovu.",
        recoveries=F("recoveries") + 1,
    ):
        return ""
    version_start_enqueue(version)
    return "přerušené zpracování spuštěno znovu"


def _submission_interrupted(version: Version, cutoff: datetime) -> str:
    assert isinstance(version, ColoringVersion)
    if version.runpod_job_id:  # cannot happen (stored with the status), but if so: poll
        return _repoll(version, cutoff)
    # Claimed (and its row locked) first: a worker that stores a job id now waits for
    # this transaction, then finds the row moved on and cancels its job.
    if not _touch(version, cutoff, runpod_job_id=""):
        return ""
    outcome = submission_interrupted(version, reason="worker skončil uprostřed odesílání")
    if outcome == "resubmit":
        version_start_enqueue(version)
        return "přerušené odeslání na RunPod: odesílá se znovu (jednou)"
    return "přerušené odeslání na RunPod: verze je v chybě, úloha možná běží"


RESUMES: dict[Resume, Callable[[Version, datetime], str]] = {
    Resume.REQUEUE: _requeue,
    Resume.RESTART: _restart,
    Resume.REPOLL: _repoll,
    Resume.SUBMISSION_INTERRUPTED: _submission_interrupted,
}


def processing_recover(*, now: datetime | None = None, at_start: bool = False) -> list[str]:
    """Resume every stale in-progress version of every kind; return one line per version
    acted on. Safe to run at any time and concurrently with itself and with workers.

    `at_start` (a worker has just started, so its predecessor's polls and messages may be
    gone): what is safe to resume at once (`Resume.at_once_on_start`) is resumed without
    waiting for it to go stale, so stored RunPod jobs are polled again within seconds.
    """
    now = now or timezone.now()
    lines = []
    for kind in kinds():
        for rule in kind.stale:
            lines += _recover(kind, rule, now, at_once=at_start and rule.resume.at_once_on_start)
    for line in lines:
        logger.info("Recovery: %s", line)
    return lines


def _recover(kind: VersionKind[Any], rule: Stale, now: datetime, *, at_once: bool) -> list[str]:
    cutoff = now if at_once else now - timedelta(seconds=getattr(settings, rule.after))
    stale = (
        kind.versions()
        .filter(status__in=rule.statuses, updated_at__lt=cutoff)
        .order_by("updated_at")[:BATCH]
    )
    lines = []
    for version in stale:
        with transaction.atomic():
            done = RESUMES[rule.resume](version, cutoff)
        if done:
            number = kind.order_of(version).order_number
            lines.append(f"{number} · {kind.describe(version)}: {done}")
    return lines
