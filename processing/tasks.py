"""Celery tasks of the processing app: thin wrappers that take ids and call one service.

Queues (CELERY_TASK_ROUTES in settings): `io`, the default, for work that waits on
the network (RunPod, Vectorizer.ai, the sweep); `cpu` for image work in the worker
(`*_local_run`, `book_build`), so a heavy filter never delays a poll.

Retries: every task retries `ProcessingTransientError` (a storage outage included) and
a database outage (`common.database.DATABASE_UNAVAILABLE`) with exponential backoff and
jitter (`retry_backoff`, capped by `retry_backoff_max`) up to `max_retries` times. The
services put the version back into a state the retry can claim before they raise. When
retries run out, or on a permanent error, a time limit or anything unexpected, the
task's `on_failure` handler sets the version to `error` with a message, so no version
is left in progress (and the recovery sweep catches what even that misses: a killed
worker runs no handler). A database or file-storage outage is never the version's
failure: when its retries run out the version is left as it is (its card says why it
waits), and the sweep resumes it once they are back (a RunPod job already paid for is
polled again, not failed). All tasks are idempotent: acks_late means some run twice.

A worker that starts runs one recovery pass at once (`worker_ready`), so the polls and
messages a killed predecessor held are resumed within seconds, not at the next sweep.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready

from common.database import DATABASE_UNAVAILABLE
from common.queueing import enqueue
from common.storage import StorageUnavailable
from processing import services
from processing.errors import ProcessingTransientError, StorageUnavailableError
from processing.kinds import BOOK, COLORING, SVG
from processing.services import autopilot

logger = logging.getLogger(__name__)


def retry_countdown(countdown: float | None, exc: BaseException | None) -> float | None:
    """The backoff countdown, but never sooner than the service's Retry-After asks."""
    hint = getattr(exc, "retry_after", None)
    if hint is None or countdown is None:
        return countdown
    return max(countdown, hint)


class ProcessingTask(Task):
    """Honours Retry-After (429/503 answers) on top of the exponential backoff."""

    def retry(  # type: ignore[override]  # Celery's own call passes only keywords
        self, *, exc: Exception | None = None, countdown: float | None = None, **options: Any
    ) -> Any:
        return super().retry(exc=exc, countdown=retry_countdown(countdown, exc), **options)


RETRY: dict[str, Any] = {
    "base": ProcessingTask,
    "bind": True,
    "acks_late": True,
    "autoretry_for": (ProcessingTransientError, *DATABASE_UNAVAILABLE),
    "retry_backoff": True,
}


