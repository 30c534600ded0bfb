"""Selectors of the review workspace: where each photo of an order stands with its page.

The page under review is the photo's selected colouring, else its newest completed one.
A photo's `ReviewState` follows from that page, its verdict and the photo's newer
versions; the states are declared in attention order, and `order_review` sorts the
photos by it (the one definition of "what needs attention first"), a page flagged by
the output checks ahead of the others in its state. Everything is read
in three queries, whatever the size of the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Prefetch

from orders.models import Image

from .models import ColoringVersion, Verdict, VersionStatus
from .services.verdicts import LADDER_CEILING


class ReviewState(models.TextChoices):
    """Declared in attention order: the photos of the workspace are sorted by it."""

    NO_PAGE = "no_page", "Bez stránky"  # no completed page, none being made
    ERROR = "error", "Chyba"  # the newest colouring failed and nothing replaced it
    REJECTED = "rejected", "Zamítnuto"  # rejected, no redo running (at the ceiling, say)
    GENERATING = "generating", "Generuje se"  # a first page or a redo is being made
    TO_REVIEW = "to_review", "Ke kontrole"  # a page without a verdict
    APPROVED = "approved", "Schváleno"


ATTENTION = {state: rank for rank, state in enumerate(ReviewState)}


@dataclass(frozen=True)
class PhotoReview:
    image: Image
    versions: list[ColoringVersion]  # oldest first

    @cached_property
    def page(self) -> ColoringVersion | None:
        """The page under review: the selected colouring, else the newest completed one."""
        completed = [v for v in self.versions if v.status == VersionStatus.COMPLETED]
        selected = [v for v in completed if v.is_selected]
        chosen = selected or completed
        return chosen[-1] if chosen else None

    @property
    def working(self) -> ColoringVersion | None:
        """The newest colouring in progress (a redo, or the first page)."""
        return next((v for v in reversed(self.versions) if v.is_in_progress), None)

    @property
    def failed(self) -> ColoringVersion | None:
        """The newest version, when it failed after the page under review (or without one)."""
        newest = self.versions[-1] if self.versions else None
        page = self.page
        if newest is None or newest.status != VersionStatus.ERROR:
            return None
        return newest if page is None or newest.version > page.version else None

    @property
    def at_ceiling(self) -> bool:
        """Rejected at the ladder's last step: another try with the same settings cannot help."""
        page = self.page
        return bool(page and page.verdict == Verdict.REJECTED and page.steps >= LADDER_CEILING)

    @cached_property
    def state(self) -> ReviewState:
        page = self.page
        if self.working is not None and (page is None or page.verdict == Verdict.REJECTED):
            return ReviewState.GENERATING
        if self.failed is not None:
            return ReviewState.ERROR
        if page is None:
            return ReviewState.NO_PAGE
        if page.verdict == Verdict.REJECTED:
            return ReviewState.REJECTED
        if page.verdict == Verdict.APPROVED:
            return ReviewState.APPROVED
        return ReviewState.TO_REVIEW

    @property
    def steps(self) -> int | None:
        """Where the photo stands on the ladder: the steps of its newest try."""
        newest = self.working or self.page
        return newest.steps if newest else None


@dataclass(frozen=True)
class OrderReview:
    photos: list[PhotoReview]  # in attention order

    @property
    def approved(self) -> int:
        return sum(photo.state == ReviewState.APPROVED for photo in self.photos)

    @property
    def total(self) -> int:
        return len(self.photos)

    def next_to_judge(self, *, after: int | None = None) -> PhotoReview | None:
        """The first photo whose page awaits a verdict, other than the image `after`."""
        return next(
            (p for p in self.photos if p.state == ReviewState.TO_REVIEW and p.image.pk != after),
            None,
        )


def order_review(*, order_id: int) -> OrderReview:
    """The order's photos with their colourings, needing attention first (`ReviewState`),
    then in book and photo order."""
    images = (
        Image.objects.filter(line_item__order_id=order_id)
        .select_related("line_item")
        .order_by("line_item__position", "position")
        .prefetch_related(
            Prefetch("coloring_versions", queryset=ColoringVersion.objects.order_by("version"))
        )
    )
    photos = [PhotoReview(image, list(image.coloring_versions.all())) for image in images]
    # Stable: book order within a state, a page with output flags first.
    photos.sort(key=lambda photo: (ATTENTION[photo.state], not (photo.page and photo.page.flags)))
    return OrderReview(photos=photos)
