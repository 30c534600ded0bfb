"""Status changes of versions: conditional UPDATE claims, completion, failure, events, audit.

Every change of a version's status goes through `transition`, which is one
`UPDATE … WHERE pk = … AND status IN (…)`: zero rows means another worker (or a
duplicate delivery of the same task) got there first, and the caller backs off. The
live events and the audit row are tied to the same transaction, so they appear only
when the change committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat
from django.utils import timezone

from orders.models import Image, OrderEvent
from orders.services import order_changed_notify
from processing.errors import ProcessingPermanentError, ProcessingTransientError
from processing.models import (
    COLORING_IN_PROGRESS,
    FINAL_STATUSES,
    SVG_IN_PROGRESS,
    ColoringVersion,
    SvgVersion,
)
from processing.signals import version_changed

Version = ColoringVersion | SvgVersion
SYSTEM = "system"
STARTABLE = frozenset({"pending", "queued"})
MESSAGE_LIMIT = 2000
# What a backend step produces: the file and extra fields for the completing UPDATE.
Output = tuple[bytes, dict[str, Any]]


def version_load(model: type[Version], version_id: int) -> Version:
    """The version with its image, line item and order (one query)."""
    related = ["image__line_item__order"]
    if model is SvgVersion:
        related.append("coloring_version")
    return model.objects.select_related(*related).get(pk=version_id)


def status_type(version: Version) -> str:
    return "coloring" if isinstance(version, ColoringVersion) else "svg"


def in_progress(version: Version) -> frozenset[str]:
    return COLORING_IN_PROGRESS if isinstance(version, ColoringVersion) else SVG_IN_PROGRESS


def version_label(version: Version) -> str:
    kind = "Omalovánka" if isinstance(version, ColoringVersion) else "SVG"
    image = version.image
    return f"{kind} v{version.version} (fotka {image.position}, položka {image.line_item.position})"


def history_line(message: str) -> str:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    return f"{stamp} {message}\n"


def transition(
    version: Version,
    *,
    from_statuses: Iterable[str],
    to: str,
    where: dict[str, Any] | None = None,
    note: str = "",
    **fields: Any,
) -> bool:
    """Move `version` to `to` only if its row is in `from_statuses` (and matches `where`).

    Returns whether this call made the change. On success the instance is updated and,
    once the transaction commits, an `image_status` event is sent when the status
    changed, plus `order_update`/`list_update` when it became final. `note` is appended
    to the version's history.
    """
    now = timezone.now()
    updates: dict[str, Any] = {"status": to, "updated_at": now, **fields}
    if note:
        updates["error_history"] = Concat(F("error_history"), Value(history_line(note)))
    rows = type(version).objects.filter(pk=version.pk, status__in=list(from_statuses))
    if not rows.filter(**(where or {})).update(**updates):
        return False
    previous = version.status
    _apply(version, updates)
    if previous != to:
        status_changed_notify(version)
    return True


def _apply(version: Version, updates: dict[str, Any]) -> None:
    expressions = [name for name, value in updates.items() if isinstance(value, Combinable)]
    for name, value in updates.items():
        if name not in expressions:
            setattr(version, name, value)
    if expressions:
        version.refresh_from_db(fields=expressions)


def status_changed_notify(version: Version) -> None:
    """After commit: `version_changed`; for a final status also the order's `order_changed`."""
    order = version.image.line_item.order
    number = order.number
    event = {
        "type": "image_status",
        "order_number": number,
        "image_id": version.image_id,
        "status_type": status_type(version),
        "version_id": version.pk,
        "status": version.status,
    }
    transaction.on_commit(
        partial(
            version_changed.send_robust,
            sender=type(version),
            kind=status_type(version),
            order_id=order.pk,
            order_number=number,
            parent_id=version.image_id,
            version_id=version.pk,
            status=version.status,
            event=event,
        ),
        robust=True,
    )
    if version.status in FINAL_STATUSES:
        order_changed_notify(order_id=order.pk, order_number=order.order_number)


def audit(version: Version, *, actor: str, message: str) -> None:
    """One audit-trail row on the version's order: who did what to which version."""
    OrderEvent.objects.create(
        order_id=version.image.line_item.order_id,
        actor=actor,
        message=f"{version_label(version)}: {message}",
    )


