"""The autopilot: a 16-photo clean order from its webhook to a completed book, no click.

Fixed sizes: one order of one line item with 16 distinct photos (4 of tests/fixtures/photos
in 4 views each, enlarged to print size by the fake photo host), colourings on the fake
RunPod with every job taking 50 s (the real model's warm time; the fake runs jobs
concurrently, as an autoscaling endpoint does), SVGs on the fake Vectorizer.ai, the book
built locally. Two worker processes on the
`io` queue (concurrency 1 each) and one on `cpu` (the book), polling RunPod every
RUNPOD_POLL_INTERVAL (3 s, the default). Prints the wall time from the signed webhook
to the completed book, with its steps, beside the old studio tool's sequential
16 × 50 s = 800 s, and the ratio. Target: at most 90 s.

The intake checks run for real (on the `cpu` worker) once the photos are stored; their
clean verdict queues the autopilot's first pass.

Needs REDIS_URL (bin/bench starts a throw-away Redis when it is unset).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from _common import (
    BASE_DIR,
    current_database_url,
    describe_machine,
    setup_django,
    temporary_database,
)

if TYPE_CHECKING:
    from tests.fakes.runpod import FakeRunPod
    from tests.fakes.vectorizer import FakeVectorizer

PHOTOS = 16
JOB_SECONDS = 50.0
IO_WORKERS = 2
TARGET_SECONDS = 90.0
DEADLINE = 300.0  # seconds; a run that takes longer is reported as failed
PHOTO_FILES = ("chelsea.jpg", "rocket.jpg", "coffee.jpg", "astronaut.jpg")


def start_worker(env: dict[str, str], queue: str, name: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "fotomalovanky", "worker", "-Q", queue]
    command += ["-c", "1", "-P", "prefork", "-l", "WARNING", "-n", f"{name}@%h"]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, start_new_session=True
    )


def wait(check: Callable[[], bool], what: str, deadline: float) -> float:
    """Poll `check` until it holds; the time it first held (monotonic)."""
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"The autopilot did not finish in time (waiting for {what}).")
        time.sleep(0.1)
    return time.monotonic()


def webhook_body(photo_host_url: str) -> bytes:
    from tests.fakes.shopify import fixture

    payload = fixture("webhook_order.json")
    payload["line_items"][0]["variant_title"] = f"Omalovánka / {PHOTOS}"
    payload["line_items"][0]["properties"] = [
        {"name": f"Fotka ({PHOTOS})-{n}", "value": f"{photo_host_url}/print/{name}?view={view}"}
        for n, (view, name) in enumerate(
            [(view, name) for view in range(4) for name in PHOTO_FILES][:PHOTOS], start=1
        )
    ]
    return json.dumps(payload).encode()


def fakes_env(runpod: FakeRunPod, vectorizer: FakeVectorizer) -> dict[str, str]:
    """The workers' settings: the fakes, the paid backends chosen, the autopilot on."""
    from tests.fakes import runpod as fake_runpod
    from tests.fakes import vectorizer as fake_vectorizer

    return {
        "PHOTO_ALLOW_PRIVATE_HOSTS": "true",
        "RUNPOD_API_URL": runpod.api_url,
        "RUNPOD_API_KEY": fake_runpod.API_KEY,
        "RUNPOD_ENDPOINT_ID": fake_runpod.ENDPOINT,
        "COLORING_BACKEND": "runpod",
        "VECTORIZER_URL": vectorizer.endpoint_url,
        "VECTORIZER_API_KEY": fake_vectorizer.API_ID,
        "VECTORIZER_API_SECRET": fake_vectorizer.API_SECRET,
        "VECTORIZER_MODE": "test",
        "VECTORIZE_BACKEND": "vectorizer",
        "AUTOPILOT": "true",
    }


def purge_queues() -> None:
    """Drop messages earlier runs left in both queues (`control.purge` empties only the
    default one), so the workers run this order's tasks alone."""
    from fotomalovanky.celery import app

    with app.connection_for_write() as connection:
        for queue in ("io", "cpu"):
            connection.default_channel.queue_purge(queue)


