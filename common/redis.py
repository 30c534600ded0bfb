"""One shared Redis client per process (a connection pool), for the few direct uses of
Redis beside Celery and Channels: the health check and the webhook drain flag."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


def redis_client(*, timeout: float = 2.0) -> redis.Redis:
    """A client of REDIS_URL with short timeouts (seconds): callers treat Redis errors as
    "down". Its pooled connections stay open, so a command costs one round trip."""
    return _client(settings.REDIS_URL, timeout)


@lru_cache(maxsize=8)
def _client(url: str, timeout: float) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
