"""Manual orders: staff enter an order by hand and upload its photos themselves.

From the moment it exists a manual order is an ordinary order (same rows, pipeline,
pages, API and events), only with no Shopify ids and a number of its own series,
`#M1000`, `#M1001`, …. Its photos are checked exactly like downloaded ones
(`orders.photos`: type, size, pixel count, HEIC, completeness), stored through
`common.storage` with their preview, and so the order starts "downloaded", in
`ready_for_review`.

Uploads are kept in a draft (`DraftPhoto`, keyed by the form's draft id) as soon as
they are accepted, before the rest of the form is checked: a form refused for another
reason (a bad file beside good ones, a missing title) shows the accepted photos again
instead of asking for them to be chosen again. The order itself is created in one
transaction, or not at all.
"""

from __future__ import annotations

import logging
import posixpath
import secrets
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.storage import stored_delete, stored_save, stored_stream

from ..errors import ManualOrderInvalid, PhotoRejected
from ..models import (
    LAYOUTS,
    DraftPhoto,
    Image,
    LineItem,
    ManualOrderSequence,
    Order,
    variant_photo_count,
)
from ..photos import PhotoInfo, inspect_photo, make_preview, too_large, write_capped
from . import order_changed_notify, order_event_log, order_status_set

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "#M"
FIRST_NUMBER = 1000
MAX_ITEMS = 20
# Per line item: the largest product holds 16 photos ("… / 16").
MAX_PHOTOS = 16
MAX_QUANTITY = 100
MAX_TEXT = 255
MAX_DEDICATION = 2000
FieldErrors = dict[str, list[str]]


@dataclass
class ManualItem:
    """One line item (one book) as staff typed it; texts are taken as typed."""

    title: str = ""
    variant_title: str = ""
    dedication: str = ""
    layout: str = ""
    quantity: str = "1"
    photos: list[int] = field(default_factory=list)  # DraftPhoto ids, in book order
    uploads: list[File] = field(default_factory=list)  # new files, to follow `photos`


@dataclass
class ManualOrder:
    draft: uuid.UUID
    customer_name: str = ""
    customer_email: str = ""
    items: list[ManualItem] = field(default_factory=list)


def manual_photos_keep(*, data: ManualOrder) -> list[list[str]]:
    """Check every new upload of `data` and keep the accepted ones in its draft.

    Updates `data` in place: accepted uploads join their item's `photos` (as DraftPhoto
    ids) and `uploads` is emptied; ids that are not (any longer) in the draft are
    dropped. Returns, per item, a Czech sentence for each refused file (named) and for
    photos that were lost. Each kept photo is committed on its own, outside any order.
    Raises StorageUnavailable when the file storage does not answer.
    """
    report: list[list[str]] = []
    for item in data.items:
        errors = _drop_unknown(data.draft, item)
        for upload in item.uploads:
            name = posixpath.basename(upload.name or "") or "bez názvu"
            try:
                item.photos.append(_keep(data.draft, name, upload).pk)
            except PhotoRejected as exc:
                errors.append(f"„{name}“: {exc}")
        item.uploads = []
        report.append(errors)
    return report


def _drop_unknown(draft: uuid.UUID, item: ManualItem) -> list[str]:
    rows = DraftPhoto.objects.filter(draft=draft, pk__in=item.photos)
    known = set(rows.values_list("pk", flat=True))
    kept = [pk for pk in item.photos if pk in known]
    lost = len(item.photos) - len(kept)
    item.photos = kept
    if not lost:
        return []
    return [
        f"Dříve nahraných fotek už není k dispozici: {lost} (koncept vypršel). "
        "Vyberte je prosím znovu."
    ]


def _keep(draft: uuid.UUID, name: str, upload: File) -> DraftPhoto:
    """Check one file like a downloaded photo; store it and its preview in the draft."""
    limit = settings.PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PhotoRejected(too_large(limit))  # refused before a byte is copied
    with tempfile.TemporaryDirectory(prefix="fm-upload-") as tmp:
        path = Path(tmp) / "photo"
        size, sha256 = write_capped(upload.chunks(), path, limit=limit)
        if size == 0:
            raise PhotoRejected("Soubor je prázdný.")
        info, preview = _checked(path)
        photo = DraftPhoto(
            draft=draft,
            token=secrets.token_hex(16),
            name=name[:MAX_TEXT],
            content_type=info.content_type,
            size=size,
            sha256=sha256,
            width=info.width,
            height=info.height,
        )
        photo.file.name = photo.file.field.generate_filename(photo, f"photo.{info.extension}")
        photo.preview.name = photo.preview.field.generate_filename(photo, "preview.jpg")
        with path.open("rb") as source:
            stored_save(photo.file.name, File(source))
        stored_save(photo.preview.name, preview)
    photo.save()
    return photo


