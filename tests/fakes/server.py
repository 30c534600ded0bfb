"""A tiny threaded HTTP server on 127.0.0.1 for fakes of third-party services.

A fake subclasses FakeServer and implements `handle(request) -> Reply`. Every request
is recorded in `requests`, so tests can assert on what was sent.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # as sent: origin form "/x?y" or, through a proxy, absolute "http://h/x"
    headers: dict[str, str]
    body: bytes

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (slow services)
    drop: bool = False  # close the connection without answering


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            self.command,
            self.path,
            {k: v for k, v in self.headers.items()},
            self.rfile.read(length),
        )
        self.server.fake.requests.append(request)
        reply = self.server.fake.handle(request)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        chunks: Iterable[bytes] = [reply.body] if isinstance(reply.body, bytes) else reply.body
        headers = dict(reply.headers)
        if isinstance(reply.body, bytes):
            headers.setdefault("Content-Length", str(len(reply.body)))
        else:
            self.close_connection = True  # body length unknown: end it by closing
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests assert on `requests`, not on a log of them."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up early (timeouts under test) are expected, not news."""


class FakeServer(ABC):
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @abstractmethod
    def handle(self, request: Request) -> Reply:
        """Each fake answers in its own way."""

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: tuple[type[BaseException], BaseException, TracebackType]) -> None:
        self.stop()


def running(fake: FakeServer) -> Iterator[FakeServer]:
    """For fixtures: `yield from running(FakeX())`."""
    with fake:
        yield fake
