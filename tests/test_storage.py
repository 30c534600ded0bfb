"""common/storage on both backends: the local disk and a real S3 endpoint (moto's server).

Whatever the backend, a stored file reads back the same, a missing one is
FileNotFoundError and a storage that does not answer is StorageUnavailable, soon.
"""

from __future__ import annotations

import time

import pytest

from common.storage import (
    StorageUnavailable,
    is_bucket,
    stored_delete,
    stored_exists,
    stored_presigned_url,
    stored_read,
    stored_save,
    stored_stream,
)
from tests.s3 import S3Bucket

NAME = "7/8/coloring/v1/image_1.png"


def test_a_stored_file_reads_back_and_is_replaced_under_the_same_name(any_storage: str) -> None:
    assert is_bucket() is (any_storage == "s3")

    assert stored_save(NAME, b"first") == NAME
    assert stored_save(NAME, b"second") == NAME  # a re-run overwrites, no "_abc123" copy

    assert stored_read(NAME) == b"second"
    assert stored_exists(NAME)
    stream = stored_stream(NAME)
    assert stream.size == 6 and stream.handle.read() == b"second"
    stream.handle.close()


def test_a_missing_file_is_file_not_found_and_deleting_it_is_fine(any_storage: str) -> None:
    with pytest.raises(FileNotFoundError):
        stored_read("1/2/missing.png")
    with pytest.raises(FileNotFoundError):
        stored_stream("1/2/missing.png")
    assert not stored_exists("1/2/missing.png")
    stored_delete("1/2/missing.png")


def test_objects_are_private_in_the_bucket(s3: S3Bucket) -> None:
    stored_save(NAME, b"photo")

    assert s3.keys() == [NAME]
    grantees = [grant["Grantee"].get("URI", "") for grant in s3.acl_grants(NAME)]
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)


def test_a_presigned_url_is_valid_for_a_minute_and_gives_the_object(s3: S3Bucket) -> None:
    import requests

    stored_save(NAME, b"photo")

    url = stored_presigned_url(NAME, seconds=60)

    assert url.startswith(s3.endpoint) and "X-Amz-Expires=60" in url
    assert requests.get(url, timeout=5).content == b"photo"
    with pytest.raises(FileNotFoundError):
        stored_presigned_url("1/2/missing.png", seconds=60)


def test_an_endpoint_that_is_down_is_storage_unavailable_within_seconds(
    s3_proxied: S3Bucket,
) -> None:
    stored_save(NAME, b"photo")
    s3_proxied.proxy.cut()

    for step in (lambda: stored_read(NAME), lambda: stored_save(NAME, b"x")):
        started = time.monotonic()
        with pytest.raises(StorageUnavailable, match="nedostupné"):
            step()
        assert time.monotonic() - started < 10

    s3_proxied.proxy.restore()
    assert stored_read(NAME) == b"photo"


def test_the_bucket_connection_is_made_once_per_process_not_per_thread(s3: S3Bucket) -> None:
    import threading

    from django.core.files.storage import storages

    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(storages["default"].connection))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 3 and len({id(connection) for connection in seen}) == 1
    assert storages["default"].connection is seen[0]
