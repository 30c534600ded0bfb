"""One shared Redis client per process (a connection pool), for the few direct uses of
Redis beside Celery and Channels: the health check and the webhook drain flag."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


def redis_client() -> redis.Redis:
    """A client of REDIS_URL with short timeouts: callers treat Redis errors as "down"."""
    return _client(settings.REDIS_URL)


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
