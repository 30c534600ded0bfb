"""The processing pipeline: RunPod throughput without waiting workers, and the local backends.

Fixed sizes:
1. 200 colouring versions against the fake RunPod (tests/fakes/runpod.py), each job
   taking 5 s, on ONE worker process (prefork) with concurrency 2 on the "io" queue,
   polling every RUNPOD_POLL_INTERVAL (3 s, the default). Prints the wall time until
   all 200 are `completed` next to what a design that sleeps while polling would need
   on the same two slots (200 × 5 s ÷ 2 = 500 s). Target: under 30 s.
2. The local backends on a 12-megapixel photo (tests/fixtures/photos/coffee-12mp.jpg):
   line art at the default 1 megapixel and vtracer on that page, each in a fresh
   process: median time of 5 runs and peak memory above the process's baseline.
   Targets: colouring under 1.5 s, SVG under 1 s.

Needs REDIS_URL (bin/bench starts a throw-away Redis when it is unset).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from _common import (
    BASE_DIR,
    current_database_url,
    describe_machine,
    setup_django,
    temporary_database,
)

VERSIONS = 200
JOB_SECONDS = 5.0
CONCURRENCY = 2
DEADLINE = 300  # seconds; what is unfinished by then is reported, not waited for
PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "coffee-12mp.jpg"
SMALL_PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "chelsea.jpg"

MEASURE = """
import json, statistics, sys, time
sys.path.insert(0, {base!r})
from processing.pipeline.lineart import line_art
from processing.pipeline.vector import trace

def status_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])

photo = open({photo!r}, "rb").read()
page = open({page!r}, "rb").read() if {kind!r} == "svg" else None
# Reset this process's peak-RSS mark (Linux: "5" > clear_refs), so imports do not count;
# getrusage's ru_maxrss would not do, it keeps the peak of the parent that forked us.
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")
baseline = status_kib("VmRSS")
times = []
for _ in range(5):
    started = time.perf_counter()
    line_art(photo, megapixels=1.0) if {kind!r} == "coloring" else trace(page)
    times.append(time.perf_counter() - started)
peak = status_kib("VmHWM")
print(json.dumps({{"median": statistics.median(times), "extra_kib": max(0, peak - baseline)}}))
"""


def measure_local(kind: str, page: str = "") -> dict[str, float]:
    """Time and peak memory in a fresh process, so nothing else shares its peak."""
    code = MEASURE.format(base=str(BASE_DIR), photo=str(PHOTO), kind=kind, page=page)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "fotomalovanky", "worker", "-Q", "io"]
    command += ["-c", str(CONCURRENCY), "-P", "prefork", "-l", "WARNING", "-n", "bench@%h"]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, start_new_session=True
    )


def wait_until_ready(app: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not app.control.ping(timeout=0.5):  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise SystemExit("The benchmark worker did not start.")


def runpod_throughput() -> tuple[float, int]:
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from fotomalovanky.celery import app
    from processing.models import ColoringVersion
    from processing.services import coloring_generate
    from tests.factories import ImageFactory
    from tests.fakes import runpod as fake_runpod

    fake = fake_runpod.FakeRunPod(job_seconds=JOB_SECONDS).start()
    settings.RUNPOD_API_URL = fake.api_url
    settings.RUNPOD_API_KEY, settings.RUNPOD_ENDPOINT_ID = fake_runpod.API_KEY, fake_runpod.ENDPOINT
    settings.COLORING_BACKEND = "runpod"
    photo = SMALL_PHOTO.read_bytes()
    images = [
        ImageFactory(file=ContentFile(photo, name="p.jpg"), downloaded_at=timezone.now())
        for _ in range(VERSIONS)
    ]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=current_database_url(),
        STORAGE_PATH=str(settings.STORAGE_PATH),
        RUNPOD_API_URL=fake.api_url,
        RUNPOD_API_KEY=fake_runpod.API_KEY,
        RUNPOD_ENDPOINT_ID=fake_runpod.ENDPOINT,
        COLORING_BACKEND="runpod",
    )
    app.control.purge()
    worker = start_worker(env)
    try:
        wait_until_ready(app)
        started = time.perf_counter()
        for image in images:
            coloring_generate(image=image, actor="system")
        done = ColoringVersion.objects.filter(status__in=["completed", "error"])
        deadline = time.monotonic() + DEADLINE
        while done.count() < VERSIONS and time.monotonic() < deadline:
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        fake.stop()
    completed = ColoringVersion.objects.filter(status="completed").count()
    submitted = ColoringVersion.objects.filter(runpod_submit_attempts=1).count()
    assert len(fake.submissions) == submitted == VERSIONS, "each version submitted exactly once"
    return elapsed, completed


def main() -> None:
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("pipeline.py needs REDIS_URL (bin/bench provides a throw-away one).")
    os.environ.setdefault("STORAGE_PATH", tempfile.mkdtemp(prefix="fm-bench-"))
    setup_django()
    with temporary_database():
        elapsed, completed = runpod_throughput()
        print(f"pipeline ({describe_machine()})")
        sleeping = VERSIONS * JOB_SECONDS / CONCURRENCY
        print(f"  RunPod: {VERSIONS} versions, {JOB_SECONDS:g} s jobs, 1 worker × {CONCURRENCY}")
        print(f"    re-scheduled polls: {elapsed:6.1f} s until all final ({completed} completed)")
        print(f"    sleeping polls:     {sleeping:6.1f} s on the same slots (computed)")
        print(f"    ratio: {sleeping / elapsed:.1f}× faster (target: under 30 s)")
    from processing.pipeline.lineart import line_art

    with tempfile.NamedTemporaryFile(suffix=".png") as page:
        page.write(line_art(PHOTO.read_bytes(), megapixels=1.0))
        page.flush()
        coloring, svg = measure_local("coloring"), measure_local("svg", page.name)
    print("  local backends, 12 MP photo (coffee-12mp.jpg), page at 1 MP, median of 5:")
    for name, figures, target in (("line art", coloring, 1.5), ("vtracer", svg, 1.0)):
        peak = figures["extra_kib"] / 1024
        print(
            f"    {name:8}: {figures['median'] * 1000:6.0f} ms, peak +{peak:.0f} MiB"
            f" (target: under {target:g} s)"
        )


if __name__ == "__main__":
    main()
