"""Reads shared by services, pages and the API: eligibility and per-order progress.

"In progress" is each kind's `in_progress` (`processing.kinds`) here as everywhere (the
old system had three different definitions of it).
Where a photo stands with each kind (`State`) and whether it is eligible for a new
version are SQL expressions defined here once (`images_with_states`); the services
filter on them, progress counts them, and the pages read them off the rows they load.
Counts come from aggregate queries, never from a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from orders.models import Image

from .kinds import COLORING, SVG, VersionKind, kinds
from .models import ColoringVersion, VersionStatus

DONE = VersionStatus.COMPLETED


class State(models.TextChoices):
    """Where one photo stands with one kind: what progress counts and eligibility read."""

    COMPLETED = "completed", "hotovo"  # has a completed version
    IN_PROGRESS = "in_progress", "zpracovává se"  # none completed, one in progress
    ERROR = "error", "chyba"  # neither, and one failed
    NONE = "none", "nic"  # no version yet


COUNTED = (State.COMPLETED, State.IN_PROGRESS, State.ERROR)  # KindProgress's fields

# A photo with nothing completed or running of a kind may get a new version of it from
# the order-level buttons (a failed one is tried anew).
STARTABLE_STATES = (State.NONE, State.ERROR)


def _versions(kind: VersionKind, **filters: object) -> Exists:
    versions = kind.model._default_manager.filter(**{kind.parent: OuterRef("pk")}, **filters)
    return Exists(versions)


def kind_state(kind: VersionKind) -> Case:
    """The `State` of each parent row for `kind` (a photo; a line item for books), as an
    SQL expression (the one definition)."""
    return Case(
        When(_versions(kind, status=DONE), then=Value(State.COMPLETED)),
        When(_versions(kind, status__in=kind.in_progress), then=Value(State.IN_PROGRESS)),
        When(_versions(kind, status=VersionStatus.ERROR), then=Value(State.ERROR)),
        default=Value(State.NONE),
        output_field=models.CharField(),
    )


def usable_coloring_subquery() -> Subquery:
    """The id of an image's source for a new SVG: its selected completed colouring,
    else its newest completed one (NULL when it has none)."""
    completed = ColoringVersion.objects.filter(image=OuterRef("pk"), status=DONE)
    return Subquery(completed.order_by("-is_selected", "-version").values("pk")[:1])


def images_with_states(images: QuerySet[Image]) -> QuerySet[Image]:
    """`images` annotated with what eligibility and progress are decided from:

    - `coloring_state`, `svg_state`: a `State` each;
    - `usable_coloring_id`: the colouring a new SVG is made from (or NULL);
    - `coloring_eligible`, `svg_eligible`: whether the order-level buttons would start a
      new colouring / SVG for the photo.

    The pages read these same annotations, so they never restate a rule in Python.
    """
    downloaded = Q(downloaded_at__isnull=False) & ~Q(file="")
    return images.annotate(
        coloring_state=kind_state(COLORING),
        svg_state=kind_state(SVG),
        usable_coloring_id=usable_coloring_subquery(),
    ).annotate(
        coloring_eligible=ExpressionWrapper(
            downloaded & Q(coloring_state__in=STARTABLE_STATES), output_field=BooleanField()
        ),
        svg_eligible=ExpressionWrapper(
            Q(usable_coloring_id__isnull=False) & Q(svg_state__in=STARTABLE_STATES),
            output_field=BooleanField(),
        ),
    )


def image_usable_coloring(*, image_id: int) -> ColoringVersion | None:
    """The colouring a new SVG of this image is made from, or None."""
    completed = ColoringVersion.objects.filter(image_id=image_id, status=DONE)
    return completed.order_by("-is_selected", "-version").first()


def _order_images(order_id: int) -> QuerySet[Image]:
    return images_with_states(Image.objects.filter(line_item__order_id=order_id))


def coloring_eligible_images(*, order_id: int) -> QuerySet[Image]:
    """Downloaded images of the order with neither a completed nor an in-progress colouring."""
    return (
        _order_images(order_id)
        .filter(Q(coloring_eligible=True))
        .select_related("line_item__order")
        .order_by("line_item__position", "position")
    )


def svg_eligible_images(*, order_id: int) -> QuerySet[Image]:
    """Images of the order with a usable colouring and no completed or in-progress SVG.

    Each image carries `usable_coloring_id`, the colouring its SVG is made from.
    """
    return (
        _order_images(order_id)
        .filter(Q(svg_eligible=True))
        .select_related("line_item__order")
        .order_by("line_item__position", "position")
    )


def order_can_generate_coloring(*, order_id: int) -> bool:
    """Whether the order-level "generate colourings" button has anything to do."""
    return coloring_eligible_images(order_id=order_id).exists()


def order_can_generate_svg(*, order_id: int) -> bool:
    """Whether the order-level "generate SVGs" button has anything to do."""
    return svg_eligible_images(order_id=order_id).exists()


@dataclass(frozen=True)
class KindProgress:
    """One kind (colouring or SVG) across an order's images; each image counted once."""

    label: str
    total: int  # images of the order
    completed: int  # images with a completed version
    in_progress: int  # images without one, but with a version in progress
    error: int  # images with neither, whose versions include an error

    def __str__(self) -> str:
        """E.g. "Omalovánky: 5/8 hotovo, 1 zpracovává se, 1 chyba"."""
        parts = [f"{self.label}: {self.completed}/{self.total} hotovo"]
        if self.in_progress:
            parts.append(f"{self.in_progress} zpracovává se")
        if self.error:
            parts.append(f"{self.error} {_czech_errors(self.error)}")
        return ", ".join(parts)


