"""Results made but not yet stored, kept in Redis while the file storage is away.

A step that has already paid for its result (a Vectorizer.ai call) and then cannot store
it must not pay again when it is retried: the result waits here, under the version, and
the retry stores it instead of calling the service once more. Kept for a day; a storage
outage longer than that costs a new call, never a lost version.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from common.redis import redis_client
from processing.kinds import kind_of
from processing.models import VersionBase

KEEP_SECONDS = 24 * 3600
# What a backend step produces: the file and extra fields for the completing UPDATE.
Output = tuple[bytes, dict[str, Any]]


def _key(version: VersionBase) -> str:
    return f"fm:unstored:{kind_of(version).name}:{version.pk}"


def result_keep(version: VersionBase, output: Output) -> None:
    """Keep `output` for the version's next attempt (best effort: Redis may be away too)."""
    data, fields = output
    try:
        with redis_client().pipeline() as pipe:
            pipe.hset(_key(version), "data", data)
            pipe.hset(_key(version), "fields", json.dumps(fields, default=str))
            pipe.expire(_key(version), KEEP_SECONDS)
            pipe.execute()
    except redis.RedisError:
        return


def result_kept(version: VersionBase) -> Output | None:
    """The output an earlier attempt made and could not store, if any."""
    try:
        kept: dict[bytes, bytes] = redis_client().hgetall(_key(version))  # type: ignore[assignment]
    except redis.RedisError:
        return None
    if not kept:
        return None
    return kept[b"data"], json.loads(kept[b"fields"])


def result_forget(version: VersionBase) -> None:
    try:
        redis_client().delete(_key(version))
    except redis.RedisError:
        return
