"""Serving the app from the test database with daphne (HTTP and WebSockets) in a subprocess.

Tests that drive a real browser or a real WebSocket client need a server in another
process: it reads the test database through DATABASE_URL, shares the test's storage
folder, and talks to the test process over the Redis channel layer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """DATABASE_URL of the database this process uses now (the test database)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{config['NAME']}"


def free_port() -> int:
    """A port nobody listens on (a moment ago): for a server to start, or to refuse."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_python(code: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run `code` in a child Python in the project folder; its stdout (fails on an error)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def reset_connections() -> None:
    """Close the connection and, on PostgreSQL, its pool, so new settings take effect."""
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM a process started in a session of its own, SIGKILL it after 20 s."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Workers:
    """Celery workers in processes of their own (prefork, both queues), like production's.

    `env` is their whole environment: DJANGO_SETTINGS_MODULE, the test's DATABASE_URL
    and REDIS_URL, and whatever the test points them at.
    """

    def __init__(self, env: dict[str, str], log: Path | None = None) -> None:
        self.env = env
        self.log = log
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        name = f"test-{uuid.uuid4().hex[:6]}@%h"
        command = [sys.executable, "-m", "celery", "-A", "fotomalovanky", "worker", "-n", name]
        command += ["-Q", "io,cpu", "-c", "2", "-P", "prefork", "-l", "WARNING"]
        # Without a log, what the worker complains about still shows in the test's output.
        with self.log.open("ab") if self.log else nullcontext() as out:
            proc = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                start_new_session=True,
                stdout=out or subprocess.DEVNULL,
                stderr=out,
            )
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker and its pool children, as when its machine dies."""
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            stop_process_group(proc)


def wait_for(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll `check` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path


@contextmanager
def process(args: list[str], *, env: dict[str, str], folder: Path, name: str) -> Iterator[Process]:
    """`args` run in the project folder, in a session of its own, its stdout and stderr
    each in a file of `folder` (`<name>.out`, `<name>.err`); stopped afterwards."""
    stdout, stderr = folder / f"{name}.out", folder / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=out, stderr=err, start_new_session=True
        )
    try:
        yield Process(proc, stdout, stderr)
    finally:
        stop_process_group(proc)


class DaphneServer:
    """daphne on a fixed free port, which can be stopped and started again (reconnects)."""

    def __init__(self, *, settings_module: str, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url(),
            "PYTHONPATH": str(BASE_DIR),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = str(Path(sys.executable).parent / "daphne")
        args = [binary, "-b", "127.0.0.1", "-p", str(self.port), "fotomalovanky.asgi:application"]
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                args, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_for_port(self.port, self.proc, self.log)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@contextmanager
def daphne(*, settings_module: str, env: dict[str, str], log: Path) -> Iterator[DaphneServer]:
    """A started DaphneServer, stopped afterwards."""
    server = DaphneServer(settings_module=settings_module, env=env, log=log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"daphne did not start:\n{log.read_text()}")