def version_fail(version: Version, message: str, *, actor: str = SYSTEM, **fields: Any) -> bool:
    """Set `error` with `message` from any in-progress status. False if already final."""
    message = message[:MESSAGE_LIMIT]
    with transaction.atomic():
        failed = transition(
            version,
            from_statuses=in_progress(version),
            to="error",
            note=f"Chyba: {message}",
            error_message=message,
            **fields,
        )
        if failed:
            audit(version, actor=actor, message=f"chyba – {message}")
    return failed


def version_complete(
    version: Version,
    *,
    from_statuses: Iterable[str],
    data: bytes,
    where: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Store `data` as the version's file and set `completed`; auto-select it if due.

    The file goes to the version's fixed path first (a re-run overwrites it), then one
    conditional UPDATE decides who completes. The image row is locked before it, so
    two versions of one image completing together cannot both become selected.
    """
    name = output_store(version, data)
    with transaction.atomic():
        Image.objects.select_for_update().filter(pk=version.image_id).values_list("pk").get()
        done = transition(
            version,
            from_statuses=from_statuses,
            to="completed",
            where=where,
            file=name,
            completed_at=timezone.now(),
            error_message="",
            **fields,
        )
        if done:
            selected = _auto_select(version)
            audit(version, actor=SYSTEM, message="hotovo" + (", vybrána" if selected else ""))
    return done


def _auto_select(version: Version) -> bool:
    """Select a completed version unless the image already has a completed one selected.

    A manual choice is never overridden (the old system let the last version to finish
    win, undoing staff's choice).
    """
    model = type(version)
    siblings = model.objects.filter(image_id=version.image_id)
    if siblings.filter(is_selected=True, status="completed").exists():
        return False
    siblings.filter(is_selected=True).update(is_selected=False)
    siblings.filter(pk=version.pk).update(is_selected=True)
    version.is_selected = True
    return True


def output_store(version: Version, data: bytes) -> str:
    """Write the result to the version's fixed path (`…/coloring/v{n}/image_{p}.png`).

    Deterministic, so a duplicate run overwrites instead of leaving a second file;
    the old file is deleted first because FileSystemStorage would pick a new name.
    """
    field = type(version)._meta.get_field("file")
    name = field.generate_filename(version, "result")
    field.storage.delete(name)
    return field.storage.save(name, ContentFile(data))


def file_read(field: Any, *, what: str) -> bytes:
    """The bytes of a stored file; a missing file is permanent, a storage hiccup is not."""
    if not field:
        raise ProcessingPermanentError(f"{what}: soubor není uložený.")
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as exc:
        raise ProcessingPermanentError(f"{what} chybí v úložišti ({field.name}).") from exc
    except OSError as exc:
        raise ProcessingTransientError(f"Úložiště teď nelze číst ({exc}).") from exc


def claim(version: Version, *, to: str, where: dict[str, Any] | None = None, **fields: Any) -> bool:
    """Take a version that waits to start (`pending`/`queued`) and move it to `to`."""
    return transition(
        version,
        from_statuses=STARTABLE,
        to=to,
        where=where,
        started_at=timezone.now() if version.started_at is None else version.started_at,
        **fields,
    )


def sync_run(version: Version, *, working: str, produce: Callable[[], Output]) -> str:
    """Claim a waiting version, make its file with `produce`, store it and complete.

    For one-call backends (local filters, Vectorizer.ai). A ProcessingTransientError puts
    the version back to `queued` before it propagates, so the task's retry can claim it
    again; a ProcessingPermanentError propagates and the task's failure handler fails it.
    Returns "completed" or "skipped-<status>".
    """
    if not claim(version, to=working):
        return f"skipped-{version.status}"
    try:
        data, fields = produce()
    except ProcessingTransientError as exc:
        note = f"Zpracování selhalo, zkusí se znovu: {exc.message}"
        transition(version, from_statuses={working}, to="queued", note=note)
        raise
    done = version_complete(version, from_statuses={working}, data=data, **fields)
    return "completed" if done else "skipped-moved-on"
