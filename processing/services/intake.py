"""Intake checks: judging an order's stored photos before any paid work is done on them.

Runs as the task `order_intake_check`, queued (`order_intake_listen`) once an order's
photos are stored: when it leaves `downloading` (to review or to error), and when it
goes from `pending` or `error` straight to review (manual orders, and synced orders with
nothing to download), and whenever an order goes to `error` (a failed or refused
download). The recovery sweep queues it for orders past downloading that
were never checked (`intake_checks_recover`). What it may find is `orders.intake`'s
declaration; a hold keeps automatic and order-level paid work away until staff confirm
"Generovat i tak".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.queueing import enqueue_on_commit
from common.storage import StorageUnavailable, stored_read
from orders.consent import line_items_without_consent
from orders.intake import Level, finding, finding_kind, finding_label, holds
from orders.models import Image, LineItem, Order, variant_photo_count
from orders.services import order_changed_notify, order_event_log
from orders.services.intake import intake_inputs
from orders.signals import intake_checked
from processing.errors import ProcessingPermanentError, StorageUnavailableError
from processing.pipeline.intake import PhotoMeasure, Thresholds, hamming, photo_judge, photo_measure

logger = logging.getLogger(__name__)

ACTOR = "system:intake"
TASK = "processing.tasks.order_intake_check"
# Photos are in flux: the download that ends this state queues the check itself.
NOT_YET = {Order.Status.PENDING, Order.Status.DOWNLOADING}
# Statuses in which an unchecked order is checked by the recovery sweep.
CHECKED_IN = (Order.Status.READY_FOR_REVIEW, Order.Status.ERROR)
# The sweep leaves a fresh transition to the task it queued itself.
RECOVER_AFTER = timedelta(minutes=2)
RECOVER_BATCH = 200  # per sweep; the next one, a minute later, takes the rest
EVENT_HOLDS_SHOWN = 5


@dataclass
class Verdict:
    images: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    phashes: dict[int, str] = field(default_factory=dict)
    items: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # What each finding is about, for the history line: {image or line item pk: "…"}.
    image_names: dict[int, str] = field(default_factory=dict)
    item_names: dict[int, str] = field(default_factory=dict)

    def all_findings(self) -> list[dict[str, Any]]:
        return [f for found in (*self.images.values(), *self.items.values()) for f in found]

    def named(self) -> list[tuple[str, dict[str, Any]]]:
        """Every finding with what it is about ("položka 1, fotka 2")."""
        return [
            (names[pk], item)
            for found, names in ((self.images, self.image_names), (self.items, self.item_names))
            for pk, findings in found.items()
            for item in findings
        ]


def order_intake_listen(
    sender: object, *, order_id: int, from_status: str, to_status: str, **kwargs: Any
) -> None:
    """Receiver of `order_transitioned` (after commit): the photos are stored (or their
    download failed or was refused), check them. Returning to review from a later step
    (an undone approval) changes no photo: no check then."""
    stored = to_status == Order.Status.ERROR or (
        to_status == Order.Status.READY_FOR_REVIEW and from_status in (*NOT_YET, Order.Status.ERROR)
    )
    if stored:
        enqueue_on_commit(TASK, order_id)


def thresholds() -> Thresholds:
    return Thresholds(
        hold_megapixels=settings.PHOTO_HOLD_MEGAPIXELS,
        hold_min_side=settings.PHOTO_HOLD_MIN_SIDE,
        warn_megapixels=settings.PHOTO_WARN_MEGAPIXELS,
        blur=settings.PHOTO_BLUR_THRESHOLD,
        dark=settings.PHOTO_DARK_LEVEL,
        bright=settings.PHOTO_BRIGHT_LEVEL,
    )


def order_intake_check(*, order_id: int) -> str:
    """Judge the order's current photo set and store the verdict. Idempotent.

    Per photo: unreadable, tiny (hold); low resolution, blurred, too dark, too bright
    (warn). Per book: an exact duplicate (same SHA-256, a hold on the later photo) or a
    near-duplicate (pHash within PHOTO_NEAR_DUPLICATE_DISTANCE, a warn); fewer photos
    than the variant's `/ N` (hold) or more (warn); no valid consent when required (hold).
    Stores the findings, the photos' pHashes, `intake_checked_at` and `intake_held`,
    records one history line, notifies the pages and sends `orders.signals.
    intake_checked` after commit. A second run on the same set finds the same and changes
    nothing ("unchanged"). Returns "held", "clear", "unchanged", "waiting" (photos still
    downloading), "stale" (the set changed while it was measured: the change queues a
    new check) or "missing". Raises StorageUnavailableError while the storage is away.
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return "missing"
    if order.status in NOT_YET:
        return "waiting"
    inputs = intake_inputs(order_id)
    verdict = _judge(order)
    return _store(order_id, inputs, verdict)


def _judge(order: Order) -> Verdict:
    verdict = Verdict()
    unconsented = {item.pk for item in line_items_without_consent(order)}
    limits = thresholds()
    for item in order.line_items.order_by("position").prefetch_related("images"):
        images = sorted(item.images.all(), key=lambda image: image.position)
        measures: dict[int, PhotoMeasure] = {}
        verdict.item_names[item.pk] = f"položka {item.position}"
        for image in images:
            verdict.image_names[image.pk] = f"položka {item.position}, fotka {image.position}"
            verdict.images[image.pk] = _photo_findings(
                image, limits, measures, skip_missing=item.pk in unconsented
            )
            if image.pk in measures:
                verdict.phashes[image.pk] = measures[image.pk].phash
        _book_duplicates(images, measures, verdict)
        verdict.items[item.pk] = _item_findings(item, len(images), item.pk in unconsented)
    return verdict