def _checked(path: Path) -> tuple[PhotoInfo, bytes]:
    try:
        info = inspect_photo(path, max_pixels=settings.PHOTO_MAX_PIXELS)
        return info, make_preview(path, size=settings.PHOTO_PREVIEW_SIZE)
    except PhotoRejected:
        raise
    except Exception as exc:  # a bug (or Pillow's) must refuse this file, not the whole form
        logger.exception("Unexpected error checking an uploaded photo")
        raise PhotoRejected(f"Neočekávaná chyba: {exc.__class__.__name__}: {exc}") from exc


# --- validation ---


def manual_order_validate(data: ManualOrder) -> tuple[FieldErrors, list[FieldErrors]]:
    """Czech messages for what is missing or wrong, by field (the photos as kept)."""
    errors: FieldErrors = {}
    if not data.customer_name.strip():
        errors["customer_name"] = ["Vyplňte jméno zákazníka."]
    elif len(data.customer_name.strip()) > MAX_TEXT:
        errors["customer_name"] = [f"Jméno může mít nejvýš {MAX_TEXT} znaků."]
    email = data.customer_email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["customer_email"] = ["Zadejte platný e-mail, nebo pole nechte prázdné."]
    if not data.items:
        errors["items"] = ["Objednávka potřebuje aspoň jednu položku."]
    elif len(data.items) > MAX_ITEMS:
        errors["items"] = [f"Objednávka může mít nejvýš {MAX_ITEMS} položek."]
    return errors, [_item_errors(item) for item in data.items]


def _item_errors(item: ManualItem) -> FieldErrors:
    checks: dict[str, Callable[[ManualItem], str]] = {
        "title": _title_error,
        "variant_title": _variant_error,
        "layout": lambda i: "" if i.layout in LAYOUTS else "Vyberte rozvržení.",
        "quantity": _quantity_error,
        "dedication": lambda i: (
            f"Věnování může mít nejvýš {MAX_DEDICATION} znaků."
            if len(i.dedication) > MAX_DEDICATION
            else ""
        ),
        "photos": _photos_error,
    }
    return {name: [message] for name, check in checks.items() if (message := check(item))}


def _title_error(item: ManualItem) -> str:
    if not item.title.strip():
        return "Vyplňte název položky."
    return f"Název může mít nejvýš {MAX_TEXT} znaků." if len(item.title) > MAX_TEXT else ""


def _variant_error(item: ManualItem) -> str:
    count = variant_photo_count(item.variant_title)
    if len(item.variant_title) > MAX_TEXT or count is None or not 1 <= count <= MAX_PHOTOS:
        return (
            f"Varianta musí končit počtem fotek v knize (1 až {MAX_PHOTOS}), "
            "např. „Omalovánka z vlastních fotek / 8“."
        )
    return ""


def _quantity_error(item: ManualItem) -> str:
    quantity = item.quantity.strip()
    if not quantity.isdigit() or not 1 <= int(quantity) <= MAX_QUANTITY:
        return f"Počet výtisků musí být celé číslo od 1 do {MAX_QUANTITY}."
    return ""


def _photos_error(item: ManualItem) -> str:
    if not item.photos:
        return "Nahrajte aspoň jednu fotku."
    if len(item.photos) > MAX_PHOTOS:
        return f"Položka může mít nejvýš {MAX_PHOTOS} fotek (má {len(item.photos)})."
    return ""


# --- creation ---


def manual_order_create(*, data: ManualOrder, actor: str) -> Order:
    """Create the manual order `data` describes, with its photos, in one transaction.

    New uploads are kept in the draft first (see `manual_photos_keep`; `data` is
    updated in place), then everything is checked. Raises ManualOrderInvalid (Czech
    messages by field) and creates no order, line item or image when anything is
    wrong; `data` then holds the photos kept so far, to show again. Raises
    StorageUnavailable when the file storage does not answer (nothing created either).

    The order gets the next `#M…` number, its photos are copied from the draft to the
    seed's layout, and it is ready for review at once; the draft is emptied. Sends
    `order_changed` (a new order) after commit. Not idempotent by design: every call
    is a new order (a double click is prevented by the form's disabled button).
    """
    photo_errors = manual_photos_keep(data=data)
    errors, item_errors = manual_order_validate(data)
    for item, item_error, refused in zip(data.items, item_errors, photo_errors, strict=True):
        if refused:  # "upload a photo" would only repeat it when every file was refused
            item_error["photos"] = [
                *refused,
                *(item_error.get("photos", []) if item.photos else []),
            ]
    if errors or any(item_errors):
        raise ManualOrderInvalid(errors, item_errors)
    return _create(data, actor)


