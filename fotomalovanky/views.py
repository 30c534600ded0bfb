"""Project-level views: the health check."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, else 503 naming what failed."""
    errors = {"database": _check_database(), "broker": _check_broker()}
    failed = sorted(name for name, error in errors.items() if error)
    body = {
        "status": "unhealthy" if failed else "healthy",
        "checks": {name: error or "ok" for name, error in errors.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
