"""Retention: the stored files of orders sent long ago are purged; their records stay.

`orders_purge` serves `manage.py purge_photos` and the nightly beat task
(`orders_purge_scheduled`, off unless PURGE_PHOTOS_ENABLED). For each order in `sent`
whose send step is more than `days` old, oldest first, it removes the photos' originals
and previews and every colouring and SVG made from them, and with `include_books` the
books (PDF) too, through the storage API (local disk or a bucket alike). It clears the
rows' file fields, records `Order.photos_purged_at` / `books_purged_at` and an order
event, and keeps every row. After it, work that needs the photo is refused
(`order_files_check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from common.storage import stored_delete, stored_size
from orders.models import Order
from orders.plurals import Forms, counted
from orders.services import order_changed_notify, order_event_log
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.kinds import Purge
from processing.retention import (
    StoredFile,
    order_stored_files,
    orders_due_for_purge,
    purge_date,
)

FILES = Forms("soubor", "soubory", "souborů")
SCHEDULED_ACTOR = "system:retention"
WHAT = {
    frozenset({Purge.PHOTOS}): "fotky, náhledy, omalovánky a SVG; knihy (PDF) ponechány",
    frozenset({Purge.PHOTOS, Purge.BOOKS}): "fotky, náhledy, omalovánky, SVG i knihy (PDF)",
    frozenset({Purge.BOOKS}): "knihy (PDF)",
}


@dataclass(frozen=True)
class OrderPurge:
    """One order's purge (or, in a dry run, what it would be)."""

    order_number: str
    sent_at: datetime
    groups: frozenset[Purge]
    files: int = 0  # files in storage removed (or that a dry run would remove)
    bytes: int = 0
    missing: int = 0  # named by a row but already gone from storage

    @property
    def line(self) -> str:
        """One line of the command's report, in Czech."""
        text = (
            f"{self.order_number} (odesláno {purge_date(self.sent_at)}): "
            f"{counted(self.files, FILES)}, {self.bytes} B – {WHAT[self.groups]}"
        )
        return text + (f"; v úložišti už chybělo: {self.missing}" if self.missing else "")


@dataclass(frozen=True)
class PurgeReport:
    dry_run: bool
    orders: list[OrderPurge] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(order.files for order in self.orders)

    @property
    def bytes(self) -> int:
        return sum(order.bytes for order in self.orders)

    @property
    def summary(self) -> str:
        verb = "Smazalo by se" if self.dry_run else "Smazáno"
        return (
            f"{verb}: {counted(self.files, FILES)} ({self.bytes} B) "
            f"z objednávek: {len(self.orders)}."
        )


def purge_arguments_validate(*, days: object, max_orders: object) -> None:
    """Raise ProcessingValidationError (Czech, per argument) unless `days` is a whole
    number of at least 1 and `max_orders` is None or a whole number of at least 1."""
    errors = {}
    if not _whole_positive(days):
        errors["days"] = "Počet dní (--days) musí být celé číslo alespoň 1."
    if max_orders is not None and not _whole_positive(max_orders):
        errors["max_orders"] = "Nejvyšší počet objednávek (--max-orders) musí být alespoň 1."
    if errors:
        raise ProcessingValidationError(errors)


def _whole_positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def orders_purge(
    *,
    days: int,
    include_books: bool = False,
    dry_run: bool = False,
    max_orders: int | None = None,
    actor: str,
) -> PurgeReport:
    """Purge the files of orders sent more than `days` ago, at most `max_orders` of them
    (oldest send first), and report what went.

    Idempotent: an order whose photos are purged is skipped, unless `include_books`
    still has its books to purge. A file already missing in storage is counted, not an
    error. `dry_run` only measures (file counts and sizes) and changes nothing. Raises
    ProcessingValidationError for bad arguments (nothing changed) and
    common.storage.StorageUnavailable when the storage does not answer (the orders done
    so far stay done; a run later carries on). Each order is its own transaction.
    """
    purge_arguments_validate(days=days, max_orders=max_orders)
    now = timezone.now()
    due = orders_due_for_purge(days=days, include_books=include_books, now=now)
    ids = due.values_list("pk", flat=True)
    step = order_purge_measure if dry_run else order_files_purge
    done = []
    for order_id in list(ids[:max_orders] if max_orders else ids):
        purge = step(
            order_id=order_id, days=days, include_books=include_books, now=now, actor=actor
        )
        if purge is not None:
            done.append(purge)
    return PurgeReport(dry_run=dry_run, orders=done)