@transaction.atomic
def _create(data: ManualOrder, actor: str) -> Order:
    order = Order.objects.create(
        order_number=f"{NUMBER_PREFIX}{_number_take()}",
        customer_name=data.customer_name.strip(),
        customer_email=data.customer_email.strip(),
    )
    drafts = DraftPhoto.objects.in_bulk([pk for item in data.items for pk in item.photos])
    written: list[str] = []
    try:
        for position, item in enumerate(data.items, start=1):
            line_item = LineItem.objects.create(
                order=order,
                position=position,
                title=item.title.strip(),
                variant_title=item.variant_title.strip(),
                quantity=int(item.quantity),
                dedication=item.dedication.strip(),
                layout=item.layout,
            )
            for number, pk in enumerate(item.photos, start=1):
                _image_from_draft(line_item, number, drafts[pk], written)
    except BaseException:
        _delete_quietly(written)  # the rollback undoes the rows; these files go too
        raise
    _draft_consume(data.draft)
    order_event_log(order_id=order.pk, actor=actor, message="Ruční objednávka vytvořena")
    order_changed_notify(order_id=order.pk, order_number=order.order_number, created=True)
    order_status_set(
        order_id=order.pk,
        status=Order.Status.READY_FOR_REVIEW,
        actor=actor,
        expected={Order.Status.PENDING},
    )
    order.refresh_from_db()
    return order


def _number_take() -> int:
    """The next manual number. The counter row stays locked until the creating
    transaction ends, so concurrent creators take turns, and a rollback gives the
    number back."""
    row = ManualOrderSequence.objects.select_for_update().filter(pk=1).first()
    if row is None:
        row = _sequence_start()
    ManualOrderSequence.objects.filter(pk=1).update(next_value=row.next_value + 1)
    return row.next_value


def _sequence_start() -> ManualOrderSequence:
    """Create the counter, past any `#M` number already in use (a database whose
    counter was lost must not repeat one)."""
    used = Order.objects.filter(order_number__regex=r"^#M[0-9]+$").values_list(
        "order_number", flat=True
    )
    start = max([FIRST_NUMBER - 1, *(int(n.removeprefix(NUMBER_PREFIX)) for n in used)]) + 1
    try:
        with transaction.atomic():
            ManualOrderSequence.objects.create(pk=1, next_value=start)
    except IntegrityError:
        pass  # a concurrent first creator made it: wait for its lock below
    return ManualOrderSequence.objects.select_for_update().get(pk=1)


def _image_from_draft(
    line_item: LineItem, position: int, photo: DraftPhoto, written: list[str]
) -> None:
    image = Image(
        line_item=line_item,
        position=position,
        content_type=photo.content_type,
        size=photo.size,
        sha256=photo.sha256,
        width=photo.width,
        height=photo.height,
        downloaded_at=timezone.now(),
    )
    extension = posixpath.splitext(photo.file.name)[1]
    image.file.name = image.file.field.generate_filename(image, f"image{extension}")
    image.preview.name = image.preview.field.generate_filename(image, "preview.jpg")
    for source, target in (
        (photo.file.name, image.file.name),
        (photo.preview.name, image.preview.name),
    ):
        _copy(source, target)
        written.append(target)
    image.save()


def _copy(source: str, target: str) -> None:
    """Copy a stored file in chunks (a photo is never held whole in memory)."""
    stream = stored_stream(source)
    try:
        stored_save(target, File(stream.handle))
    finally:
        stream.handle.close()


def _draft_consume(draft: uuid.UUID) -> None:
    """The order holds the photos now: the draft goes (its files once this commits)."""
    photos = DraftPhoto.objects.filter(draft=draft)
    names = [name for photo in photos for name in (photo.file.name, photo.preview.name)]
    photos.delete()
    transaction.on_commit(lambda: _delete_quietly(names), robust=True)


def _delete_quietly(names: Iterable[str]) -> None:
    for name in names:
        try:
            stored_delete(name)
        except Exception:  # an orphan file is harmless; the caller's outcome is not
            logger.warning("Could not delete stored file %s", name, exc_info=True)


def manual_drafts_expire(*, now: datetime | None = None) -> int:
    """Delete draft photos older than MANUAL_DRAFT_HOURS (files first, then the row, so
    a storage outage leaves the row for the next run). Idempotent; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.MANUAL_DRAFT_HOURS)
    count = 0
    for photo in DraftPhoto.objects.filter(created_at__lt=cutoff):
        stored_delete(photo.file.name)
        stored_delete(photo.preview.name)
        photo.delete()
        count += 1
    return count
