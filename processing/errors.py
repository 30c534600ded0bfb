"""Errors of the processing app. Every one carries a Czech `message` that staff may see.

The interface layers map them: `ProcessingRuleError` → 400 (the action is not allowed
now), `ProcessingValidationError` → 422 (invalid settings, per field). Tasks retry
`ProcessingTransientError` with backoff and never retry `ProcessingPermanentError`; both
end as a version in `error` whose `error_message` is the error's message.
"""

from __future__ import annotations


class ProcessingError(Exception):
    """Base class. `message` is a Czech sentence for staff; `str(exc)` is the same text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProcessingRuleError(ProcessingError):
    """The action is forbidden in the current state (not downloaded, not in error, …)."""


class IntakeHoldError(ProcessingRuleError):
    """The order is held by the intake checks and staff have not confirmed "Generovat i
    tak": no order-level or automatic paid work starts for it (a single photo may)."""


class ProcessingValidationError(ProcessingError):
    """Invalid settings. `errors` maps each field name to a Czech message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


class ProcessingTransientError(ProcessingError):
    """Worth retrying later: network errors, timeouts, 429 and 5xx answers.

    `maybe_delivered` is True when the request may have reached the service before it
    failed (a read timeout, a dropped connection): for a RunPod submission that means a
    job may exist that we do not know of, so it counts as an interrupted submission.
    `retry_after` is the service's Retry-After hint in seconds, when it sent one.
    """

    def __init__(
        self, message: str, *, maybe_delivered: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered
        self.retry_after = retry_after


class ProcessingPermanentError(ProcessingError):
    """Retrying cannot help: bad credentials, a rejected option, an unusable image."""


class StorageUnavailableError(ProcessingTransientError):
    """The file storage does not answer (disk, S3 endpoint). Not the version's fault: when
    the task's retries run out the version is left as it is and the recovery sweep
    resumes it once the storage is back, as after a database outage."""