def _photo_findings(
    image: Image, limits: Thresholds, measures: dict[int, PhotoMeasure], *, skip_missing: bool
) -> list[dict[str, Any]]:
    if image.downloaded_at is None or not image.file:
        # Without consent the photos are not downloaded on purpose: only consent is missing.
        if skip_missing:
            return []
        return [finding("unreadable", reason=image.download_error or "Fotka není stažená.")]
    try:
        measure = photo_measure(_read(image))
    except ProcessingPermanentError as exc:
        return [finding("unreadable", reason=exc.message)]
    measures[image.pk] = measure
    return [finding(code, **params) for code, params in photo_judge(measure, limits)]


def _read(image: Image) -> bytes:
    try:
        return stored_read(image.file.name)
    except FileNotFoundError as exc:
        raise ProcessingPermanentError("Soubor fotky v úložišti chybí.") from exc
    except StorageUnavailable as exc:
        raise StorageUnavailableError(str(exc)) from exc


def _book_duplicates(
    images: list[Image], measures: dict[int, PhotoMeasure], verdict: Verdict
) -> None:
    """Within one book, the later of two equal photos is the duplicate (it names the
    earlier one); of two merely similar ones, the later gets the warning."""
    distance = settings.PHOTO_NEAR_DUPLICATE_DISTANCE
    seen: list[Image] = []
    for image in (image for image in images if image.pk in measures):
        same = next((o for o in seen if image.sha256 and o.sha256 == image.sha256), None)
        if same is not None:
            verdict.images[image.pk].append(finding("duplicate", other=same.position))
        else:
            phash = measures[image.pk].phash
            near = [o for o in seen if hamming(measures[o.pk].phash, phash) <= distance]
            if near:
                verdict.images[image.pk].append(finding("near_duplicate", other=near[0].position))
        seen.append(image)


def _item_findings(item: LineItem, count: int, unconsented: bool) -> list[dict[str, Any]]:
    found = []
    expected = variant_photo_count(item.variant_title)
    if expected is not None and count < expected:
        found.append(finding("missing_photos", count=count, expected=expected))
    elif expected is not None and count > expected:
        found.append(finding("extra_photos", count=count, expected=expected))
    if unconsented:
        found.append(finding("no_consent"))
    return found


@transaction.atomic
def _store(order_id: int, inputs: tuple[Any, ...], verdict: Verdict) -> str:
    order = Order.objects.select_for_update().get(pk=order_id)
    if intake_inputs(order_id) != inputs or order.status in NOT_YET:
        return "stale"
    held = holds(verdict.all_findings())
    if order.intake_checked_at is not None and _same(order, verdict, held):
        return "unchanged"
    images = list(Image.objects.filter(pk__in=verdict.images))
    for image in images:
        image.intake_findings = verdict.images[image.pk]
        image.phash = verdict.phashes.get(image.pk, "")
    Image.objects.bulk_update(images, ["intake_findings", "phash"])
    items = list(LineItem.objects.filter(pk__in=verdict.items))
    for item in items:
        item.intake_findings = verdict.items[item.pk]
    LineItem.objects.bulk_update(items, ["intake_findings"])
    Order.objects.filter(pk=order_id).update(intake_checked_at=timezone.now(), intake_held=held)
    order_event_log(order_id=order_id, actor=ACTOR, message=_event_text(verdict, held))
    order_changed_notify(order_id=order_id, order_number=order.order_number)
    transaction.on_commit(
        lambda: intake_checked.send_robust(sender=Order, order_id=order_id, held=held),
        robust=True,
    )
    return "held" if held else "clear"


def _same(order: Order, verdict: Verdict, held: bool) -> bool:
    stored_images = dict(
        Image.objects.filter(line_item__order=order).values_list("pk", "intake_findings")
    )
    stored_phashes = dict(Image.objects.filter(line_item__order=order).values_list("pk", "phash"))
    stored_items = dict(LineItem.objects.filter(order=order).values_list("pk", "intake_findings"))
    phashes = {pk: verdict.phashes.get(pk, "") for pk in verdict.images}
    return (
        order.intake_held == held
        and stored_images == verdict.images
        and stored_phashes == phashes
        and stored_items == verdict.items
    )


def _event_text(verdict: Verdict, held: bool) -> str:
    named = verdict.named()
    hold_lines = [
        f"{where}: {finding_label(item)}"
        for where, item in named
        if finding_kind(item).level == Level.HOLD
    ]
    warns = len(named) - len(hold_lines)
    warned = f"upozornění: {warns}" if warns else ""
    if not held:
        return "Kontrola fotek: v pořádku" + (f", {warned}" if warned else "")
    shown = "; ".join(hold_lines[:EVENT_HOLDS_SHOWN])
    if len(hold_lines) > EVENT_HOLDS_SHOWN:
        shown += f"; a další ({len(hold_lines) - EVENT_HOLDS_SHOWN})"
    return f"Kontrola fotek: zadrženo – {shown}" + (f" ({warned})" if warned else "")


def intake_checks_recover(*, now: datetime | None = None) -> list[str]:
    """Queue the check of every order past downloading that was never checked (its task
    was lost, or the order predates the checks). One line per order queued."""
    cutoff = (now or timezone.now()) - RECOVER_AFTER
    unchecked = Order.objects.filter(
        status__in=CHECKED_IN, intake_checked_at__isnull=True, updated_at__lt=cutoff
    ).values_list("pk", "order_number")
    lines = []
    for order_id, number in unchecked[:RECOVER_BATCH]:
        enqueue_on_commit(TASK, order_id)
        lines.append(f"{number} · kontrola fotek znovu zařazena")
    return lines
