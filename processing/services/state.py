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

from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat
from django.utils import timezone

from common.storage import StorageUnavailable, stored_read, stored_save
from orders.models import Order, OrderEvent
from orders.services import order_changed_notify
from processing.errors import (
    ProcessingPermanentError,
    ProcessingTransientError,
    StorageUnavailableError,
)
from processing.kinds import V, VersionKind, kind_of
from processing.models import FINAL_STATUSES, STARTABLE, VersionBase, VersionStatus
from processing.outputs import flag_labels
from processing.signals import version_changed

from .costs import version_cost
from .stash import Output, result_forget, result_keep, result_kept

# Any kind's version; what differs between kinds comes from `kind_of(version)`.
Version = VersionBase
SYSTEM = "system"
MESSAGE_LIMIT = 2000
# Why a version of a cancelled order ended (processing.services.cancellation).
CANCELLED_MESSAGE = "Objednávka byla zrušena."


def version_load(kind: VersionKind[V], version_id: int) -> V:
    """The version with its parent and order (one query); DoesNotExist if none."""
    return kind.load(version_id)


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
    once the transaction commits, `version_changed` (the kind's event) is sent when the
    status changed, plus `order_update`/`list_update` when it became final. `note` is appended
    to the version's history.
    """
    now = timezone.now()
    updates: dict[str, Any] = {"status": to, "updated_at": now, **fields}
    if note:
        updates["error_history"] = Concat(F("error_history"), Value(history_line(note)))
    rows = type(version)._default_manager.filter(pk=version.pk, status__in=list(from_statuses))
    if not rows.filter(**(where or {})).update(**updates):
        return False
    previous = version.status
    _apply(version, updates)
    # A new reason on the card is news too, even when the status stays.
    if previous != to or "error_message" in fields:
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
    kind = kind_of(version)
    order = kind.order_of(version)
    transaction.on_commit(
        partial(
            version_changed.send_robust,
            sender=kind.model,
            kind=kind.name,
            order_id=order.pk,
            order_number=order.number,
            parent_id=kind.parent_id(version),
            version_id=version.pk,
            status=version.status,
            event=kind.event(version),
        ),
        robust=True,
    )
    if version.status in FINAL_STATUSES:
        order_changed_notify(order_id=order.pk, order_number=order.order_number)


def audit(version: Version, *, actor: str, message: str) -> None:
    """One audit-trail row on the version's order: who did what to which version."""
    kind = kind_of(version)
    OrderEvent.objects.create(
        order_id=kind.order_of(version).pk,
        actor=actor,
        message=f"{kind.describe(version)}: {message}",
    )


def parent_lock(version: Version) -> None:
    """Lock the row the version belongs to: serialises numbering, completion and selection
    of its versions (SELECT … FOR UPDATE; SQLite's IMMEDIATE transaction holds its write
    lock already)."""
    kind = kind_of(version)
    rows = kind.parent_model._default_manager.select_for_update()
    rows.filter(pk=kind.parent_id(version)).values_list("pk").get()


def version_fail(version: Version, message: str, *, actor: str = SYSTEM, **fields: Any) -> bool:
    """Set `error` with `message` from any in-progress status. False if already final.

    What the failed run cost is stored with it (a RunPod job that ran and failed was paid),
    unless the caller knows better and passes `cost` itself.
    """
    message = message[:MESSAGE_LIMIT]
    if "cost" not in fields:
        fields["cost"] = version_cost(version, failed=True, fields=fields)
    with transaction.atomic():
        failed = transition(
            version,
            from_statuses=kind_of(version).in_progress,
            to=VersionStatus.ERROR,
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

    First the kind's `finish` (clean-up and output checks) rewrites and flags the
    result, whichever backend made it; a re-run does the same to the same bytes. The
    file goes to the version's fixed path (a re-run overwrites it), then one
    conditional UPDATE decides who completes. The parent row (the photo) is locked
    before it, so two versions of one photo completing together cannot both become
    selected. Its cost is stored in the same UPDATE (`costs.version_cost`). Raises
    ProcessingPermanentError when the result cannot be read.
    """
    data, finished = _finished(version, data)
    name = output_store(version, data)
    fields["cost"] = version_cost(version, failed=False, fields=fields)
    with transaction.atomic():
        parent_lock(version)
        done = transition(
            version,
            from_statuses=from_statuses,
            to=VersionStatus.COMPLETED,
            where=where,
            file=name,
            completed_at=timezone.now(),
            error_message="",
            **finished,
            **fields,
        )
        if done:
            selected = _auto_select(version)
            audit(version, actor=SYSTEM, message=_completed_message(version, selected=selected))
    return done


def _finished(version: Version, data: bytes) -> tuple[bytes, dict[str, Any]]:
    """The bytes to store and the completing UPDATE's extra fields (flags, history note)."""
    finish = kind_of(version).finish
    if finish is None:
        return data, {}
    finished = finish(data)
    return finished.data, {"flags": finished.flags, "note": finished.note}


def _completed_message(version: Version, *, selected: bool) -> str:
    if selected:
        return "hotovo, vybrána"
    if version.flags:
        return f"hotovo, nevybrána automaticky ({'; '.join(flag_labels(version.flags))})"
    return "hotovo"


def _auto_select(version: Version) -> bool:
    """Select a completed version unless its parent already has a completed one selected.

    A manual choice is never overridden (the old system let the last version to finish
    win, undoing staff's choice). Only for kinds that are selected at all, and never for
    a flagged version (staff may still select it by hand).
    """
    kind = kind_of(version)
    if not kind.auto_select or version.flags:
        return False
    siblings = siblings_of(version)
    if siblings.filter(is_selected=True, status=VersionStatus.COMPLETED).exists():
        return False
    siblings.filter(is_selected=True).update(is_selected=False)
    siblings.filter(pk=version.pk).update(is_selected=True)
    version.is_selected = True
    return True


def siblings_of(version: Version) -> QuerySet[Any]:
    """The versions of the same kind and parent, this one included."""
    kind = kind_of(version)
    return type(version)._default_manager.filter(**{kind.parent_id_field: kind.parent_id(version)})


def output_store(version: Version, data: bytes) -> str:
    """Write the result to the version's fixed path (`…/coloring/v{n}/image_{p}.png`).

    Deterministic, so a duplicate run overwrites instead of leaving a second file.
    """
    field: Any = type(version)._meta.get_field("file")
    name = field.generate_filename(version, "result")
    try:
        return stored_save(name, data)
    except StorageUnavailable as exc:
        raise StorageUnavailableError(str(exc)) from exc


def file_read(field: Any, *, what: str) -> bytes:
    """The bytes of a stored file; a missing file is permanent, a storage outage is not."""
    if not field:
        raise ProcessingPermanentError(f"{what}: soubor není uložený.")
    try:
        return stored_read(field.name)
    except FileNotFoundError as exc:
        raise ProcessingPermanentError(f"{what} chybí v úložišti ({field.name}).") from exc
    except StorageUnavailable as exc:
        raise StorageUnavailableError(str(exc)) from exc


def claim(version: Version, *, to: str, where: dict[str, Any] | None = None, **fields: Any) -> bool:
    """Take a version that waits to start (`pending`/`queued`) and move it to `to`.

    A version of a cancelled order is never started: it ends in `error` instead (no paid
    call is made for it), whatever stop of the order's work is still on its way.
    """
    if kind_of(version).order_of(version).status == Order.Status.CANCELLED:
        version_fail(version, CANCELLED_MESSAGE)
        return False
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
    the version back to `queued`, with the reason on its card, before it propagates, so
    the task's retry can claim it again; a ProcessingPermanentError propagates and the
    task's failure handler fails it. A result that was made but could not be stored is
    kept (`stash`), so the retry stores it without paying for it again.
    Returns "completed" or "skipped-<status>".
    """
    if not claim(version, to=working):
        return f"skipped-{version.status}"
    kept = result_kept(version)
    output = kept
    try:
        output = kept or produce()
        done = version_complete(version, from_statuses={working}, data=output[0], **output[1])
    except ProcessingTransientError as exc:
        if output is not None and kept is None:
            result_keep(version, output)
        note = f"Zpracování selhalo, zkusí se znovu: {exc.message}"
        transition(
            version,
            from_statuses={working},
            to=VersionStatus.QUEUED,
            note=note,
            error_message=note[:MESSAGE_LIMIT],
        )
        raise
    if kept is not None:
        result_forget(version)
    return "completed" if done else "skipped-moved-on"
