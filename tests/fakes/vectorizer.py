"""A fake Vectorizer.ai `/api/v1/vectorize` (multipart POST, HTTP Basic auth).

    fake = FakeVectorizer().start()
    settings.VECTORIZER_URL = fake.endpoint_url
    fake.fail_next(402)              # or 400, 401, 429, 500, "DROP", "SLOW", "BROKEN"

HTTP Basic auth, multipart with the file part `image` and the documented text fields,
each validated as the real service does (an invalid value is a 400 with the JSON error
shape). A 200 carries an SVG sized like the input PNG, `X-Image-Token` and
`X-Credits-Charged` (1.0 in production, 0.2 in preview, 0 in the test modes, as
Vectorizer.ai bills them). "SLOW" waits `slow_seconds`
before answering, "BROKEN" answers 200 with a body that is not well-formed SVG.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from PIL import Image

from .server import FakeServer, Reply, Request

API_ID = "test-vectorizer-id"
API_SECRET = "test-vectorizer-secret"
ALLOWED = {
    "output.shape_stacking": {"cutouts", "stacked"},
    "output.group_by": {"none", "color", "parent", "layer"},
    "output.parameterized_shapes.flatten": {"true", "false"},
    "mode": {"production", "preview", "test", "test_preview"},
    "output.file_format": {"svg"},
}
CREDITS = {"production": "1.0", "preview": "0.2"}
MESSAGES = {
    401: "Invalid API credentials.",
    402: "Insufficient API credits.",
    429: "Too many requests.",
    500: "Internal server error.",
}


@dataclass
class Received:
    fields: dict[str, str]
    image: bytes
    filename: str


class FakeVectorizer(FakeServer):
    def __init__(self, *, slow_seconds: float = 3.0) -> None:
        super().__init__()
        self.slow_seconds = slow_seconds
        self.received: list[Received] = []
        self._failures: deque[Any] = deque()
        self._lock = threading.Lock()
        # Called once a vectorisation is charged, before the answer leaves: lets a test
        # break something (the file storage) between the paid call and its result.
        self.on_charged: Callable[[], None] | None = None

    @property
    def endpoint_url(self) -> str:
        """What VECTORIZER_URL should be."""
        return f"{self.url}/api/v1/vectorize"

    def fail_next(self, outcome: Any) -> None:
        self._failures.append(outcome)

    def handle(self, request: Request) -> Reply:
        if request.url_path != "/api/v1/vectorize" or request.method != "POST":
            return _error(404, "Not found.")
        expected = base64.b64encode(f"{API_ID}:{API_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return _error(401, MESSAGES[401], {"WWW-Authenticate": 'Basic realm="API"'})
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        delay = self.slow_seconds if failure == "SLOW" else 0.0
        if failure is not None and failure != "SLOW":
            return _failure(failure)
        fields, files = parse_multipart(request.headers["Content-Type"], request.body)
        invalid = [name for name, value in fields.items() if value not in ALLOWED.get(name, ())]
        if invalid or "image" not in files:
            return _error(400, f"Invalid parameter value: {', '.join(invalid) or 'image'}")
        filename, image = files["image"]
        self.received.append(Received(fields=fields, image=image, filename=filename))
        if self.on_charged is not None:
            self.on_charged()
        credits = CREDITS.get(fields.get("mode", "production"), "0")
        headers = {
            "Content-Type": "image/svg+xml",
            "X-Image-Token": uuid.uuid4().hex,
            "X-Credits-Charged": credits,
        }
        return Reply(200, svg_for(image), headers, delay=delay)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    error = {"error": {"status": status, "code": status * 10 + 1, "message": message}}
    body = json.dumps(error).encode()
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def _failure(failure: Any) -> Reply:
    if failure == "DROP":
        return Reply(drop=True)
    if failure == "BROKEN":
        return Reply(200, b"<svg><path></svg", {"Content-Type": "image/svg+xml"})
    headers = {"Retry-After": "2"} if failure == 429 else None
    return _error(failure, MESSAGES.get(failure, "Bad request."), headers)


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files[name] = (part.get_filename(), payload)
        else:
            fields[name] = payload.decode()
    return fields, files


def svg_for(png: bytes) -> bytes:
    width, height = Image.open(io.BytesIO(png)).size
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><path d="M0 0 L{width} {height}" '
        'stroke="#000"/></svg>'
    ).encode()
