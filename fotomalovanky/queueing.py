"""Enqueueing Celery tasks after commit, without ever failing the caller.

A worker must never receive the id of a row that is not committed yet, so tasks are
sent from `transaction.on_commit`. If the broker is down, the send fails after a short,
bounded retry (CELERY_TASK_PUBLISH_RETRY_POLICY); that is logged and swallowed: the
row that describes the work is already committed, and the periodic sweeps find work
whose task never arrived.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, **options: Any) -> bool:
    """Send now; return False (and log) when the broker cannot be reached."""
    try:
        task.apply_async(args=args, **options)
    except Exception:  # kombu raises OperationalError and friends; any failure is the same here
        logger.warning(
            "Could not enqueue %s%r; a sweep will pick it up", task.name, args, exc_info=True
        )
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, **options: Any) -> None:
    """Send once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **options), robust=True)
