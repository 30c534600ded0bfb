"""RunPod serverless: submit a job, read its status, cancel it. Plain requests, no SDK.

The `runpod` SDK would add about 100 packages (190 MB: boto3, fastapi, paramiko) and
1.5 s of import time for three HTTP calls. Replies are parsed here into `RunPodJob`; error
mapping is in `_raise_for_status` and `clients._http.network_error`, nowhere else.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from processing.errors import (
    ProcessingPermanentError,
    ProcessingTransientError,
)

from ._http import error_detail, network_error, retry_after, settings_require

SERVICE = "RunPod"
CONNECT_TIMEOUT = 10.0
CANCEL_TIMEOUT = 10.0
# Statuses RunPod reports; anything else is treated as an error ("unknown status").
WAITING = frozenset({"IN_QUEUE", "IN_PROGRESS"})


@dataclass(frozen=True)
class RunPodJob:
    """One `/status` reply. `image` is the decoded PNG bytes of a COMPLETED job, if any."""

    id: str
    status: str
    image: bytes | None = None
    error: str = ""
    execution_ms: int | None = None
    delay_ms: int | None = None


class RunPodClient:
    def __init__(
        self, *, api_url: str, endpoint_id: str, api_key: str, timeout: float = 30.0
    ) -> None:
        self.base = f"{api_url.rstrip('/')}/{endpoint_id}"
        self.headers = {"Authorization": f"Bearer {api_key}"}
        self.timeout = timeout

    # Reference: https://docs.runpod.io/serverless/endpoints/operation-reference#run
    def run(self, *, image: bytes, megapixels: float, steps: int) -> str:
        """Submit a job; return its id. The image goes inline as base64 (no data-URI)."""
        payload = {
            "input": {
                "image": base64.b64encode(image).decode("ascii"),
                "megapixels": megapixels,
                "steps": steps,
            }
        }
        response = self._call("post", "/run", json=payload)
        job_id = _json(response).get("id")
        if not isinstance(job_id, str) or not job_id:
            raise ProcessingPermanentError("RunPod přijal úlohu, ale nevrátil její ID.")
        return job_id

    # Reference: https://docs.runpod.io/serverless/endpoints/operation-reference#status
    def status(self, job_id: str) -> RunPodJob:
        """The job's state; a 404 (unknown or expired job) raises ProcessingPermanentError."""
        return _parse_job(job_id, _json(self._call("get", f"/status/{job_id}", job_id=job_id)))

    # Reference: https://docs.runpod.io/serverless/endpoints/operation-reference#cancel
    def cancel(self, job_id: str) -> None:
        """Ask RunPod to stop a job (so it is not billed further). Raises like the others."""
        self._call("post", f"/cancel/{job_id}", job_id=job_id, timeout=CANCEL_TIMEOUT)

    def _call(
        self, method: str, path: str, *, job_id: str = "", timeout: float = 0, **kw: Any
    ) -> requests.Response:
        try:
            response = requests.request(
                method,
                self.base + path,
                headers=self.headers,
                timeout=(CONNECT_TIMEOUT, timeout or self.timeout),
                **kw,
            )
        except requests.RequestException as exc:
            raise network_error(exc, SERVICE) from exc
        _raise_for_status(response, job_id=job_id)
        return response


def _raise_for_status(response: requests.Response, *, job_id: str) -> None:
    """The one place where RunPod's HTTP answers become our error classes."""
    code = response.status_code
    if code < 400:
        return
    detail = error_detail(response)
    if code in {401, 403}:
        raise ProcessingPermanentError(
            f"RunPod odmítl přihlášení ({code}): zkontrolujte RUNPOD_API_KEY."
        )
    if code == 404 and job_id:
        raise ProcessingPermanentError(
            f"RunPod úlohu {job_id} nezná (404: {detail}); vypršela nebo neexistuje."
        )
    if code == 404:
        raise ProcessingPermanentError(
            f"RunPod endpoint nenalezen (404): zkontrolujte RUNPOD_ENDPOINT_ID ({detail})."
        )
    if code == 413:
        raise ProcessingPermanentError("Fotka je pro RunPod příliš velká (413: limit požadavku).")
    if code == 429 or code >= 500:
        raise ProcessingTransientError(
            f"RunPod je přetížený nebo mimo provoz ({code}: {detail}); zkusíme to znovu.",
            retry_after=retry_after(response),
        )
    raise ProcessingPermanentError(f"RunPod odmítl požadavek ({code}: {detail}).")


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise ProcessingTransientError("RunPod odpověděl něčím, co není JSON.") from exc
    if not isinstance(body, dict):
        raise ProcessingTransientError("RunPod odpověděl neočekávaným JSON.")
    return body


def _parse_job(job_id: str, body: dict[str, Any]) -> RunPodJob:
    status = str(body.get("status", ""))
    output = body.get("output")
    # Some handlers wrap their result once more: {"output": {"output": {"image": …}}}.
    if isinstance(output, dict) and isinstance(output.get("output"), dict):
        output = output["output"]
    image = None
    if status == "COMPLETED" and isinstance(output, dict) and output.get("image"):
        image = _decode_image(output["image"])
    return RunPodJob(
        id=str(body.get("id", job_id)),
        status=status,
        image=image,
        error=str(body.get("error") or ""),
        execution_ms=_milliseconds(body.get("executionTime")),
        delay_ms=_milliseconds(body.get("delayTime")),
    )


def _decode_image(value: object) -> bytes:
    text = str(value)
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProcessingPermanentError("RunPod vrátil obrázek v neplatném base64.") from exc


def _milliseconds(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def runpod_client() -> RunPodClient:
    """A client from settings; fails with one sentence naming what is missing."""
    settings_require(SERVICE, "RUNPOD_API_KEY", "RUNPOD_ENDPOINT_ID")
    return RunPodClient(
        api_url=settings.RUNPOD_API_URL,
        endpoint_id=settings.RUNPOD_ENDPOINT_ID,
        api_key=settings.RUNPOD_API_KEY,
        timeout=settings.RUNPOD_REQUEST_TIMEOUT,
    )
