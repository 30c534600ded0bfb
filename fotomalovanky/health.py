"""The health check: does the database answer, does the broker answer, does work move on?

A load balancer or monitor asks it every few seconds, so it costs one database query and
one Redis round trip, however many kinds of version and queues there are:

- database: when the in-progress version that changed least recently last changed
  (`processing.selectors.version_oldest_update_in_progress`); that query is also the
  proof that the database answers;
- broker: PING and the length of every Redis list of the Celery queues, in one pipeline.

"degraded" (still 200: the service answers, restarting it would not help) when a version
in progress has not changed for longer than PROCESSING_STALE_RUNNING: the recovery
sweep resumes a running step left that long, every minute, so workers or beat are not
keeping up. "unhealthy" (503) when the database or the broker fails.
"""

from __future__ import annotations

from datetime import datetime

import redis
from django.conf import settings
from django.utils import timezone

from common.redis import redis_client
from fotomalovanky.broker import queue_keys
from processing.selectors import version_oldest_update_in_progress


def _check_database() -> tuple[str | None, datetime | None]:
    """(error or None, the oldest update of a version in progress or None)."""
    try:
        return None, version_oldest_update_in_progress()
    except Exception as exc:  # noqa: BLE001 - any failure means "unhealthy", reported below
        return f"{exc.__class__.__name__}: {exc}", None


def _celery_queues() -> list[str]:
    """Every queue a task is sent to: the default one and those of the routes."""
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def _check_broker() -> tuple[str | None, dict[str, int] | None]:
    """(error or None, messages waiting per queue or None)."""
    queues = _celery_queues()
    lists = [(queue, key) for queue in queues for key in queue_keys(queue)]
    # Not a transaction (no MULTI/EXEC): the commands only need to travel together.
    pipe = redis_client(timeout=1).pipeline(transaction=False)
    pipe.ping()
    for _queue, key in lists:
        pipe.llen(key)
    try:
        _pong, *lengths = pipe.execute()
    except redis.RedisError as exc:
        return f"{exc.__class__.__name__}: {exc}", None
    depths = dict.fromkeys(queues, 0)
    for (queue, _key), length in zip(lists, lengths, strict=True):
        depths[queue] += length
    return None, depths


def _seconds_since(moment: datetime | None) -> float | None:
    # Never negative: updated_at comes from the clock of whichever process saved the row.
    return None if moment is None else max(0.0, (timezone.now() - moment).total_seconds())


def health_report() -> tuple[int, dict[str, object]]:
    """The status code and body of GET /api/v1/health.

    `checks` has each check's result ("ok" or the error), `failed` (only when unhealthy)
    names those that failed, `queues` the messages waiting in each Celery queue (null if
    the broker failed) and `in_progress_unchanged_seconds` how long the in-progress
    version that changed least recently has been unchanged (null if none is in progress
    or the database failed).
    """
    database_error, oldest_update = _check_database()
    broker_error, queues = _check_broker()
    errors = {"database": database_error, "broker": broker_error}
    failed = sorted(name for name, error in errors.items() if error)
    unchanged = _seconds_since(oldest_update)
    stuck = unchanged is not None and unchanged > settings.PROCESSING_STALE_RUNNING
    body: dict[str, object] = {
        "status": "unhealthy" if failed else "degraded" if stuck else "healthy",
        "checks": {name: error or "ok" for name, error in errors.items()},
        "queues": queues,
        "in_progress_unchanged_seconds": None if unchanged is None else int(unchanged),
    }
    if failed:
        body["failed"] = failed
    return (503 if failed else 200), body
