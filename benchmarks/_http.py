"""Serving the app for a benchmark (daphne in a subprocess) and loading it (asyncio client).

The client keeps `concurrency` HTTP/1.1 keep-alive connections busy and records each
request's latency. It is light enough that daphne, not the client, is the bottleneck on
a 2-core machine (it uses one core at most).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from _common import BASE_DIR, percentile

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass
class LoadResult:
    statuses: list[int]
    latencies: list[float]
    elapsed: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    def line(self, name: str) -> str:
        p50, p99 = (percentile(self.latencies, p) * 1000 for p in (50, 99))
        return f"  {name:<26} {self.rps:7.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="_bench_settings",
        PYTHONPATH=f"{BENCH_DIR}:{BASE_DIR}",
        DATABASE_URL=database_url,
        **(extra or {}),
    )
    return env


@contextmanager
def daphne(database_url: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """daphne serving the project (plus /bench/trivial) on a free port; `env` adds settings."""
    port = free_port()
    binary = str(Path(sys.executable).parent / "daphne")
    proc = subprocess.Popen(
        [binary, "-b", "127.0.0.1", "-p", str(port), "fotomalovanky.asgi:application"],
        cwd=BASE_DIR,
        env=server_env(database_url, env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"daphne exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("daphne did not start")


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    await reader.readexactly(length)
    return status


async def _worker(port: int, queue: asyncio.Queue[HttpRequest], result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    host = f"127.0.0.1:{port}"
    try:
        while not queue.empty():
            request = queue.get_nowait()
            started = time.perf_counter()
            writer.write(request.encode(host))
            await writer.drain()
            result.statuses.append(await _read_response(reader))
            result.latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(port: int, requests: Sequence[HttpRequest], concurrency: int) -> LoadResult:
    queue: asyncio.Queue[HttpRequest] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    result = LoadResult([], [], 0.0)
    started = time.perf_counter()
    await asyncio.gather(*(_worker(port, queue, result) for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def load(port: int, requests: Sequence[HttpRequest], concurrency: int = 32) -> LoadResult:
    return asyncio.run(_load(port, requests, concurrency))
