"""The kinds of version, each declared once: a colouring page (PNG), its SVG, and a
line item's book (PDF).

A kind says what differs between kinds: its model and status enum (and so its
in-progress set), its Czech label, the row it belongs to, the tasks that run it, where
its file is stored, what is done to that file before it is stored (clean-up and output
checks), what a retry resets and what a failure must stop, how the recovery sweep
resumes it, how each backend bills it (`processing.meters`), and the JSON event it
sends. State transitions, enqueueing, retry, recovery, costs, events, the pages and the
API read these declarations; none of them asks which kind it holds. A new kind is one
more `kind_declare(VersionKind(...))`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import models

from orders.models import Order
from processing.backends import coloring_backend_name, runpod_cancel_quietly, svg_backend_name
from processing.meters import FREE, RUNPOD_SECONDS, VECTORIZER_CREDITS, Meter

from .models import (
    FINAL_STATUSES,
    STARTABLE,
    Backend,
    BookStatus,
    BookVersion,
    ColoringStatus,
    ColoringVersion,
    SvgStatus,
    SvgVersion,
    VersionBase,
)
from .outputs import Finished, coloring_finish, svg_finish

TASKS = "processing.tasks."
V = TypeVar("V", bound=VersionBase)


class Resume(enum.StrEnum):
    """How the recovery sweep resumes a version whose row stopped changing."""

    REQUEUE = "requeue"  # never started (its message was lost): queue the first step again
    RESTART = "restart"  # a one-call step was cut off: run it again, a capped number of times
    REPOLL = "repoll"  # a remote job is known: poll it again
    # Cut off while submitting a paid job: fail it, or (if the shop chose so) resubmit once.
    SUBMISSION_INTERRUPTED = "submission-interrupted"

    @property
    def at_once_on_start(self) -> bool:
        """Whether a starting worker resumes it at once, without waiting for staleness.

        Only polls of stored RunPod jobs: a job runs (and is billed) while nobody polls
        it, the dead worker's scheduled polls stay with Redis for its visibility timeout,
        and a second poll of the same job merges by its sequence number. Queued versions
        wait for the sweep: their messages are usually still in the queue, and queueing
        every one again at each start only adds a burst of duplicates. Steps that run or
        submit may still be running in another worker.
        """
        return self is Resume.REPOLL


class Purge(enum.StrEnum):
    """Which part of an order's files the retention purge removes a kind's files with."""

    PHOTOS = "photos"  # the photos and everything made from them (always purged)
    BOOKS = "books"  # the print-ready books (only with --include-books)


@dataclass(frozen=True)
class Stale:
    """Versions in `statuses` unchanged for longer than the setting `after` (seconds)."""

    statuses: frozenset[str]
    after: str
    resume: Resume


@dataclass(frozen=True, eq=False)
class VersionKind(Generic[V]):
    name: str  # `status_type` in events, the kind in URLs and task failure handlers
    label: str  # Czech, for staff: "Omalovánka"
    model: type[V]
    parent: str  # the foreign key the version hangs from; numbers and selection are per parent
    order_path: str  # from the version to its order, as in select_related
    title: str  # how the audit trail names a version; `{v}` is the version
    path: str  # its file in storage; `{v}` is the version
    start: Mapping[str, str]  # backend → the task that runs the first step
    choose_backend: Callable[[], str]  # for a new version and for a retry
    stale: tuple[Stale, ...]
    event_type: str
    event_extra: Mapping[str, str] = field(default_factory=dict)
    retry_reset: Mapping[str, Any] = field(default_factory=dict)  # cleared by a retry
    abandon: Callable[[V], None] | None = None  # before failing: stop what still runs
    related: tuple[str, ...] = ()  # loaded with the version besides its order
    auto_select: bool = True  # a completed version becomes the selected one if none is
    # On completion, from any backend: the file as it is to be stored, with its output
    # flags (a flagged version is never selected automatically).
    finish: Callable[[bytes], Finished] | None = None
    # What the retention purge (processing.services.retention) removes its files with:
    # the photos' (originals and everything made from them) or the books'.
    purged_with: Purge = Purge.PHOTOS
    # backend → how it bills a version (its cost is unknown for a backend not named here)
    meters: Mapping[str, Meter] = field(default_factory=dict)

    @property
    def status(self) -> type[models.TextChoices]:
        return self.model.Status  # type: ignore[attr-defined]  # each kind's model declares one

    @cached_property
    def in_progress(self) -> frozenset[str]:
        """Every status that is neither completed nor error: the one definition."""
        return frozenset(self.status.values) - FINAL_STATUSES

    @cached_property
    def parent_model(self) -> type[models.Model]:
        related = self.model._meta.get_field(self.parent).related_model
        assert isinstance(related, type), f"{self.name}.{self.parent} is not a foreign key"
        return related

    @property
    def parent_order_path(self) -> str:
        """From the parent row to its order (`line_item__order` for a photo)."""
        return self.order_path.split("__", 1)[1]

    @property
    def parent_id_field(self) -> str:
        return f"{self.parent}_id"

    def parent_id(self, version: V) -> int:
        return int(getattr(version, self.parent_id_field))

    def order_of(self, version: V) -> Order:
        target: Any = version
        for name in self.order_path.split("__"):
            target = getattr(target, name)
        assert isinstance(target, Order), f"{self.name}.{self.order_path} is not an order"
        return target

    def versions(self) -> models.QuerySet[V]:
        """The kind's versions with their order (and what the kind also needs) joined."""
        return self.model._default_manager.select_related(self.order_path, *self.related)

    def load(self, version_id: int) -> V:
        """The version with its parent and order, in one query; DoesNotExist if none."""
        return self.versions().get(pk=version_id)

    def describe(self, version: V) -> str:
        return self.title.format(v=version)

    def file_path(self, version: V) -> str:
        return self.path.format(v=version)

    def start_task(self, version: V) -> str:
        return self.start[version.backend]

    def event(self, version: V) -> dict[str, Any]:
        """The JSON event of a version's status (the seed's `image_status` for photos)."""
        return {
            "type": self.event_type,
            "order_number": self.order_of(version).number,
            self.parent_id_field: self.parent_id(version),
            **self.event_extra,
            "version_id": version.pk,
            "status": version.status,
        }


