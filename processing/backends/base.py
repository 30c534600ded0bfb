"""The small interface every backend offers, and the values that cross it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from processing.clients.runpod import RunPodJob


@dataclass(frozen=True)
class ColoringRequest:
    image: bytes  # the original photo, as stored
    megapixels: float
    steps: int


@dataclass(frozen=True)
class SvgRequest:
    png: bytes  # the source colouring page
    filename: str
    shape_stacking: str
    group_by: str


@dataclass(frozen=True)
class SvgResult:
    svg: bytes  # checked to be a well-formed SVG document
    credits_charged: Decimal | None = None
    image_token: str = ""


class LocalColoringBackend(Protocol):
    """Makes the page in the worker, synchronously (CPU work: queue `cpu`)."""

    name: str

    def color(self, request: ColoringRequest) -> bytes:
        """PNG bytes of the page. Raises ProcessingPermanentError for an unusable photo."""
        ...


class JobColoringBackend(Protocol):
    """Runs the page as a remote job: submit once, then poll (waiting: queue `io`)."""

    name: str

    def submit(self, request: ColoringRequest) -> str:
        """Start a job; return its id. Raises Processing{Transient,Permanent}Error."""
        ...

    def status(self, job_id: str) -> RunPodJob:
        """The job's current state. Raises Processing{Transient,Permanent}Error."""
        ...

    def cancel(self, job_id: str) -> None:
        """Stop the job remotely. Raises Processing{Transient,Permanent}Error."""
        ...


class SvgBackend(Protocol):
    """Vectorises a page synchronously (remote: queue `io`; local: queue `cpu`)."""

    name: str
    queue: str

    def vectorize(self, request: SvgRequest) -> SvgResult:
        """A checked SVG. Raises Processing{Transient,Permanent}Error."""
        ...