def _groups(order: Order, include_books: bool) -> frozenset[Purge]:
    groups = set()
    if order.photos_purged_at is None:
        groups.add(Purge.PHOTOS)
    if include_books and order.books_purged_at is None:
        groups.add(Purge.BOOKS)
    return frozenset(groups)


def _due(order_id: int, days: int, include_books: bool, now: datetime) -> Order | None:
    due = orders_due_for_purge(days=days, include_books=include_books, now=now)
    return due.filter(pk=order_id).first()


def order_purge_measure(
    *, order_id: int, days: int, include_books: bool, now: datetime, actor: str
) -> OrderPurge | None:
    """What purging the order would remove (a dry run): reads storage sizes only."""
    order = _due(order_id, days, include_books, now)
    if order is None:
        return None
    groups = _groups(order, include_books)
    sizes = [stored_size(f.name) for f in order_stored_files(order_id=order_id, groups=groups)]
    present = [size for size in sizes if size is not None]
    return OrderPurge(
        order_number=order.order_number,
        sent_at=order.sent_at,  # type: ignore[attr-defined]  # annotated
        groups=groups,
        files=len(present),
        bytes=sum(present),
        missing=len(sizes) - len(present),
    )


@transaction.atomic
def order_files_purge(
    *, order_id: int, days: int, include_books: bool, now: datetime, actor: str
) -> OrderPurge | None:
    """Purge one order's files if it is (still) due; None when it is not.

    The order's row is locked and its eligibility read again, so two runs (the command
    beside the beat task) never purge one order twice. The files are deleted before the
    rows are changed, inside the transaction: if the commit then fails, the rows still
    name files that are gone, and the next run finds the order due again and finishes
    it (a missing file is fine), whereas recording first could leave a customer's photo
    stored with nothing left that says so.
    """
    Order.objects.select_for_update().filter(pk=order_id).values_list("pk").first()
    order = _due(order_id, days, include_books, now)
    if order is None:
        return None
    groups = _groups(order, include_books)
    files = order_stored_files(order_id=order_id, groups=groups)
    purge = _delete(order, groups, files)
    _clear(files)
    stamps = {f"{group.value}_purged_at": now for group in groups}
    Order.objects.filter(pk=order_id).update(**stamps, updated_at=now)
    message = f"Soubory smazány ({counted(purge.files, FILES)}): {WHAT[groups]}"
    if purge.missing:
        message += f"; v úložišti už chybělo: {purge.missing}"
    order_event_log(order_id=order_id, actor=actor, message=message)
    order_changed_notify(order_id=order_id, order_number=order.order_number)
    return purge


def _delete(order: Order, groups: frozenset[Purge], files: list[StoredFile]) -> OrderPurge:
    removed = size_total = missing = 0
    for stored in files:
        size = stored_size(stored.name)
        if size is None:
            missing += 1
            continue
        stored_delete(stored.name)
        removed += 1
        size_total += size
    return OrderPurge(
        order_number=order.order_number,
        sent_at=order.sent_at,  # type: ignore[attr-defined]  # annotated
        groups=groups,
        files=removed,
        bytes=size_total,
        missing=missing,
    )


def _clear(files: list[StoredFile]) -> None:
    fields: dict[tuple[type[models.Model], str], list[int]] = {}
    for stored in files:
        fields.setdefault((stored.model, stored.field), []).append(stored.pk)
    for (model, name), pks in fields.items():
        model._default_manager.filter(pk__in=pks).update(**{name: ""})


def orders_purge_scheduled() -> str:
    """The beat task's run: `orders_purge` with PURGE_PHOTOS_DAYS, PURGE_PHOTOS_INCLUDE_BOOKS
    and PURGE_PHOTOS_MAX_ORDERS when PURGE_PHOTOS_ENABLED, else "disabled" (nothing
    removed). Returns a short status ("purged 3 orders, 41 files")."""
    if not settings.PURGE_PHOTOS_ENABLED:
        return "disabled"
    report = orders_purge(
        days=settings.PURGE_PHOTOS_DAYS,
        include_books=settings.PURGE_PHOTOS_INCLUDE_BOOKS,
        max_orders=settings.PURGE_PHOTOS_MAX_ORDERS,
        actor=SCHEDULED_ACTOR,
    )
    return f"purged {len(report.orders)} orders, {report.files} files"


def order_files_check(photos_purged_at: datetime | None) -> None:
    """Raise ProcessingRuleError (Czech) when the order's photos were purged: nothing
    that needs a photo or a page made from it can run any more."""
    if photos_purged_at is not None:
        raise ProcessingRuleError(
            f"Soubory objednávky byly {purge_date(photos_purged_at)} smazány "
            "(uchovávání dat): fotku ani omalovánky už nelze znovu zpracovat."
        )
