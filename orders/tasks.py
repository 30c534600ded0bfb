"""Celery tasks of the orders app: thin wrappers that call one service each.

`manual_drafts_expire` runs from Celery beat (CELERY_BEAT_SCHEDULE) on the default
"io" queue: it only deletes rows and stored files. A database or storage outage is
retried with backoff; what is left then waits for the next hourly run.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from common.database import DATABASE_UNAVAILABLE
from common.storage import StorageUnavailable

from .services.manual import manual_drafts_expire as _expire


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(StorageUnavailable, *DATABASE_UNAVAILABLE),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def manual_drafts_expire(self: Any) -> str:
    return f"deleted={_expire()}"
