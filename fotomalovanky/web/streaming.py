"""Response bodies read as they are sent, under daphne (ASGI) too.

Django's ASGI handler reads a synchronous iterator whole, into a list, before it sends
the first byte (it warns "must consume synchronous iterators"): a FileResponse or a
streamed ZIP would sit in the web process's memory entire. An asynchronous iterator it
sends chunk by chunk, so under ASGI the chunks are pulled one at a time, each in a
worker thread (benchmarks/books.py measures a 200 MB ZIP this way). Under WSGI (and
Django's test client) the synchronous iterator is used as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest

CHUNK = 256 * 1024


class FileChunks:
    """An open file's content in chunks. Closed at the end, or by the response's close()
    (StreamingHttpResponse calls the close() of what it streams), even if never read."""

    def __init__(self, handle: IO[bytes] | Any, size: int = CHUNK) -> None:
        self._handle = handle
        self._size = size

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        chunk: bytes = self._handle.read(self._size)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        self._handle.close()


def streamed(
    request: HttpRequest, chunks: Iterator[bytes]
) -> Iterator[bytes] | AsyncIterator[bytes]:
    """`chunks` as the server that runs `request` sends without buffering them."""
    return _pulled(chunks) if isinstance(request, ASGIRequest) else chunks


def _next_or_none(chunks: Iterator[bytes]) -> bytes | None:
    # StopIteration cannot cross into a coroutine (it would become a RuntimeError).
    return next(chunks, None)


async def _pulled(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    pull = sync_to_async(_next_or_none, thread_sensitive=False)
    try:
        while (chunk := await pull(chunks)) is not None:
            yield chunk
    finally:
        # A client that went away: close what the chunks read from.
        close = getattr(chunks, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=False)()
