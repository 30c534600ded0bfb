"""A database outage under a real worker with a RunPod poll in flight: the paid job is
polled again once the database is back and completes; nothing is set to `error`.

The worker reaches PostgreSQL (a database of this test's own, see tests/postgres.py)
through a TCP proxy that the test cuts for longer than the worker's pool timeout, so
its polls really fail with OperationalError, as in the outage that once failed four
of eight paid versions.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import runpod as fake_runpod
from tests.fakes.runpod import FakeRunPod
from tests.fakes.tcp_proxy import tcp_proxy
from tests.live import BASE_DIR, run_python
from tests.postgres import connect, database_url, own_database
from tests.processing.test_drill import Workers, wait_for

pytestmark = pytest.mark.integration
PHOTO = BASE_DIR / "tests" / "fixtures" / "photos" / "chelsea.jpg"
AWAITING = {"runpod_submitted", "runpod_queued", "runpod_processing"}

# Run in a child process on the new database: migrate, then one photo and its RunPod
# colouring, queued as staff would queue it.
SETUP = f"""
import django
django.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from processing import services
from tests import factories
call_command("migrate", verbosity=0)
image = factories.ImageFactory()
image.file.save("chelsea.jpg", ContentFile(open({str(PHOTO)!r}, "rb").read()), save=False)
image.downloaded_at = timezone.now()
image.save()
print(services.coloring_generate(image=image, actor="user:jana").pk)
"""


@pytest.fixture
def database() -> Iterator[dict[str, Any]]:
    with own_database("fm_worker_outage") as config:
        yield config


def environment(settings: Any, runpod: FakeRunPod, url: str, storage: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="fotomalovanky.settings_test",
        DATABASE_URL=url,
        REDIS_URL=settings.REDIS_URL,
        STORAGE_PATH=str(storage),
        RUNPOD_API_URL=runpod.api_url,
        RUNPOD_API_KEY=fake_runpod.API_KEY,
        RUNPOD_ENDPOINT_ID=fake_runpod.ENDPOINT,
        RUNPOD_POLL_INTERVAL="0.5",
        # Shorter than the outage, so every poll during it fails with OperationalError.
        DATABASE_POOL_TIMEOUT="2",
    )
    return env


def queue_version(env: dict[str, str]) -> int:
    return int(run_python(SETUP, env).split()[-1])


def version_row(config: dict[str, Any], pk: int) -> dict[str, Any]:
    with connect(config) as db:
        row = db.execute(
            "SELECT status, error_message, runpod_job_id FROM processing_coloringversion "
            "WHERE id = %s",
            (pk,),
        ).fetchone()
    assert row is not None
    return dict(zip(("status", "error_message", "job"), row, strict=True))


def test_a_poll_in_flight_survives_a_database_outage_and_the_job_completes(
    database: dict[str, Any], runpod: FakeRunPod, settings: Any, tmp_path: Path
) -> None:
    runpod.job_seconds = 10.0
    target = (database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    with tcp_proxy(target) as proxy:
        direct = environment(settings, runpod, database_url(database), tmp_path)
        version = queue_version(direct)
        workers = Workers({**direct, "DATABASE_URL": database_url(database, proxy.port)})
        workers.start()
        try:
            wait_for(lambda: version_row(database, version)["status"] in AWAITING, "a poll")
            proxy.cut()
            polls = runpod.status_calls
            time.sleep(8.0)  # four pool timeouts: the worker's polls fail meanwhile
            proxy.restore()
            wait_for(lambda: version_row(database, version)["status"] == "completed", "done")
        finally:
            workers.stop_all()
    row = version_row(database, version)
    assert row["error_message"] == ""
    assert runpod.status_calls > polls  # polled again after the outage
    assert runpod.run_calls == 1 and row["job"] == runpod.submissions[0].id
    assert json.dumps(row)  # the row is plain data (no lingering connection state)
