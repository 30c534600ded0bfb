"""Reads shared by services, pages and the API: eligibility and per-order progress.

"In progress" is each kind's `in_progress` (`processing.kinds`) here as everywhere (the
old system had three different definitions of it).
Counts come from aggregate queries, never from a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from orders.models import Image

from .kinds import COLORING, SVG, VersionKind
from .models import ColoringVersion, SvgVersion, VersionBase, VersionStatus

DONE = VersionStatus.COMPLETED


def _versions(model: type[VersionBase], **filters: object) -> Exists:
    return Exists(model._default_manager.filter(image=OuterRef("pk"), **filters))


def usable_coloring_subquery() -> Subquery:
    """The id of an image's source for a new SVG: its selected completed colouring,
    else its newest completed one (NULL when it has none)."""
    completed = ColoringVersion.objects.filter(image=OuterRef("pk"), status=DONE)
    return Subquery(completed.order_by("-is_selected", "-version").values("pk")[:1])


def image_usable_coloring(*, image_id: int) -> ColoringVersion | None:
    """The colouring a new SVG of this image is made from, or None."""
    completed = ColoringVersion.objects.filter(image_id=image_id, status=DONE)
    return completed.order_by("-is_selected", "-version").first()


def coloring_eligible_images(*, order_id: int) -> QuerySet[Image]:
    """Downloaded images of the order with neither a completed nor an in-progress colouring."""
    return (
        Image.objects.filter(line_item__order_id=order_id, downloaded_at__isnull=False)
        .exclude(file="")
        .exclude(_versions(ColoringVersion, status=DONE))
        .exclude(_versions(ColoringVersion, status__in=COLORING.in_progress))
        .select_related("line_item__order")
        .order_by("line_item__position", "position")
    )


def svg_eligible_images(*, order_id: int) -> QuerySet[Image]:
    """Images of the order with a usable colouring and no completed or in-progress SVG.

    Each image carries `usable_coloring_id`, the colouring its SVG is made from.
    """
    return (
        Image.objects.filter(line_item__order_id=order_id)
        .annotate(usable_coloring_id=usable_coloring_subquery())
        .filter(usable_coloring_id__isnull=False)
        .exclude(_versions(SvgVersion, status=DONE))
        .exclude(_versions(SvgVersion, status__in=SVG.in_progress))
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
    """Per-kind progress of an order's images, in two aggregate queries."""
    return OrderProgress(
        coloring=_kind_progress(order_id, COLORING, "Omalovánky"),
        svg=_kind_progress(order_id, SVG, "SVG"),
    )


def _kind_progress(order_id: int, kind: VersionKind, label: str) -> KindProgress:
    done = Q(_versions(kind.model, status=DONE))
    busy = Q(_versions(kind.model, status__in=kind.in_progress))
    failed = Q(_versions(kind.model, status=VersionStatus.ERROR))
    counts = Image.objects.filter(line_item__order_id=order_id).aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=done),
        in_progress=Count("pk", filter=~done & busy),
        error=Count("pk", filter=~done & ~busy & failed),
    )
    return KindProgress(label=label, **counts)