def _version_id(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return int(args[0] if args else kwargs["version_id"])


def _version_task_failure(
    self: Any, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any
) -> None:
    if isinstance(exc, (*DATABASE_UNAVAILABLE, StorageUnavailableError)):
        # Not the version's fault, and the database or the file storage may still be
        # away: the sweep resumes the version once they are back.
        logger.warning(
            "%s for %s %s: %s unavailable, left for recovery",
            self.name,
            self.version_kind,
            args,
            "storage" if isinstance(exc, StorageUnavailableError) else "database",
        )
        return
    # Every version task names its kind (`version_kind`), so one handler serves all kinds.
    outcome = services.version_task_failed(
        kind=self.version_kind, version_id=_version_id(args, kwargs), exc=exc
    )
    logger.warning("%s for %s %s: %s (%s)", self.name, self.version_kind, args, exc, outcome)


def version_task(kind: str, **options: Any) -> dict[str, Any]:
    """The options of a task that works on one version of `kind`: retries as above and
    the failure handler that sets `error`."""
    return {**RETRY, "version_kind": kind, "on_failure": _version_task_failure, **options}


@shared_task(
    **version_task(
        COLORING.name, retry_backoff_max=60, max_retries=5, soft_time_limit=60, time_limit=90
    )
)
def coloring_runpod_submit(self: Any, version_id: int) -> str:
    """Submit the colouring's RunPod job; a version with a job id is never resubmitted."""
    return services.coloring_runpod_submit(version_id=version_id)


@shared_task(
    # A flaky status endpoint is retried for a long while: the RUNPOD_TIMEOUT deadline,
    # checked at the start of every poll, is what bounds the wait, not this count.
    **version_task(
        COLORING.name, retry_backoff_max=30, max_retries=40, soft_time_limit=60, time_limit=75
    )
)
def coloring_runpod_poll(self: Any, version_id: int, poll_seq: int) -> str:
    """Poll the colouring's RunPod job once; schedules the next poll itself."""
    return services.coloring_runpod_poll(version_id=version_id, poll_seq=poll_seq)


@shared_task(
    **version_task(
        COLORING.name, retry_backoff_max=60, max_retries=3, soft_time_limit=90, time_limit=120
    )
)
def coloring_local_run(self: Any, version_id: int) -> str:
    """Make the colouring page with the local OpenCV filter."""
    return services.coloring_local_run(version_id=version_id)


@shared_task(
    # Vectorizer.ai may take up to its 120 s read timeout.
    **version_task(
        SVG.name, retry_backoff_max=120, max_retries=5, soft_time_limit=150, time_limit=180
    )
)
def svg_vectorizer_run(self: Any, version_id: int) -> str:
    """Vectorise the SVG version's source colouring with Vectorizer.ai."""
    return services.svg_vectorizer_run(version_id=version_id)


@shared_task(
    **version_task(
        SVG.name, retry_backoff_max=60, max_retries=3, soft_time_limit=90, time_limit=120
    )
)
def svg_local_run(self: Any, version_id: int) -> str:
    """Vectorise the SVG version's source colouring with vtracer."""
    return services.svg_local_run(version_id=version_id)


@shared_task(
    # A 16-photo book from 12 MP photos takes a few seconds (benchmarks/books.py).
    **version_task(
        BOOK.name, retry_backoff_max=60, max_retries=3, soft_time_limit=150, time_limit=180
    )
)
def book_build(self: Any, version_id: int) -> str:
    """Draw the line item's PDF book from its selected SVGs and photos."""
    return services.book_build(version_id=version_id)


@shared_task(**RETRY, retry_backoff_max=60, max_retries=5, soft_time_limit=120, time_limit=150)
def order_work_stop(self: Any, order_id: int) -> str:
    """End the work of a cancelled order (queued by `order_transitioned`); idempotent."""
    return f"{services.order_work_stop(order_id=order_id)} stopped"


@shared_task(**RETRY, retry_backoff_max=60, max_retries=5, soft_time_limit=120, time_limit=150)
def order_intake_check(self: Any, order_id: int) -> str:
    """Judge the order's stored photos (queued once they are stored); idempotent. A lost
    run is queued again by the recovery sweep."""
    return services.order_intake_check(order_id=order_id)


@shared_task(**RETRY, retry_backoff_max=60, max_retries=5, soft_time_limit=60, time_limit=90)
def order_autopilot_advance(self: Any, order_id: int) -> str:
    """One autopilot pass over the order (queued by its triggers and the sweep)."""
    return autopilot.order_autopilot_advance(order_id=order_id)


@shared_task(**RETRY, retry_backoff_max=30, max_retries=2, soft_time_limit=50, time_limit=60)
def autopilot_sweep(self: Any) -> str:
    """The autopilot's backstop (CELERY_BEAT_SCHEDULE "autopilot-sweep")."""
    return f"{autopilot.autopilot_sweep()} queued"


def _recover_failure(
    self: Any, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any
) -> None:
    # Nothing to mark: the next sweep, a minute later, starts from scratch.
    logger.error("The recovery sweep failed: %s", exc)


@shared_task(
    **RETRY,
    retry_backoff_max=30,
    max_retries=2,
    soft_time_limit=50,
    time_limit=60,
    on_failure=_recover_failure,
)
def processing_recover(self: Any, at_start: bool = False) -> str:
    """The minutely recovery sweep (CELERY_BEAT_SCHEDULE "processing-recover"), and the
    pass a starting worker asks for (`at_start`)."""
    lines = services.processing_recover(at_start=at_start)
    checks = services.intake_checks_recover()
    return f"{len(lines)} resumed, {len(checks)} intake checks queued"


@worker_ready.connect(dispatch_uid="processing.tasks.recover_at_start")
def _recover_at_start(**kwargs: Any) -> None:
    enqueue("processing.tasks.processing_recover", True)


@shared_task(
    bind=True,
    acks_late=True,
    # The storage or the database away: try again later; what was purged stays purged.
    autoretry_for=(StorageUnavailable, *DATABASE_UNAVAILABLE),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1860,
)
def orders_purge_scheduled(self: Any) -> str:
    """The nightly retention run (CELERY_BEAT_SCHEDULE "orders-purge"): "disabled" unless
    PURGE_PHOTOS_ENABLED; idempotent (a purged order is skipped)."""
    return services.orders_purge_scheduled()
