"""The health check: does the database answer, does the broker answer?"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "unhealthy", reported below
        return f"{exc.__class__.__name__}: {exc}"
    return None


def _check_broker() -> str | None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"{exc.__class__.__name__}: {exc}"
    finally:
        client.close()
    return None


def health_report() -> tuple[int, dict[str, object]]:
    """200 and "healthy" when the database and the broker answer, else 503 and
    "unhealthy" with `failed` naming what did not; `checks` has each one's result."""
    errors = {"database": _check_database(), "broker": _check_broker()}
    failed = sorted(name for name, error in errors.items() if error)
    body: dict[str, object] = {
        "status": "unhealthy" if failed else "healthy",
        "checks": {name: error or "ok" for name, error in errors.items()},
    }
    if failed:
        body["failed"] = failed
    return (503 if failed else 200), body