def run_order(env: dict[str, str], body: bytes, runpod: FakeRunPod) -> dict[str, float]:
    from fotomalovanky.celery import app
    from orders.models import Image, Order
    from processing.models import BookVersion, ColoringVersion, SvgVersion
    from tests.asgi import asgi_call
    from tests.fakes.shopify import webhook_headers

    purge_queues()
    workers = [start_worker(env, "io", f"io{n}") for n in range(IO_WORKERS)]
    workers.append(start_worker(env, "cpu", "cpu"))
    try:
        # Each ping waits up to 1 s for the replies; a worker that never starts ends the run.
        wait(
            lambda: len(app.control.ping(timeout=1.0)) >= len(workers),
            "the workers to start",
            time.monotonic() + 60.0,
        )
        headers = webhook_headers(body, secret="test-webhook-secret", webhook_id="wh-bench")
        started = time.monotonic()
        deadline = time.monotonic() + DEADLINE
        response = asgi_call("POST", "/api/v1/webhooks/shopify", body=body, headers=headers)
        assert response.status_code == 200, response.body
        stored = wait(
            lambda: (
                Image.objects.filter(downloaded_at__isnull=False).count() == PHOTOS
                and Order.objects.filter(status="ready_for_review").exists()
            ),
            "the photos",
            deadline,
        )

        def all_done(model: type) -> Callable[[], bool]:
            rows = model.objects  # type: ignore[attr-defined]
            return lambda: rows.filter(status="completed").count() == PHOTOS

        colourings = wait(all_done(ColoringVersion), "the colourings", deadline)
        svgs = wait(all_done(SvgVersion), "the SVGs", deadline)
        book = wait(
            lambda: BookVersion.objects.filter(status="completed").exists(), "the book", deadline
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    assert ColoringVersion.objects.filter(runpod_submit_attempts=1).count() == PHOTOS
    # The fake stamps each job with time.monotonic() when /run accepted it.
    last_submitted = max(job.created for job in runpod.submissions)
    return {
        "photos stored": stored - started,
        "last job submitted": last_submitted - started,
        "colourings done": colourings - started,
        "SVGs done": svgs - started,
        "book done": book - started,
    }


def main() -> None:
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("autopilot.py needs REDIS_URL (bin/bench provides a throw-away one).")
    os.environ.setdefault("STORAGE_PATH", tempfile.mkdtemp(prefix="fm-bench-"))
    setup_django()
    from django.conf import settings

    from tests.fakes.photos import FakePhotoHost
    from tests.fakes.runpod import FakeRunPod
    from tests.fakes.vectorizer import FakeVectorizer

    photo_host, vectorizer = FakePhotoHost().start(), FakeVectorizer().start()
    runpod = FakeRunPod(job_seconds=JOB_SECONDS).start()
    try:
        with temporary_database():
            env = {
                **os.environ,
                **fakes_env(runpod, vectorizer),
                "DATABASE_URL": current_database_url(),
                "STORAGE_PATH": str(settings.STORAGE_PATH),
            }
            steps = run_order(env, webhook_body(photo_host.url), runpod)
            submitted = len(runpod.submissions)
            print(f"autopilot ({describe_machine()})")
    finally:
        for fake in (photo_host, runpod, vectorizer):
            fake.stop()
    sequential = PHOTOS * JOB_SECONDS
    wall = steps["book done"]
    print(f"  {PHOTOS}-photo clean order, webhook → completed book, RunPod jobs {JOB_SECONDS:g} s")
    print(f"  {IO_WORKERS} io workers + 1 cpu worker, RunPod polled every 3 s")
    for step, seconds in steps.items():
        print(f"    {step:18}: {seconds:6.1f} s")
    print(f"  RunPod jobs submitted: {submitted} (one per photo)")
    print(f"  sequential ({PHOTOS} × {JOB_SECONDS:g} s): {sequential:6.1f} s")
    print(f"  ratio: {sequential / wall:.1f}× faster (target: at most {TARGET_SECONDS:g} s)")


if __name__ == "__main__":
    main()
