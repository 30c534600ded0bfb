"""What both vendor clients share: turning network failures into our error classes."""

from __future__ import annotations

import json

import requests
from django.conf import settings
from urllib3.exceptions import NewConnectionError

from processing.errors import ProcessingPermanentError, ProcessingTransientError

BODY_EXCERPT = 300


def network_error(exc: requests.RequestException, service: str) -> ProcessingTransientError:
    """A transport failure, marked whether the request may have reached the service.

    Connecting failed (refused, DNS, connect timeout): the request was never sent. A read
    timeout or a connection dropped after sending: the service may have acted on it.
    """
    return ProcessingTransientError(
        f"{service} není dostupný ({type(exc).__name__}); zkusíme to znovu.",
        maybe_delivered=_maybe_delivered(exc),
    )


def _maybe_delivered(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.ReadTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return not isinstance(reason, NewConnectionError)


def settings_require(service: str, *names: str) -> None:
    """Fail with one sentence naming every missing setting (checked lazily, per call)."""
    missing = [name for name in names if not getattr(settings, name)]
    if missing:
        raise ProcessingPermanentError(
            f"{service} není nastavený: chybí {' a '.join(missing)} (v prostředí nebo v .env)."
        )


def retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def error_detail(response: requests.Response) -> str:
    """The service's own words from an error body: JSON `error`/`message`, else the text."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return response.text.strip()[:BODY_EXCERPT]
    if isinstance(body, dict):
        error = body.get("error", body.get("message", body))
        if isinstance(error, dict):
            error = error.get("message", error)
        return str(error)[:BODY_EXCERPT]
    return str(body)[:BODY_EXCERPT]
