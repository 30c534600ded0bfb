"""A fake photo host (and forward proxy) serving the real test photos and every failure.

Paths:
    /photos/<file>[?ctype=none]   a file from tests/fixtures/photos (no Content-Type if asked)
    /print/<file>[?view=k]        that photo enlarged to print size (short side 1200 px, JPEG):
                                  the test photos are smaller than the intake checks' hold
                                  size; views 1–7 mirror it (1), turn it upside down (2), crop
                                  it to a corner (4) or combine them, for books of more
                                  distinct photos than the fixtures hold
    /status/<code>[?retry_after=] that HTTP status
    /blocked/<file>               403, but served when fetched through the proxy
    /flaky/<n>/<file>             503 for the first n requests of that path, then the file
    /slow/<seconds>/<file>        answers after a delay
    /drop/<file>                  closes the connection without answering
    /redirect?to=<url>            302 to that URL
    /loop/<n>                     redirects for ever
    /big?mb=<n>                   n MB streamed without Content-Length
    /big-declared                 declares a 1 GB Content-Length

The same server is a forward proxy: a request in absolute form (GET http://host/path)
must carry Proxy-Authorization for PROXY_USER/PROXY_PASSWORD, and is answered from the
paths above with blocking switched off.
"""

from __future__ import annotations

import base64
import functools
import io
import mimetypes
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image as PILImage
from PIL import ImageOps

from .server import FakeServer, Reply, Request

PHOTOS = Path(__file__).resolve().parent.parent / "fixtures" / "photos"
PROXY_USER, PROXY_PASSWORD = "proxyuser", "proxy-secret"
mimetypes.add_type("image/heic", ".heic")
PRINT_SHORT_SIDE = 1200


class FakePhotoHost(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.hits: Counter[str] = Counter()
        self.proxied: list[str] = []

    def url_for(self, path: str) -> str:
        return f"{self.url}{path}"

    def handle(self, request: Request) -> Reply:
        via_proxy = request.path.startswith("http://")
        if via_proxy:
            expected = base64.b64encode(f"{PROXY_USER}:{PROXY_PASSWORD}".encode()).decode()
            if request.headers.get("Proxy-Authorization") != f"Basic {expected}":
                return Reply(407, b"proxy auth required", {"Proxy-Authenticate": "Basic"})
            self.proxied.append(request.path)
        path = urlsplit(request.path).path
        self.hits[path] += 1
        return self._route(path, request, via_proxy)

    def _route(self, path: str, request: Request, via_proxy: bool) -> Reply:
        parts = path.strip("/").split("/")
        kind, rest = parts[0], parts[1:]
        if kind == "photos":
            return _file(rest[0], content_type=request.query.get("ctype") != ["none"])
        if kind == "print":
            return _print_size(rest[0], int(request.query.get("view", ["0"])[0]))
        if kind == "status":
            retry = request.query.get("retry_after")
            return Reply(int(rest[0]), b"error", {"Retry-After": retry[0]} if retry else {})
        if kind == "blocked":
            return _file(rest[0]) if via_proxy else Reply(403, b"<html>Access denied</html>")
        if kind == "flaky":
            return Reply(503, b"busy") if self.hits[path] <= int(rest[0]) else _file(rest[1])
        return self._special(kind, rest, request)

    def _special(self, kind: str, rest: list[str], request: Request) -> Reply:
        if kind == "slow":
            reply = _file(rest[1])
            reply.delay = float(rest[0])
            return reply
        if kind == "drop":
            return Reply(drop=True)
        if kind == "redirect":
            return Reply(302, b"", {"Location": request.query["to"][0]})
        if kind == "loop":
            return Reply(302, b"", {"Location": f"/loop/{int(rest[0]) + 1}"})
        if kind == "big":
            megabytes = int(request.query.get("mb", ["60"])[0])
            return Reply(200, _zeros(megabytes), {"Content-Type": "image/jpeg"})
        if kind == "big-declared":
            return Reply(200, b"", {"Content-Type": "image/jpeg", "Content-Length": str(2**30)})
        return Reply(404, b"not found")


def _file(name: str, content_type: bool = True) -> Reply:
    path = PHOTOS / name
    if not path.is_file():
        return Reply(404, b"not found")
    headers = {}
    if content_type:
        headers["Content-Type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Reply(200, path.read_bytes(), headers)


def _print_size(name: str, view: int) -> Reply:
    data = _enlarged(name, view % 8)
    if data is None:
        return Reply(404, b"not found")
    return Reply(200, data, {"Content-Type": "image/jpeg"})


@functools.cache
def _enlarged(name: str, view: int) -> bytes | None:
    path = PHOTOS / name
    if not path.is_file():
        return None
    with PILImage.open(path) as opened:
        photo = ImageOps.exif_transpose(opened).convert("RGB")
    if view & 1:
        photo = ImageOps.mirror(photo)
    if view & 2:
        photo = ImageOps.flip(photo)
    if view & 4:  # a corner's 70 % crop
        w, h = photo.size
        photo = photo.crop((w * 3 // 10, h * 3 // 10, w, h))
    scale = PRINT_SHORT_SIDE / min(photo.size)
    size = (round(photo.width * scale), round(photo.height * scale))
    out = io.BytesIO()
    photo.resize(size, PILImage.Resampling.LANCZOS).save(out, "JPEG", quality=92)
    return out.getvalue()


def _zeros(megabytes: int) -> Iterator[bytes]:
    chunk = b"\0" * 2**20
    for _ in range(megabytes):
        yield chunk