@dataclass(frozen=True)
class OrderProgress:
    coloring: KindProgress
    svg: KindProgress


def _czech_errors(count: int) -> str:
    return "chyba" if count == 1 else "chyby" if 2 <= count <= 4 else "chyb"


def order_progress(*, order_id: int) -> OrderProgress:
    """Per-kind progress of an order's images, in one aggregate query per kind."""
    return OrderProgress(
        coloring=_kind_progress(order_id, COLORING, "Omalovánky"),
        svg=_kind_progress(order_id, SVG, "SVG"),
    )


def _kind_progress(order_id: int, kind: VersionKind, label: str) -> KindProgress:
    images = Image.objects.filter(line_item__order_id=order_id).annotate(state=kind_state(kind))
    counts = images.aggregate(
        total=Count("pk"),
        **{str(state): Count("pk", filter=Q(state=state)) for state in COUNTED},
    )
    return KindProgress(label=label, **counts)


def progress_from_states(states: list[str], label: str) -> KindProgress:
    """The same counts from photos' states already at hand (annotated rows of a page)."""
    return KindProgress(
        label=label,
        total=len(states),
        completed=states.count(State.COMPLETED),
        in_progress=states.count(State.IN_PROGRESS),
        error=states.count(State.ERROR),
    )


def version_oldest_update_in_progress() -> datetime | None:
    """When the version in progress that changed least recently last changed, over every
    kind; None when none is in progress. One query, however many kinds there are.

    `pending` does not count: such a version was never handed to the workers, so how long
    it waits says nothing about them. `updated_at` is what recovery measures staleness by
    (and is indexed with the status); a RunPod poll touches it, so a long job that is
    being polled stays fresh.
    """
    first, *rest = (
        kind.model._default_manager.filter(
            status__in=sorted(kind.in_progress - {VersionStatus.PENDING})
        )
        .order_by()
        # Values on a constant, then the aggregate: MIN over the whole filtered table, as
        # a queryset that UNION ALL can take (aggregate() would run one query per kind).
        .values(whole=Value(1))
        .annotate(oldest=Min("updated_at"))
        .values_list("oldest", flat=True)
        for kind in kinds()
    )
    minima = first.union(*rest, all=True)
    return min((oldest for oldest in minima if oldest is not None), default=None)


def order_failed_work() -> Q:
    """Whether an order holds failed work nothing has made good since: a photo or a book
    whose `State` is ERROR for some kind (nothing completed, nothing running, one failed),
    the "chyba" that progress counts. A failed version that a later completed one
    replaced is history, not work for staff. For `Order` querysets; every kind counts."""
    failed = Q()
    for kind in kinds():
        parents = kind.parent_model._default_manager.filter(
            **{kind.parent_order_path: OuterRef("pk")}
        )
        failed |= Q(Exists(parents.annotate(state=kind_state(kind)).filter(state=State.ERROR)))
    return failed
