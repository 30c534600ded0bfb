"""Queueing the tasks that do the work, always after the transaction commits.

Tasks are named, not imported (`common.queueing`): `processing.tasks` imports the
services, and the services never import the tasks. Which task starts a version is its
kind's declaration (`processing.kinds`).
"""

from __future__ import annotations

from django.conf import settings

from common.queueing import enqueue_on_commit
from processing.kinds import TASKS, kind_of
from processing.models import ColoringVersion, VersionBase


def version_start_enqueue(version: VersionBase) -> None:
    """Queue the first step of the version's backend once the current transaction commits.

    If the broker is down at that moment the version simply stays `queued`, and the
    recovery sweep queues it again later.
    """
    enqueue_on_commit(kind_of(version).start_task(version), version.pk)


def runpod_poll_enqueue(version: ColoringVersion, *, countdown: float | None = None) -> None:
    """Queue the next status poll of the version's RunPod job (after commit).

    The poll carries the `runpod_poll_seq` it expects, so of two polls for the same
    moment only one goes on (see tasks.coloring_runpod_poll).
    """
    delay = settings.RUNPOD_POLL_INTERVAL if countdown is None else countdown
    enqueue_on_commit(
        TASKS + "coloring_runpod_poll", version.pk, version.runpod_poll_seq, countdown=delay
    )