KINDS: dict[str, VersionKind[Any]] = {}


def kind_declare(kind: VersionKind[V]) -> VersionKind[V]:
    """Make a kind known to everything that handles versions."""
    KINDS[kind.name] = kind
    return kind


def kind_forget(name: str) -> None:
    """Undo `kind_declare` (for a kind declared by a test)."""
    KINDS.pop(name, None)


def kind_of(version: VersionBase | type[VersionBase]) -> VersionKind[Any]:
    model = version if isinstance(version, type) else type(version)
    for kind in KINDS.values():
        if kind.model is model:
            return kind
    raise LookupError(f"{model.__name__} is not a declared kind of version.")


def kinds() -> Iterator[VersionKind[Any]]:
    return iter(list(KINDS.values()))


# RunPod statuses in which a job we know of waits or runs on RunPod's side.
RUNPOD_AWAITING = frozenset(
    {
        ColoringStatus.RUNPOD_SUBMITTED,
        ColoringStatus.RUNPOD_QUEUED,
        ColoringStatus.RUNPOD_PROCESSING,
    }
)


def runpod_job_abandon(version: ColoringVersion) -> None:
    """Before failing a version whose RunPod job may still run: cancel it (best effort),
    so that a version in `error` is not billed further."""
    if version.runpod_job_id and version.status in RUNPOD_AWAITING:
        runpod_cancel_quietly(version.runpod_job_id)


