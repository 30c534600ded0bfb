"""A ZIP archive written as it is sent: never whole in memory, never on disk.

`zipfile` writes to a sink that cannot seek, so it puts each entry's sizes and CRC in a
data descriptor after the entry's data instead of going back to its header; whatever it
wrote is handed on after every chunk. Memory stays at about one chunk whatever the
archive's size (benchmarks/books.py measures a 200 MB order).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from common.storage import stored_stream

CHUNK = 1024 * 1024
# Already compressed: deflating photos, PNGs and PDFs again costs CPU and saves nothing.
STORED_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif", ".pdf")


@dataclass(frozen=True)
class ZipEntry:
    arcname: str
    chunks: Callable[[], Iterable[bytes]]  # opened only when the entry is written

    @property
    def compress_type(self) -> int:
        stored = self.arcname.lower().endswith(STORED_SUFFIXES)
        return zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED


def stored_file(arcname: str, name: str) -> ZipEntry:
    """An entry whose content is the stored file `name` (local disk or bucket)."""

    def chunks() -> Iterator[bytes]:
        handle = stored_stream(name).handle
        try:
            while chunk := handle.read(CHUNK):
                yield chunk
        finally:
            handle.close()

    return ZipEntry(arcname, chunks)


class _Sink(io.RawIOBase):
    """Collects what zipfile writes until it is taken; cannot seek (see above)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # bytes-like in, count out
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def zip_stream(entries: Iterable[ZipEntry]) -> Iterator[bytes]:
    """The archive of `entries`, chunk by chunk (ZIP64 where needed, UTF-8 names)."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, mode="w", allowZip64=True)
    now = time.localtime()
    stamp = (now.tm_year, now.tm_mon, now.tm_mday, now.tm_hour, now.tm_min, now.tm_sec)
    for entry in entries:
        info = zipfile.ZipInfo(entry.arcname, date_time=stamp)
        info.compress_type = entry.compress_type
        with archive.open(info, mode="w", force_zip64=True) as out:
            for chunk in entry.chunks():
                out.write(chunk)
                yield from _written(sink)
        yield from _written(sink)
    archive.close()  # the central directory
    yield from _written(sink)


def _written(sink: _Sink) -> Iterator[bytes]:
    # Deflate may hold a chunk back: nothing to send then.
    if data := sink.take():
        yield data
