"""Downloading an order's photos: bounded parallel fetches, verified, stored with a preview."""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from common.queueing import enqueue_on_commit
from common.storage import StorageUnavailable, stored_save
from orders.consent import line_items_without_consent
from orders.errors import PhotoRejected
from orders.models import Image, Order
from orders.photos import PhotoInfo, inspect_photo, make_preview
from orders.services import order_status_set

from ..download import FetchedPhoto, fetch_photo
from ..errors import PhotoDownloadError

logger = logging.getLogger(__name__)

ACTOR = "system:download"
# An order whose download made no progress for this long lost its worker.
DOWNLOAD_STALE_AFTER = timedelta(minutes=15)
MAX_ROUNDS = 3
CLAIMABLE = {Order.Status.PENDING, Order.Status.READY_FOR_REVIEW, Order.Status.ERROR}
NO_CONSENT = (
    "Fotky se nestahují: chybí platný souhlas zákazníka se zpracováním fotek "
    "({items}). Stáhnou se, až ho přinese synchronizace ze Shopify."
)


@dataclass
class PhotoOutcome:
    image: Image
    fetched: FetchedPhoto | None = None
    info: PhotoInfo | None = None
    preview: bytes = b""
    error: str = ""


def images_waiting(order_id: int) -> QuerySet[Image]:
    """Photos of the order with an address that are not downloaded (never, or failed).
    One whose address is unusable is tried too: it fails with the reason staff see."""
    return Image.objects.filter(line_item__order_id=order_id, downloaded_at__isnull=True).exclude(
        original_url=""
    )


def photos_download_enqueue(*, order_id: int) -> None:
    """Queue the order's photo download after commit."""
    enqueue_on_commit("shopify_sync.tasks.order_photos_download", order_id)


def order_photos_download(*, order_id: int) -> str:
    """Download every photo of the order that is still missing. Idempotent.

    Claims the order with a conditional UPDATE (pending/ready/error → downloading; a
    `downloading` order only when its claim went stale), so two workers never download
    one order at once. Photos already downloaded are skipped, so a re-sync retries only
    what failed. Ends in ready_for_review, or error with a status_message naming the
    photos that failed (each photo's reason is in its download_error). With
    PHOTO_CONSENT_REQUIRED, an order without a valid consent on every line item is not
    downloaded at all: it goes to error with the reason (the intake checks then hold
    it), and the sync that brings the consent downloads it.
    Returns "done", "failed", "no-consent" or "skipped".
    """
    if _consent_refuse(order_id):
        return "no-consent"
    if not _claim(order_id):
        return "skipped"
    failures: list[str] = []
    attempted: set[int] = set()
    try:
        for _ in range(MAX_ROUNDS):
            # Photos added by a sync while this ran are picked up by the next round.
            waiting = images_waiting(order_id).exclude(pk__in=attempted)
            batch = list(waiting.select_related("line_item"))
            if not batch:
                break
            attempted.update(image.pk for image in batch)
            failures += _download_batch(order_id, batch)
    except StorageUnavailable as exc:
        _storage_away(order_id, exc)
        raise
    return _finish(order_id, failures)


def _storage_away(order_id: int, exc: StorageUnavailable) -> None:
    # Back to pending, so the task's retry (or the sweep's, once retries run out) claims
    # it again; the photos stored so far are kept and not fetched twice.
    order_status_set(
        order_id=order_id,
        status=Order.Status.PENDING,
        actor=ACTOR,
        message=f"Fotky nelze uložit: {exc} Stahování se zopakuje, až bude úložiště zpět.",
        expected={Order.Status.DOWNLOADING},
    )