PHOTO = "(fotka {v.image.position}, položka {v.image.line_item.position})"
PHOTO_FOLDER = "{v.image.line_item.order_id}/{v.image.line_item_id}"

COLORING = kind_declare(
    VersionKind(
        name="coloring",
        label="Omalovánka",
        model=ColoringVersion,
        parent="image",
        order_path="image__line_item__order",
        title="Omalovánka v{v.version} " + PHOTO,
        path=PHOTO_FOLDER + "/coloring/v{v.version}/image_{v.image.position}.png",
        start={
            Backend.RUNPOD: TASKS + "coloring_runpod_submit",
            Backend.LOCAL: TASKS + "coloring_local_run",
        },
        choose_backend=coloring_backend_name,
        stale=(
            Stale(STARTABLE, "PROCESSING_STALE_QUEUED", Resume.REQUEUE),
            Stale(
                frozenset({ColoringStatus.PROCESSING}), "PROCESSING_STALE_RUNNING", Resume.RESTART
            ),
            Stale(
                frozenset({ColoringStatus.RUNPOD_SUBMITTING}),
                "PROCESSING_STALE_SUBMITTING",
                Resume.SUBMISSION_INTERRUPTED,
            ),
            Stale(RUNPOD_AWAITING, "PROCESSING_STALE_POLLING", Resume.REPOLL),
        ),
        event_type="image_status",
        event_extra={"status_type": "coloring"},
        # A retry is a new RunPod job: the old job id is never polled again.
        retry_reset={
            "runpod_job_id": "",
            "runpod_submitted_at": None,
            "runpod_interrupted_submits": 0,
            "runpod_execution_ms": None,
            "runpod_delay_ms": None,
        },
        abandon=runpod_job_abandon,
        finish=coloring_finish,
        meters={Backend.RUNPOD: RUNPOD_SECONDS, Backend.LOCAL: FREE},
    )
)

SVG = kind_declare(
    VersionKind(
        name="svg",
        label="SVG",
        model=SvgVersion,
        parent="image",
        order_path="image__line_item__order",
        title="SVG v{v.version} " + PHOTO,
        path=PHOTO_FOLDER + "/svg/v{v.version}/image_{v.image.position}.svg",
        start={
            Backend.VECTORIZER: TASKS + "svg_vectorizer_run",
            Backend.LOCAL: TASKS + "svg_local_run",
        },
        choose_backend=svg_backend_name,
        stale=(
            Stale(STARTABLE, "PROCESSING_STALE_QUEUED", Resume.REQUEUE),
            Stale(
                frozenset({SvgStatus.PROCESSING, SvgStatus.VECTORIZER_PROCESSING}),
                "PROCESSING_STALE_RUNNING",
                Resume.RESTART,
            ),
        ),
        event_type="image_status",
        event_extra={"status_type": "svg"},
        related=("coloring_version",),
        finish=svg_finish,
        meters={Backend.VECTORIZER: VECTORIZER_CREDITS, Backend.LOCAL: FREE},
    )
)


def _local() -> str:
    # Books are drawn in the worker: there is no remote service to choose.
    return Backend.LOCAL


BOOK = kind_declare(
    VersionKind(
        name="book",
        label="Kniha",
        model=BookVersion,
        parent="line_item",
        order_path="line_item__order",
        title="Kniha v{v.version} (položka {v.line_item.position})",
        path="{v.line_item.order_id}/{v.line_item_id}/book/v{v.version}/book.pdf",
        start={Backend.LOCAL: TASKS + "book_build"},
        choose_backend=_local,
        stale=(
            Stale(STARTABLE, "PROCESSING_STALE_QUEUED", Resume.REQUEUE),
            Stale(frozenset({BookStatus.PROCESSING}), "PROCESSING_STALE_RUNNING", Resume.RESTART),
        ),
        event_type="book_status",
        auto_select=False,
        purged_with=Purge.BOOKS,
        meters={Backend.LOCAL: FREE},
    )
)
