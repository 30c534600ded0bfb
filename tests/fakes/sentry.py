"""A fake Sentry: the envelope endpoint of one project, recording what it receives.

    fake = FakeSentry().start()
    env["SENTRY_DSN"] = fake.dsn      # http://publickey@127.0.0.1:PORT/1
    fake.events()                     # the error events received, parsed

sentry-sdk POSTs envelopes (gzip-compressed unless told otherwise) to
`/api/<project>/envelope/` with its key in `X-Sentry-Auth`; an envelope is a header
line, then items, each a header line and a payload (of `length` bytes, or one line).
Reference: https://develop.sentry.dev/sdk/data-model/envelopes/
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

from .server import FakeServer, Reply, Request

KEY = "publickey"
PROJECT = "1"


def envelope_items(body: bytes) -> Iterator[tuple[dict[str, Any], bytes]]:
    """Each item of an envelope: its header and its payload."""
    _envelope_header, _, rest = body.partition(b"\n")
    while rest:
        line, _, rest = rest.partition(b"\n")
        if not line.strip():
            continue
        header = json.loads(line)
        length = header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length + 1 :]
        yield header, payload


class FakeSentry(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[bytes] = []  # accepted, decompressed

    @property
    def dsn(self) -> str:
        return self.url.replace("http://", f"http://{KEY}@") + f"/{PROJECT}"

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or request.url_path != f"/api/{PROJECT}/envelope/":
            return Reply(404)
        if f"sentry_key={KEY}" not in request.headers.get("X-Sentry-Auth", ""):
            return Reply(401)
        gzipped = request.headers.get("Content-Encoding") == "gzip"
        self.envelopes.append(gzip.decompress(request.body) if gzipped else request.body)
        return Reply(200, b"{}", {"Content-Type": "application/json"})

    def events(self) -> list[dict[str, Any]]:
        """The error events of every accepted envelope."""
        return [
            json.loads(payload)
            for envelope in list(self.envelopes)
            for header, payload in envelope_items(envelope)
            if header.get("type") == "event"
        ]
