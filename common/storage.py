"""Stored files through Django's storage API, on local disk or in an S3-compatible bucket.

Every step that reads or writes a stored file comes through here, so that whatever the
backend, a failure comes out as one of two errors: `FileNotFoundError` (the object is
not there: retrying cannot help) or `StorageUnavailable` (the storage does not answer
now: the disk fails, the S3 endpoint is down or answers 5xx; retrying later can help).
Nothing here assumes that the web process and the workers share a disk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage, storages
from storages.backends.s3 import S3Storage

# S3's answers for a key that is not there (GET says NoSuchKey, HEAD only the status).
MISSING_CODES = {"NoSuchKey", "404", "NotFound"}


class BucketStorage(S3Storage):
    """django-storages' S3Storage with one connection per process instead of per thread.

    Django's ASGI handler runs each request's view in a thread of its own, and
    S3Storage makes a boto3 session for every new thread: 250 ms of every file request
    (benchmarks/storage.py). The boto3 client is thread-safe, and S3Storage already
    shares its Bucket object across threads, so one connection serves them all.
    """

    _connection_lock = threading.Lock()

    @property
    def connection(self) -> Any:
        shared = self.__dict__.get("_shared_connection")
        if shared is None:
            with self._connection_lock:
                shared = self.__dict__.get("_shared_connection")
                if shared is None:
                    shared = self.__dict__["_shared_connection"] = super().connection
        return shared

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_shared_connection", None)
        return state


class StorageUnavailable(Exception):
    """The storage does not answer now. `str(exc)` is a Czech sentence for staff."""


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in MISSING_CODES


@contextmanager
def storage_errors(name: str) -> Iterator[None]:
    """Translate any backend's failure on `name` into FileNotFoundError or StorageUnavailable."""
    try:
        yield
    except FileNotFoundError:
        raise
    except ClientError as exc:
        if _missing(exc):
            raise FileNotFoundError(f"Soubor {name} v úložišti chybí.") from exc
        code = exc.response.get("Error", {}).get("Code", "?")
        raise StorageUnavailable(f"Úložiště souborů odmítlo požadavek ({code}).") from exc
    except (BotoCoreError, OSError) as exc:
        raise StorageUnavailable(f"Úložiště souborů je nedostupné ({exc}).") from exc


def stored_read(name: str) -> bytes:
    """The whole content of a stored file."""
    stream = stored_stream(name)  # from a bucket one GET, not django-storages' HEAD + GET
    with storage_errors(name):
        try:
            data: bytes = stream.handle.read()
        finally:
            stream.handle.close()
    return data


def stored_save(name: str, content: File | bytes) -> str:
    """Store `content` under exactly `name`, replacing what was there.

    Deterministic names: a re-run overwrites instead of piling up "_abc123" copies.
    FileSystemStorage would pick a new name, so the old file is deleted first; a bucket
    overwrites by itself (`file_overwrite`).
    """
    if isinstance(content, bytes):
        content = ContentFile(content)
    with storage_errors(name):
        if not is_bucket():
            default_storage.delete(name)
        saved = default_storage.save(name, content)
    if saved != name:
        raise RuntimeError(f"Storage saved {name} as {saved}")
    return saved


def stored_exists(name: str) -> bool:
    with storage_errors(name):
        return bool(default_storage.exists(name))


def stored_size(name: str) -> int | None:
    """The size of a stored file in bytes, or None when it is not there."""
    try:
        with storage_errors(name):
            return int(default_storage.size(name))
    except FileNotFoundError:
        return None


def stored_delete(name: str) -> None:
    """Remove a stored file; one that is already gone is fine."""
    with storage_errors(name):
        default_storage.delete(name)


@dataclass(frozen=True)
class Stream:
    """An open stored file for a response (read in chunks, then closed) and its size."""

    handle: IO[bytes] | Any
    size: int | None


def stored_stream(name: str) -> Stream:
    """Open a stored file for streaming, without loading it whole.

    From a bucket the object's body is read as it arrives (django-storages' own file
    object would first copy the whole object into memory).
    """
    storage = storages["default"]
    with storage_errors(name):
        if isinstance(storage, S3Storage):
            key = storage._normalize_name(name)
            client = storage.connection.meta.client
            answer = client.get_object(Bucket=storage.bucket_name, Key=key)
            return Stream(answer["Body"], answer.get("ContentLength"))
        return Stream(storage.open(name, "rb"), storage.size(name))


def is_bucket() -> bool:
    """Whether files live in an S3-compatible bucket (else on a local disk)."""
    return isinstance(storages["default"], S3Storage)


def stored_presigned_url(name: str, *, seconds: int, disposition: str = "") -> str:
    """A URL that lets whoever holds it GET the object directly for `seconds` (S3 only);
    the bucket answers it with `disposition` as Content-Disposition when given."""
    storage = storages["default"]
    if not isinstance(storage, S3Storage):
        raise RuntimeError("Presigned URLs need STORAGE_BACKEND=s3.")
    with storage_errors(name):
        if not storage.exists(name):
            raise FileNotFoundError(f"Soubor {name} v úložišti chybí.")
        parameters = {"ResponseContentDisposition": disposition} if disposition else None
        return str(storage.url(name, parameters=parameters, expire=seconds))
