"""LOG_FORMAT=json: one JSON object a line on stderr, from web, workers and beat alike.

The formatter on its own, then the real processes (daphne, a Celery worker, Celery
beat) started as in production with the test database and Redis: every line each
writes to stderr must be such an object. What they print on stdout is for people and
stays as Celery and daphne write it: the start-up banners of the worker and beat and
daphne's access log (README, "Logs and errors").
"""

from __future__ import annotations

import json
import logging
import os
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from common.logs import JsonFormatter
from fotomalovanky.celery import app
from tests.live import database_url, free_port, process, wait_for

FIELDS = {"time", "level", "logger", "message", "process", "thread"}
CELERY = [sys.executable, "-m", "celery", "-A", "fotomalovanky"]


def test_a_record_is_one_line_of_json_with_its_exception() -> None:
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        record = logging.LogRecord(
            "orders", logging.ERROR, __file__, 1, "Order %s:\nfailed", ("#1270",), sys.exc_info()
        )

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry.keys() == FIELDS | {"exception"}
    assert (entry["level"], entry["logger"], entry["message"]) == (
        "ERROR",
        "orders",
        "Order #1270:\nfailed",
    )
    assert datetime.fromisoformat(entry["time"]).utcoffset() == timedelta(0)
    assert entry["exception"].startswith("Traceback")
    assert entry["exception"].endswith("ValueError: bad\nvalue")


def test_djangos_records_reach_the_root_handler_alone() -> None:
    # Django's defaults put a console handler of its own on "django" (used while DEBUG is
    # on), which wrote each record a second time and never as JSON.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate


def json_lines(stream: Path) -> list[dict[str, Any]]:
    """Every line of `stream`, each parsed as a log record with all the fields."""
    lines = stream.read_text().splitlines()
    assert lines, f"{stream.name} is empty"
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise AssertionError(f"not JSON in {stream.name}: {line!r}") from None
        assert isinstance(record, dict) and FIELDS <= record.keys(), line
        datetime.fromisoformat(record["time"])
        records.append(record)
    return records


@pytest.fixture
def json_env(settings: Any) -> dict[str, str]:
    """The environment of a process of the app on the test database and Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings_test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "LOG_FORMAT": "json",
        # Celery warns (before any logging is set up) when a worker runs as root, as
        # tests on this machine do; the image and bin/run in production do not.
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
        "PYTHONUNBUFFERED": "1",
    }


def text(stream: Path) -> str:
    return stream.read_text()


@pytest.mark.integration
@pytest.mark.django_db
def test_a_worker_logs_json_also_for_a_task_that_fails(
    json_env: dict[str, str], tmp_path: Path
) -> None:
    app.control.purge()
    command = [*CELERY, "worker", "-Q", "io", "-P", "solo", "-l", "INFO", "--without-mingle"]
    try:
        with process([*command, "-n", "logs@%h"], env=json_env, folder=tmp_path, name="w") as w:
            wait_for(lambda: " ready." in text(w.stderr), "the worker to be ready")
            sent = app.send_task("processing.tasks.processing_recover", kwargs={"unexpected": 1})
            wait_for(lambda: f"{sent.id}] raised unexpected" in text(w.stderr), "the task to fail")
    finally:
        app.control.purge()

    records = json_lines(w.stderr)
    # This task's line: messages other tests left unacknowledged may fail here too.
    failed = next(r for r in records if f"{sent.id}] raised unexpected" in r["message"])
    assert failed["level"] == "ERROR"
    assert "TypeError" in failed["exception"]
    assert "[tasks]" in text(w.stdout)  # the banner


@pytest.mark.integration
@pytest.mark.django_db
def test_beat_logs_json(json_env: dict[str, str], tmp_path: Path) -> None:
    command = [*CELERY, "beat", "-l", "DEBUG", "-s", str(tmp_path / "schedule")]
    with process(command, env=json_env, folder=tmp_path, name="beat") as beat:
        wait_for(lambda: "beat: Waking up" in text(beat.stderr), "beat to tick")

    records = json_lines(beat.stderr)
    assert {"beat: Starting..."} <= {r["message"] for r in records}


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.integration
@pytest.mark.django_db
def test_daphne_logs_json(json_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    daphne = [str(Path(sys.executable).parent / "daphne"), "-b", "127.0.0.1", "-p", str(port)]
    with process(
        [*daphne, "fotomalovanky.asgi:application"], env=json_env, folder=tmp_path, name="web"
    ) as web:
        wait_for(lambda: "Listening on" in text(web.stderr), "daphne to listen")
        assert get(f"http://127.0.0.1:{port}/api/v1/health") == 200
        assert get(f"http://127.0.0.1:{port}/no-such-page/") == 404
        wait_for(lambda: "Not Found" in text(web.stderr), "the 404 to be logged")

    records = json_lines(web.stderr)
    assert {"level": "WARNING", "logger": "django.request"}.items() <= next(
        r for r in records if "Not Found" in r["message"]
    ).items()
    assert "GET /api/v1/health" in text(web.stdout)  # the access log
