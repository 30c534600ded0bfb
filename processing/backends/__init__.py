"""Which backend makes a colouring page or an SVG, chosen from settings.

`COLORING_BACKEND` is `auto` | `runpod` | `local`, `VECTORIZE_BACKEND` is `auto` |
`vectorizer` | `local`; `auto` means the remote service when its credentials are set.
The choice is made when a version is created (or retried) and stored on it, so every
version records what made it even if the settings change later.
"""

from __future__ import annotations

import logging

from django.conf import settings

from processing.errors import ProcessingError

from .base import (
    ColoringRequest,
    JobColoringBackend,
    LocalColoringBackend,
    SvgBackend,
    SvgRequest,
    SvgResult,
)
from .local import LineArtBackend, VtracerBackend
from .remote import RunPodBackend, VectorizerBackend

logger = logging.getLogger(__name__)

__all__ = [
    "ColoringRequest",
    "JobColoringBackend",
    "LocalColoringBackend",
    "SvgBackend",
    "SvgRequest",
    "SvgResult",
    "coloring_backend_name",
    "local_coloring_backend",
    "runpod_backend",
    "runpod_cancel_quietly",
    "svg_backend",
    "svg_backend_name",
]


def coloring_backend_name() -> str:
    """`runpod` or `local`, as the settings say now."""
    if settings.COLORING_BACKEND != "auto":
        return settings.COLORING_BACKEND
    return "runpod" if settings.RUNPOD_API_KEY and settings.RUNPOD_ENDPOINT_ID else "local"


def svg_backend_name() -> str:
    """`vectorizer` or `local`, as the settings say now."""
    if settings.VECTORIZE_BACKEND != "auto":
        return settings.VECTORIZE_BACKEND
    configured = settings.VECTORIZER_API_KEY and settings.VECTORIZER_API_SECRET
    return "vectorizer" if configured else "local"


def runpod_backend() -> JobColoringBackend:
    return RunPodBackend()


def runpod_cancel_quietly(job_id: str) -> None:
    """Cancel a RunPod job so it is not billed further; a failure is only logged (the job
    then ends by itself at RunPod's execution timeout)."""
    try:
        runpod_backend().cancel(job_id)
    except ProcessingError as exc:
        logger.warning("Could not cancel RunPod job %s: %s", job_id, exc.message)


def local_coloring_backend() -> LocalColoringBackend:
    return LineArtBackend()


def svg_backend(name: str) -> SvgBackend:
    return VectorizerBackend() if name == "vectorizer" else VtracerBackend()
