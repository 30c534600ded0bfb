"""A fake Vectorizer.ai `/api/v1/vectorize` (reference §14.3).

    fake = FakeVectorizer().start()
    settings.VECTORIZER_URL = fake.url
    fake.fail_next(402)              # or 400, 401, 429, 500, "DROP", "SLOW", "BROKEN"

HTTP Basic auth, multipart with the file part `image` and the documented text fields,
each validated as the real service does (an invalid value is a 400 with the JSON error
shape). A 200 carries an SVG sized like the input PNG, `X-Image-Token` and
`X-Credits-Charged` (0 in the test and preview modes). "SLOW" waits `slow_seconds`
before answering, "BROKEN" answers 200 with a body that is not well-formed SVG.
"""

from __future__ import annotations

import base64
import io
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from PIL import Image

from .local_server import FakeHandler, LocalServer

API_ID = "test-vectorizer-id"
API_SECRET = "test-vectorizer-secret"
ALLOWED = {
    "output.shape_stacking": {"cutouts", "stacked"},
    "output.group_by": {"none", "color", "parent", "layer"},
    "output.parameterized_shapes.flatten": {"true", "false"},
    "mode": {"production", "preview", "test", "test_preview"},
    "output.file_format": {"svg"},
}
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


class FakeVectorizer:
    def __init__(self, *, slow_seconds: float = 3.0) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[Received] = []
        self._failures: deque[Any] = deque()
        self._lock = threading.Lock()
        self.server = LocalServer(VectorizerHandler, self)

    def start(self) -> FakeVectorizer:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        """What VECTORIZER_URL should be."""
        return f"{self.server.base_url}/api/v1/vectorize"

    def fail_next(self, outcome: Any) -> None:
        self._failures.append(outcome)

    def take_failure(self) -> Any:
        with self._lock:
            return self._failures.popleft() if self._failures else None


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


class VectorizerHandler(FakeHandler):
    def _error(self, code: int, message: str, headers: dict | None = None) -> None:
        error = {"error": {"status": code, "code": code * 10 + 1, "message": message}}
        self.send_json(code, error, headers)

    def _authorised(self) -> bool:
        expected = base64.b64encode(f"{API_ID}:{API_SECRET}".encode()).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def do_POST(self) -> None:
        body = self.body()
        if self.path != "/api/v1/vectorize":
            self._error(404, "Not found.")
            return
        if not self._authorised():
            self._error(401, MESSAGES[401], {"WWW-Authenticate": 'Basic realm="API"'})
            return
        failure = self.fake.take_failure()
        if failure is not None and self._fail(failure):
            return
        fields, files = parse_multipart(self.headers["Content-Type"], body)
        invalid = [name for name, value in fields.items() if value not in ALLOWED.get(name, ())]
        if invalid or "image" not in files:
            self._error(400, f"Invalid parameter value: {', '.join(invalid) or 'image'}")
            return
        filename, image = files["image"]
        self.fake.requests.append(Received(fields=fields, image=image, filename=filename))
        free = fields.get("mode", "production") != "production"
        headers = {"X-Image-Token": uuid.uuid4().hex, "X-Credits-Charged": "0" if free else "1.0"}
        self.send(200, svg_for(image), "image/svg+xml", headers)

    def _fail(self, failure: Any) -> bool:
        """Answer with the scripted failure; False when the request should go on."""
        if failure == "DROP":
            self.drop()
        elif failure == "SLOW":
            time.sleep(self.fake.slow_seconds)
            return False
        elif failure == "BROKEN":
            self.send(200, b"<svg><path></svg", "image/svg+xml", {"X-Credits-Charged": "1.0"})
        else:
            headers = {"Retry-After": "2"} if failure == 429 else None
            self._error(failure, MESSAGES.get(failure, "Bad request."), headers)
        return True
