"""Queueing the tasks that do the work, always after the transaction commits.

`processing.tasks` imports the services, so the services import the tasks inside
these functions: the one real import cycle in the app (STYLE §12).
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction

from processing.models import ColoringVersion, SvgVersion


def version_start_enqueue(version: ColoringVersion | SvgVersion) -> None:
    """Queue the first step of the version's backend once the current transaction commits.

    Robust: if the broker is down at that moment the version simply stays `queued`,
    and the recovery sweep queues it again later.
    """
    from processing import tasks

    remote = version.backend in {"runpod", "vectorizer"}
    if isinstance(version, ColoringVersion):
        task = tasks.coloring_runpod_submit if remote else tasks.coloring_local_run
    else:
        task = tasks.svg_vectorizer_run if remote else tasks.svg_local_run
    transaction.on_commit(partial(task.delay, version.pk), robust=True)


def runpod_poll_enqueue(version: ColoringVersion, *, countdown: float | None = None) -> None:
    """Queue the next status poll of the version's RunPod job (after commit).

    The poll carries the `runpod_poll_seq` it expects, so of two polls for the same
    moment only one goes on (see tasks.coloring_runpod_poll).
    """
    from processing import tasks

    delay = settings.RUNPOD_POLL_INTERVAL if countdown is None else countdown
    transaction.on_commit(
        partial(
            tasks.coloring_runpod_poll.apply_async,
            (version.pk, version.runpod_poll_seq),
            countdown=delay,
        ),
        robust=True,
    )
