"""Retention reads: which sent orders are due for the purge, which stored files an order
holds, and whether a stored path was purged.

The purge itself is `processing.services.retention`; the pages, the file view and the
refusals read the purge dates kept on the order (`Order.photos_purged_at`,
`Order.books_purged_at`). Which files go with the photos and which with the books is
each version kind's `purged_with` (`processing.kinds`); a photo's own original and
preview always go with the photos.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import dateformat, timezone

from orders.models import Image, Order, OrderEvent

from .kinds import Purge, kinds

SENT = Order.Status.SENT
# A photo's own files (the seed's original and the preview made from it).
IMAGE_FILE_FIELDS = ("file", "preview")


def purge_date(moment: datetime) -> str:
    """A purge date as the pages and messages write it: "3. 1. 2027" (local time)."""
    return dateformat.format(timezone.localtime(moment), "j. n. Y")


def sent_at_subquery() -> Subquery:
    """When the order last entered `sent`, from its history's transitions (an undone and
    repeated send counts from the repeat)."""
    steps = OrderEvent.objects.filter(order=OuterRef("pk"), to_status=SENT)
    return Subquery(steps.order_by("-created_at", "-pk").values("created_at")[:1])


def orders_due_for_purge(*, days: int, include_books: bool, now: datetime) -> QuerySet[Order]:
    """Orders in `sent` whose send step is more than `days` before `now`, with files still
    to purge (the photos', or with `include_books` also the books'), oldest send first.
    Each carries `sent_at`."""
    pending = Q(photos_purged_at__isnull=True)
    if include_books:
        pending |= Q(books_purged_at__isnull=True)
    return (
        Order.objects.filter(status=SENT)
        .annotate(sent_at=sent_at_subquery())
        .filter(pending, sent_at__lt=now - timedelta(days=days))
        .order_by("sent_at", "pk")
    )


@dataclass(frozen=True)
class StoredFile:
    """One file a row names: which row and field, and its name in storage."""

    model: type[models.Model]
    pk: int
    field: str
    name: str


def _named(rows: QuerySet[models.Model], field: str) -> list[StoredFile]:
    named = rows.exclude(**{field: ""}).order_by("pk").values_list("pk", field)
    return [StoredFile(rows.model, pk, field, name) for pk, name in named]


def order_stored_files(*, order_id: int, groups: Collection[Purge]) -> list[StoredFile]:
    """The stored files of the order that go with `groups`: the photos' originals and
    previews and their kinds' files for `Purge.PHOTOS`, the books' for `Purge.BOOKS`."""
    files: list[StoredFile] = []
    if Purge.PHOTOS in groups:
        images = Image.objects.filter(line_item__order_id=order_id)
        for field in IMAGE_FILE_FIELDS:
            files += _named(images, field)
    for kind in kinds():
        if kind.purged_with in groups:
            rows = kind.model._default_manager.filter(**{f"{kind.order_path}_id": order_id})
            files += _named(rows, "file")
    return files


@cache
def _pattern(template: str) -> re.Pattern[str]:
    # A kind's path template (`{v.line_item.order_id}/…/book/v{v.version}/book.pdf`)
    # with each placeholder standing for one path segment's worth of characters.
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def path_group(path: str) -> Purge:
    """Which group a stored path under an order's folder belongs to: its kind's, by the
    kinds' declared paths; anything else under the order is the photos'."""
    for kind in kinds():
        if kind.purged_with is not Purge.PHOTOS and _pattern(kind.path).fullmatch(path):
            return kind.purged_with
    return Purge.PHOTOS


def file_purged_at(path: str) -> datetime | None:
    """When the file at `path` (`{order_id}/…`, ARCHITECTURE.md's storage layout) was
    purged with its order's photos or books; None when it was not (or is no order's)."""
    head = path.split("/", 1)[0]
    if not head.isdigit():
        return None
    column = "books_purged_at" if path_group(path) is Purge.BOOKS else "photos_purged_at"
    purged: datetime | None = (
        Order.objects.filter(pk=int(head)).values_list(column, flat=True).first()
    )
    return purged
