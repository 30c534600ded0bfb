"""Requests from synchronous tests to the project's real ASGI application (fotomalovanky.asgi).

The Shopify webhook is an ASGI app that daphne routes to ahead of Django, so Django's
test client cannot reach it. `asgi_call` behaves like the test client instead: the work
the app hands to a thread runs on the calling test's thread, inside its transaction
(captured on_commit callbacks included), and the request does not close the test's
connection. (channels' HttpCommunicator leaves that work on a pool thread with its own
connection, as daphne does: fine for transactional async tests, see
tests/shopify_sync/test_webhook_asgi.py.)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from fotomalovanky.asgi import application


@dataclass(frozen=True)
class AsgiResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes
    body_messages: int = 1  # how many `http.response.body` messages carried it

    def json(self) -> Any:
        return json.loads(self.content)

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]


def asgi_call(
    method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
) -> AsgiResponse:
    """One HTTP request; Content-Length is sent as an HTTP client sends it."""
    headers = {"Content-Length": str(len(body)), **(headers or {})}
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    with _test_connection_kept():
        return async_to_sync(_serve)(scope, body)


class _CallingThread(ThreadPoolExecutor):
    """A loop's default executor that runs each call on the thread that called
    async_to_sync (sync_to_async's thread-sensitive mode), not on a pool thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(max_workers=1)
        self._loop = loop

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        call = sync_to_async(fn, thread_sensitive=True)(*args, **kwargs)
        return asyncio.run_coroutine_threadsafe(call, self._loop)


async def _serve(scope: dict[str, Any], body: bytes) -> AsgiResponse:
    # async_to_sync runs this on a loop of its own, closed afterwards: the app's
    # `sync_to_async(..., thread_sensitive=False)` (the loop's default executor) then
    # runs on the test's thread and connection, as Django's test client runs a view.
    loop = asyncio.get_running_loop()
    loop.set_default_executor(_CallingThread(loop))
    sent: list[dict[str, Any]] = []
    requests = [{"type": "http.request", "body": body, "more_body": False}]
    disconnected = asyncio.Event()  # never set: the client stays until the answer

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await application(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return AsgiResponse(
        start["status"],
        {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])},
        b"".join(bodies),
        len(bodies),
    )


@contextmanager
def _test_connection_kept() -> Iterator[None]:
    # What Django's test client does around a request: closing the connection at the
    # request's start or end would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
