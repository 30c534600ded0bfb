"""A fake RunPod serverless endpoint (`/run`, `/status/{id}`, `/cancel/{id}`), scriptable per job.

    fake = FakeRunPod().start()
    settings.RUNPOD_API_URL = fake.api_url      # …/v2
    fake.script_next("IN_QUEUE", "FAILED")      # the next submitted job's status replies

A script lists what successive `/status` calls answer; its last entry repeats. Entries:
"IN_QUEUE", "IN_PROGRESS", "COMPLETED", "NESTED" (completed, image under
output.output), "NO_IMAGE", "BAD_IMAGE" (not a PNG), "FAILED", "CANCELLED",
"TIMED_OUT", "WEIRD" (a status RunPod never documented), 404, 500 and "DROP" (the
connection closes without a reply). Without a script a job answers IN_QUEUE ×2,
IN_PROGRESS ×2, then COMPLETED; with `job_seconds` set it is IN_PROGRESS until that
long after submission, then COMPLETED. `fail_next_run(…)` makes the next `/run` answer
401, 429, 500 or "DROP" instead of accepting the job. Bodies over `max_body` get 413.

The output PNG is derived from the input photo (its edges, inverted), so a test can
tell whose job produced a page.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageFilter, ImageOps

from .server import FakeServer, Reply, Request

API_KEY = "test-runpod-key"
ENDPOINT = "fake-endpoint"
DEFAULT_SCRIPT = ("IN_QUEUE", "IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED")
MAX_BODY = 10 * 1000 * 1000
FINISHED = {"COMPLETED", "NESTED", "NO_IMAGE", "BAD_IMAGE"}


@dataclass
class Job:
    id: str
    input: dict[str, Any]
    script: deque[Any]
    created: float = field(default_factory=time.monotonic)
    duration: float | None = None
    cancelled: bool = False
    polls: int = 0

    def next_step(self) -> Any:
        if self.cancelled:
            return "CANCELLED"
        if self.duration is not None:
            done = time.monotonic() - self.created >= self.duration
            return "COMPLETED" if done else "IN_PROGRESS"
        return self.script.popleft() if len(self.script) > 1 else self.script[0]


class FakeRunPod(FakeServer):
    def __init__(self, *, job_seconds: float | None = None, max_body: int = MAX_BODY) -> None:
        super().__init__()
        self.job_seconds = job_seconds
        # The `executionTime` (ms) a finished job reports; a failed one reports 1200.
        self.execution_ms = 4321
        self.max_body = max_body
        self.jobs: dict[str, Job] = {}
        self.submissions: list[Job] = []
        # Every POST /run received, also those answered by a dropped connection (each
        # one may be a job RunPod bills).
        self.run_calls = 0
        self.cancels: list[str] = []
        self.status_calls = 0
        self._scripts: deque[tuple[Any, ...]] = deque()
        self._run_failures: deque[Any] = deque()
        self._lock = threading.Lock()

    @property
    def api_url(self) -> str:
        """What RUNPOD_API_URL should be."""
        return f"{self.url}/v2"

    def script_next(self, *steps: Any) -> None:
        """The status replies of the next submitted job (scripts are used in order)."""
        self._scripts.append(steps)

    def fail_next_run(self, outcome: Any) -> None:
        """The next /run answers this status code (or "DROP") instead of accepting."""
        self._run_failures.append(outcome)

    def handle(self, request: Request) -> Reply:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return _json(401, {"error": "Unauthorized"})
        parts = request.url_path.strip("/").split("/")
        if len(parts) < 3 or parts[:2] != ["v2", ENDPOINT]:
            return _json(404, {"error": "endpoint not found"})
        action, job_id = parts[2], "/".join(parts[3:])
        if request.method == "POST" and action == "run":
            return self._run(request.body)
        job = self.jobs.get(job_id)
        if job is None or (action, request.method) not in {("status", "GET"), ("cancel", "POST")}:
            return _json(404, {"error": "request does not exist"})
        return self._status(job) if action == "status" else self._cancel(job)

    def _run(self, body: bytes) -> Reply:
        with self._lock:
            self.run_calls += 1
            failure = self._run_failures.popleft() if self._run_failures else None
        if failure == "DROP":
            return Reply(drop=True)
        if failure is not None:
            headers = {"Retry-After": "1"} if failure == 429 else {}
            return _json(failure, {"error": f"status {failure}"}, headers)
        if len(body) > self.max_body:
            return _json(413, {"error": "request body too large"})
        with self._lock:
            script = self._scripts.popleft() if self._scripts else DEFAULT_SCRIPT
            job = Job(
                id=f"job-{uuid.uuid4().hex[:12]}",
                input=json.loads(body).get("input", {}),
                script=deque(script),
                duration=self.job_seconds,
            )
            self.jobs[job.id] = job
            self.submissions.append(job)
        return _json(200, {"id": job.id, "status": "IN_QUEUE"})

    def _status(self, job: Job) -> Reply:
        with self._lock:
            self.status_calls += 1
            job.polls += 1
            step = job.next_step()
        if step == "DROP":
            return Reply(drop=True)
        if isinstance(step, int):
            return _json(step, {"error": f"status {step}"})
        body: dict[str, Any] = {"id": job.id, "status": step, "delayTime": 120}
        if step in FINISHED:
            body.update(
                status="COMPLETED", executionTime=self.execution_ms, output=_output(job, step)
            )
        elif step == "FAILED":
            body.update(error="CUDA out of memory", executionTime=1200)
        elif step == "WEIRD":
            body["status"] = "PAUSED"
        return _json(200, body)

    def _cancel(self, job: Job) -> Reply:
        job.cancelled = True
        self.cancels.append(job.id)
        return _json(200, {"id": job.id, "status": "CANCELLED"})


def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(payload).encode()
    return Reply(status, body, {"Content-Type": "application/json", **(headers or {})})


def page_from(image_b64: str) -> bytes:
    """The fake's 'colouring page': the input's edges, dark on white, as PNG."""
    photo = Image.open(io.BytesIO(base64.b64decode(image_b64)))
    photo.thumbnail((512, 512))
    edges = ImageOps.invert(photo.convert("L").filter(ImageFilter.FIND_EDGES))
    buffer = io.BytesIO()
    edges.save(buffer, format="PNG")
    return buffer.getvalue()


def _output(job: Job, step: str) -> dict[str, Any]:
    if step == "NO_IMAGE":
        return {"message": "done"}
    if step == "BAD_IMAGE":
        return {"image": base64.b64encode(b"<html>not a png</html>").decode()}
    image = base64.b64encode(page_from(job.input["image"])).decode()
    return {"output": {"image": image}} if step == "NESTED" else {"image": image}
