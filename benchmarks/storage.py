"""Local disk against an S3 bucket (moto's server on loopback), side by side in one run.

Fixed sizes:
1. A 5 MiB photo served by the staff-only file view of daphne: 200 requests by a
   logged-in staff member over 4 keep-alive connections. Prints requests/s, p50/p99 and
   MB/s per backend and the ratio S3 : local; for S3 also the MEDIA_PRESIGNED redirect
   (the view answers with a URL, the bytes then come from the bucket).
2. One colouring + SVG round trip per backend on a 451×300 photo with the local backends
   (line art, vtracer), run in this process: read the photo, make the page, store it,
   read it, trace it, store the SVG. Median of 5 round trips, and the ratio.

moto keeps objects in memory on the same machine, so the S3 figures show the cost of
the S3 protocol path (boto3, signing, HTTP) rather than a real network's latency.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import describe_machine, setup_django, temporary_database
from _http import HttpRequest, LoadResult, daphne, load

PHOTO_BYTES = 5 * 2**20
REQUESTS, CONCURRENCY = 200, 4
ROUND_TRIPS = 5


def staff_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True})
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def local_backend(root: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The storage config for this process, and the env that gives daphne the same."""
    config = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": root},
    }
    return config, {"STORAGE_BACKEND": "local", "STORAGE_PATH": str(root)}


def bucket_backend(server: Any) -> tuple[dict[str, Any], dict[str, str]]:
    bucket = server.bucket()
    return bucket.storage(), bucket.env()


def serve(env: dict[str, str], name: str, cookie: str) -> LoadResult:
    from _common import current_database_url

    request = HttpRequest("GET", f"/media/{name}", {"Cookie": cookie})
    with daphne(current_database_url(), env) as port:
        load(port, [request] * 10, CONCURRENCY)  # warm-up
        result = load(port, [request] * REQUESTS, CONCURRENCY)
    assert set(result.statuses) == {200 if "MEDIA_PRESIGNED" not in env else 302}, result.statuses
    return result


def round_trip() -> float:
    from django.conf import settings

    from processing import services
    from tests.processing.conftest import downloaded_image

    settings.COLORING_BACKEND = settings.VECTORIZE_BACKEND = "local"
    image = downloaded_image("chelsea.jpg")
    started = time.perf_counter()
    coloring = services.coloring_generate(image=image, actor="bench")
    services.coloring_local_run(version_id=coloring.pk)
    svg = services.svg_generate(image=image, actor="bench")
    assert services.svg_local_run(version_id=svg.pk) == "completed"
    return time.perf_counter() - started


def median(call: Callable[[], float]) -> float:
    return statistics.median(call() for _ in range(ROUND_TRIPS))


def measure(backend: tuple[dict[str, Any], dict[str, str]], cookie: str) -> dict[str, Any]:
    from django.conf import settings
    from django.test import override_settings

    from common.storage import is_bucket, stored_save

    config, env = backend
    # Through override_settings, so Django drops the storage it made from the old value.
    with override_settings(STORAGES={**settings.STORAGES, "default": config}):
        name = stored_save("bench/1/image_1.jpg", os.urandom(PHOTO_BYTES))
        figures: dict[str, Any] = {"served": serve(env, name, cookie)}
        if is_bucket():
            figures["presigned"] = serve({**env, "MEDIA_PRESIGNED": "true"}, name, cookie)
        figures["round_trip"] = median(round_trip)
    return figures


def main() -> None:
    setup_django()
    from tests.s3 import s3_server

    with temporary_database(), tempfile.TemporaryDirectory() as tmp:
        cookie = staff_cookie()
        with s3_server(Path(tmp) / "moto.log") as server:
            local = measure(local_backend(Path(tmp) / "local"), cookie)
            bucket = measure(bucket_backend(server), cookie)
        report(local, bucket)


def report(local: dict[str, Any], bucket: dict[str, Any]) -> None:
    megabytes = PHOTO_BYTES / 1e6
    print(f"Storage: local disk vs S3 (moto) · {describe_machine()}")
    print(
        f"  1. a {PHOTO_BYTES // 2**20} MiB photo through the file view, "
        f"{REQUESTS} requests × {CONCURRENCY} connections"
    )
    for name, result in (
        ("local disk", local["served"]),
        ("S3, streamed", bucket["served"]),
        ("S3, presigned redirect", bucket["presigned"]),
    ):
        throughput = "" if "presigned" in name else f"   {result.rps * megabytes:6.0f} MB/s"
        print(result.line(name) + throughput)
    print(f"     ratio S3 : local (req/s)   {bucket['served'].rps / local['served'].rps:.2f}")
    print(f"  2. one colouring + SVG round trip (local backends), median of {ROUND_TRIPS}")
    print(f"  {'local disk':<26} {local['round_trip'] * 1000:7.0f} ms")
    print(f"  {'S3':<26} {bucket['round_trip'] * 1000:7.0f} ms")
    print(f"     ratio S3 : local           {bucket['round_trip'] / local['round_trip']:.2f}")


if __name__ == "__main__":
    main()
