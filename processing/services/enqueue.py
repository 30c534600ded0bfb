"""Queueing the tasks that do the work, always after the transaction commits.

Tasks are named, not imported (`common.queueing`): `processing.tasks` imports the
services, and the services never import the tasks.
"""

from __future__ import annotations

from django.conf import settings

from common.queueing import enqueue_on_commit
from processing.models import ColoringVersion, SvgVersion

PREFIX = "processing.tasks."


def version_start_enqueue(version: ColoringVersion | SvgVersion) -> None:
    """Queue the first step of the version's backend once the current transaction commits.

    If the broker is down at that moment the version simply stays `queued`, and the
    recovery sweep queues it again later.
    """
    remote = version.backend in {"runpod", "vectorizer"}
    if isinstance(version, ColoringVersion):
        task = "coloring_runpod_submit" if remote else "coloring_local_run"
    else:
        task = "svg_vectorizer_run" if remote else "svg_local_run"
    enqueue_on_commit(PREFIX + task, version.pk)


def runpod_poll_enqueue(version: ColoringVersion, *, countdown: float | None = None) -> None:
    """Queue the next status poll of the version's RunPod job (after commit).

    The poll carries the `runpod_poll_seq` it expects, so of two polls for the same
    moment only one goes on (see tasks.coloring_runpod_poll).
    """
    delay = settings.RUNPOD_POLL_INTERVAL if countdown is None else countdown
    enqueue_on_commit(
        PREFIX + "coloring_runpod_poll", version.pk, version.runpod_poll_seq, countdown=delay
    )
