"""Enqueueing Celery tasks after commit, by name, without ever failing the caller.

Services queue work through this module only, naming the task ("processing.tasks.
coloring_local_run") instead of importing it: tasks import services, never the other
way round, so there is no import cycle between them. Routing (which queue) comes from
CELERY_TASK_ROUTES by that name.

A worker must never receive the id of a row that is not committed yet, so tasks are
sent from `transaction.on_commit`. If the broker is down, the send fails after a short,
bounded retry (CELERY_TASK_PUBLISH_RETRY_POLICY); that is logged here, once, and
swallowed: the row that describes the work is already committed, and the periodic
sweeps find work whose task never arrived.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: str, *args: Any, **options: Any) -> bool:
    """Send the task named `task` now; return False (and log) when the broker is down.

    `options` are Celery's `apply_async` options (`countdown`, …).
    """
    try:
        current_app.send_task(task, args=args, **options)
    except Exception:  # kombu raises OperationalError and friends; any failure is the same here
        logger.warning("Could not enqueue %s%r; a sweep will pick it up", task, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task: str, *args: Any, **options: Any) -> None:
    """Send once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(enqueue, task, *args, **options), robust=True)