def _consent_refuse(order_id: int) -> bool:
    """Refuse the download of an order without consent; True when refused. A refusal
    already recorded is not recorded again (every sync would repeat it)."""
    order = Order.objects.filter(pk=order_id, status__in=CLAIMABLE).first()
    if order is None:
        return False
    missing = line_items_without_consent(order)
    if not missing:
        return False
    label = "položka" if len(missing) == 1 else "položky"
    positions = ", ".join(str(item.position) for item in missing)
    message = NO_CONSENT.format(items=f"{label} {positions}")
    if order.status != Order.Status.ERROR or order.status_message != message:
        order_status_set(
            order_id=order_id,
            status=Order.Status.ERROR,
            actor=ACTOR,
            message=message,
            expected=CLAIMABLE,
        )
    return True


def _claim(order_id: int) -> bool:
    if order_status_set(
        order_id=order_id, status=Order.Status.DOWNLOADING, actor=ACTOR, expected=CLAIMABLE
    ):
        return True
    stale = timezone.now() - DOWNLOAD_STALE_AFTER
    return bool(
        Order.objects.filter(
            pk=order_id, status=Order.Status.DOWNLOADING, updated_at__lt=stale
        ).update(updated_at=timezone.now())
    )


def _download_batch(order_id: int, images: list[Image]) -> list[str]:
    failures = []
    with (
        tempfile.TemporaryDirectory(prefix="fm-photos-") as tmp,
        ThreadPoolExecutor(max_workers=settings.PHOTO_DOWNLOAD_CONCURRENCY) as pool,
    ):
        jobs = [pool.submit(_fetch_and_check, image, Path(tmp)) for image in images]
        for job in jobs:
            outcome = job.result()
            _store(outcome)
            # A heartbeat: the sweep leaves alone a download that makes progress.
            Order.objects.filter(pk=order_id).update(updated_at=timezone.now())
            if outcome.error:
                failures.append(f"{_label(outcome.image)}: {outcome.error}")
    return failures


def _fetch_and_check(image: Image, tmp: Path) -> PhotoOutcome:
    """Network and image work only (runs in a pool thread, no database access)."""
    outcome = PhotoOutcome(image)
    try:
        outcome.fetched = fetch_photo(image.original_url, tmp / f"photo-{image.pk}")
        outcome.info = inspect_photo(outcome.fetched.path, max_pixels=settings.PHOTO_MAX_PIXELS)
        outcome.preview = make_preview(outcome.fetched.path, size=settings.PHOTO_PREVIEW_SIZE)
    except (PhotoDownloadError, PhotoRejected) as exc:
        outcome.error = str(exc)
    except Exception as exc:  # a bug must fail this photo visibly, not the whole order
        logger.exception("Unexpected error downloading image %s", image.pk)
        outcome.error = f"Neočekávaná chyba: {exc.__class__.__name__}: {exc}"
    return outcome


def _store(outcome: PhotoOutcome) -> None:
    image = outcome.image
    if outcome.error or outcome.fetched is None or outcome.info is None:
        Image.objects.filter(pk=image.pk).update(download_error=outcome.error)
        return
    info, fetched = outcome.info, outcome.fetched
    name = image.file.field.generate_filename(image, f"image.{info.extension}")
    preview_name = image.preview.field.generate_filename(image, "preview.jpg")
    with fetched.path.open("rb") as source:
        stored_save(name, File(source))
    stored_save(preview_name, outcome.preview)
    Image.objects.filter(pk=image.pk).update(
        file=name,
        preview=preview_name,
        content_type=info.content_type,
        size=fetched.size,
        sha256=fetched.sha256,
        width=info.width,
        height=info.height,
        downloaded_at=timezone.now(),
        download_error="",
    )


def _label(image: Image) -> str:
    return f"Fotka {image.position} (položka {image.line_item.position})"


@transaction.atomic
def _finish(order_id: int, failures: list[str]) -> str:
    if failures:
        order_status_set(
            order_id=order_id,
            status=Order.Status.ERROR,
            actor=ACTOR,
            message="Nepodařilo se stáhnout: " + "; ".join(failures),
            expected={Order.Status.DOWNLOADING},
        )
        return "failed"
    order_status_set(
        order_id=order_id,
        status=Order.Status.READY_FOR_REVIEW,
        actor=ACTOR,
        expected={Order.Status.DOWNLOADING},
    )
    return "done"
