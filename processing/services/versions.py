"""Creating, numbering, retrying and selecting versions: what staff and the API ask for.

Every public function here validates first and changes nothing when it raises;
whatever it queues is queued after the transaction commits. `actor` says who asked
("user:jana", "api:jana", "system") and goes into the order's audit trail.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real
from typing import Any

from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone

from orders.models import Image, Order
from orders.services import order_changed_notify
from processing import selectors
from processing.errors import IntakeHoldError, ProcessingRuleError, ProcessingValidationError
from processing.kinds import COLORING, SVG, V, VersionKind, kind_of
from processing.models import (
    DEFAULT_GROUP_BY,
    DEFAULT_MEGAPIXELS,
    DEFAULT_SHAPE_STACKING,
    DEFAULT_STEPS,
    ColoringVersion,
    GroupBy,
    ShapeStacking,
    SvgVersion,
    VersionStatus,
)

from .cancellation import order_active_check
from .enqueue import version_start_enqueue
from .retention import order_files_check
from .state import Version, audit, parent_lock, siblings_of, status_changed_notify, transition

MEGAPIXELS_MIN, MEGAPIXELS_MAX, MEGAPIXELS_STEP = 0.5, 8.0, 0.5
STEPS_MIN, STEPS_MAX = 1, 20


def version_number_allocate(*, kind: VersionKind, parent_id: int) -> int:
    """Return the next version number of `kind` for one parent (a photo). Call inside a
    transaction.

    The parent row is locked first, so two concurrent allocations for one photo are
    serialised (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction
    already holds the database's write lock) and get n and n+1, never the same number.
    Raises DoesNotExist for an unknown parent.
    """
    rows = kind.parent_model._default_manager.select_for_update()
    rows.filter(pk=parent_id).values_list("pk", flat=True).get()
    versions = kind.model._default_manager.filter(**{kind.parent_id_field: parent_id})
    last = versions.aggregate(last=Max("version"))["last"]
    return (last or 0) + 1


@transaction.atomic
def version_create(*, kind: VersionKind[V], parent: Model, **fields: Any) -> V:
    """Create the parent's next version of `kind` in its default status (`queued`), with
    `fields`. Race-free numbering. Only the row: no validation, no task (see
    `version_start`). Raises ProcessingRuleError for a cancelled order's parent, or one
    whose files were purged: every new piece of work, whoever asks for it, starts here."""
    number = version_number_allocate(kind=kind, parent_id=parent.pk)
    rows = kind.parent_model._default_manager.filter(pk=parent.pk)
    order = kind.parent_order_path
    status, purged = rows.values_list(f"{order}__status", f"{order}__photos_purged_at").get()
    order_active_check(status)
    order_files_check(purged)
    return kind.model._default_manager.create(**{kind.parent: parent}, version=number, **fields)


def version_start(version: Version, *, actor: str, note: str) -> None:
    """Announce a new version (audit row, live events) and queue its first step, all
    after the current transaction commits."""
    audit(version, actor=actor, message=note)
    status_changed_notify(version)
    _order_notify(version)
    version_start_enqueue(version)


def coloring_version_create(
    *,
    image: Image,
    megapixels: float = DEFAULT_MEGAPIXELS,
    steps: int = DEFAULT_STEPS,
    backend: str = "",
) -> ColoringVersion:
    """Create the image's next colouring version in `queued` (see `version_create`)."""
    return version_create(
        kind=COLORING, parent=image, megapixels=megapixels, steps=steps, backend=backend
    )


def svg_version_create(
    *,
    image: Image,
    coloring_version: ColoringVersion,
    shape_stacking: str = DEFAULT_SHAPE_STACKING,
    group_by: str = DEFAULT_GROUP_BY,
    backend: str = "",
) -> SvgVersion:
    """Create the image's next SVG version in `queued` (see `version_create`)."""
    return version_create(
        kind=SVG,
        parent=image,
        coloring_version=coloring_version,
        shape_stacking=shape_stacking,
        group_by=group_by,
        backend=backend,
    )


def coloring_settings_validate(*, megapixels: object, steps: object) -> tuple[float, int]:
    """Raise ProcessingValidationError unless megapixels is 0.5–8 in steps of 0.5 and
    steps is a whole number 1–20; return them as (float, int)."""
    errors = {}
    mp = _number(megapixels)
    if mp is None or not MEGAPIXELS_MIN <= mp <= MEGAPIXELS_MAX or (mp * 2) % 1:
        errors["megapixels"] = "Megapixely musí být číslo od 0,5 do 8 po 0,5."
    whole = _number(steps)
    if whole is None or whole % 1 or not STEPS_MIN <= whole <= STEPS_MAX:
        errors["steps"] = "Počet kroků musí být celé číslo od 1 do 20."
    if errors or mp is None or whole is None:
        raise ProcessingValidationError(errors)
    return float(mp), int(whole)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (Real, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def svg_settings_validate(*, shape_stacking: object, group_by: object) -> tuple[str, str]:
    """Raise ProcessingValidationError unless both are values Vectorizer.ai accepts."""
    errors = {}
    if shape_stacking not in ShapeStacking.values:
        errors["shape_stacking"] = "Vrstvení tvarů musí být „stacked“ nebo „cutouts“."
    if group_by not in GroupBy.values:
        errors["group_by"] = "Seskupení musí být jedno z: color, none, parent, layer."
    if errors:
        raise ProcessingValidationError(errors)
    return str(shape_stacking), str(group_by)


def coloring_generate(
    *,
    image: Image,
    megapixels: object = DEFAULT_MEGAPIXELS,
    steps: object = DEFAULT_STEPS,
    actor: str,
) -> ColoringVersion:
    """Create a new colouring version of a downloaded image and queue it.

    Raises ProcessingValidationError (bad settings) or ProcessingRuleError (the photo is
    not downloaded yet, or was purged); then nothing is created. A new version is made
    even when completed ones exist. Queues the backend's first task on commit.
    """
    mp, whole_steps = coloring_settings_validate(megapixels=megapixels, steps=steps)
    # Before "not downloaded": a purged photo's file is gone too, and staff need the reason.
    order_files_check(image.line_item.order.photos_purged_at)
    if not image.is_downloaded:
        raise ProcessingRuleError("Fotka ještě není stažená.")
    with transaction.atomic():
        return _coloring_start(image, mp, whole_steps, actor)


def _coloring_start(image: Image, megapixels: float, steps: int, actor: str) -> ColoringVersion:
    backend = COLORING.choose_backend()
    version = coloring_version_create(
        image=image, megapixels=megapixels, steps=steps, backend=backend
    )
    version_start(version, actor=actor, note=f"nová ({megapixels:g} MP, {steps} kroků, {backend})")
    return version


def order_coloring_generate(
    *,
    order: Order,
    megapixels: object = DEFAULT_MEGAPIXELS,
    steps: object = DEFAULT_STEPS,
    actor: str,
) -> list[ColoringVersion]:
    """One new colouring version for every downloaded image of the order that has neither
    a completed nor an in-progress colouring; all in one transaction.

    Raises ProcessingValidationError for bad settings, IntakeHoldError while the intake
    checks hold the order and staff have not confirmed "Generovat i tak" (paid work for
    unusable photos; one photo at a time stays allowed), and ProcessingRuleError when no
    image is eligible.
    """
    mp, whole_steps = coloring_settings_validate(megapixels=megapixels, steps=steps)
    with transaction.atomic():
        images = _order_images_lock(
            order,
            selectors.coloring_eligible_images,
            "V objednávce není žádná stažená fotka bez omalovánky.",
        )
        _intake_hold_check(order.pk)
        return [_coloring_start(image, mp, whole_steps, actor) for image in images]


INTAKE_HOLD = (
    "Objednávka je zadržená kontrolou fotek: omalovánky pro celou objednávku se nespouštějí. "
    "Vyřešte nálezy u fotek, nebo potvrďte „Generovat i tak“; jednotlivou fotku lze "
    "vygenerovat i tak."
)


def _intake_hold_check(order_id: int) -> None:
    # Read after the order row is locked: a confirmation that commits meanwhile counts.
    held, confirmed = Order.objects.values_list("intake_held", "hold_confirmed_at").get(pk=order_id)
    if held and confirmed is None:
        raise IntakeHoldError(INTAKE_HOLD)


def _order_images_lock(
    order: Order, eligible: Callable[..., QuerySet[Image]], nothing: str
) -> list[Image]:
    """Lock the order (two clicks at once cannot double the work), then list its eligible
    images; ProcessingRuleError(`nothing`) when there are none."""
    rows = Order.objects.select_for_update().filter(pk=order.pk)
    status, purged = rows.values_list("status", "photos_purged_at").get()
    order_active_check(status)
    order_files_check(purged)
    images = list(eligible(order_id=order.pk))
    if not images:
        raise ProcessingRuleError(nothing)
    return images


def svg_generate(
    *,
    image: Image,
    shape_stacking: object = DEFAULT_SHAPE_STACKING,
    group_by: object = DEFAULT_GROUP_BY,
    actor: str,
) -> SvgVersion:
    """Create a new SVG version from the image's selected completed colouring (else its
    newest completed one) and queue it.

    Raises ProcessingValidationError (bad options) or ProcessingRuleError (no completed
    colouring); then nothing is created.
    """
    stacking, grouping = svg_settings_validate(shape_stacking=shape_stacking, group_by=group_by)
    source = selectors.image_usable_coloring(image_id=image.pk)
    if source is None:
        raise ProcessingRuleError("Fotka nemá hotovou omalovánku; nejprve ji vygenerujte.")
    with transaction.atomic():
        return _svg_start(image, source, stacking, grouping, actor)


def _svg_start(
    image: Image, source: ColoringVersion, stacking: str, grouping: str, actor: str
) -> SvgVersion:
    backend = SVG.choose_backend()
    version = svg_version_create(
        image=image,
        coloring_version=source,
        shape_stacking=stacking,
        group_by=grouping,
        backend=backend,
    )
    version_start(version, actor=actor, note=f"nové z omalovánky v{source.version} ({backend})")
    return version


def order_svg_generate(
    *,
    order: Order,
    shape_stacking: object = DEFAULT_SHAPE_STACKING,
    group_by: object = DEFAULT_GROUP_BY,
    actor: str,
) -> list[SvgVersion]:
    """One new SVG version for every image of the order that has a usable colouring and
    no completed or in-progress SVG; all in one transaction.

    Raises ProcessingValidationError for bad options and ProcessingRuleError when no
    image is eligible.
    """
    stacking, grouping = svg_settings_validate(shape_stacking=shape_stacking, group_by=group_by)
    with transaction.atomic():
        images = _order_images_lock(
            order,
            selectors.svg_eligible_images,
            "V objednávce není žádná fotka s hotovou omalovánkou bez SVG.",
        )
        source = "usable_coloring_id"  # each image's source, annotated by the selector
        wanted = {image.pk: getattr(image, source) for image in images}
        sources = ColoringVersion.objects.in_bulk(list(wanted.values()))
        return [
            _svg_start(image, sources[wanted[image.pk]], stacking, grouping, actor)
            for image in images
        ]


def _order_notify(version: Version) -> None:
    order = kind_of(version).order_of(version)
    order_changed_notify(order_id=order.pk, order_number=order.order_number)


def _same_parent(parent: Model, version: Version) -> None:
    if kind_of(version).parent_id(version) != parent.pk:
        raise ProcessingRuleError("Verze nepatří k této fotce.")


def version_retry(*, image: Model, version: V, actor: str) -> V:
    """Start a version in `error` again, as it is now configured (backend re-chosen,
    and whatever its kind resets on a retry cleared).

    A colouring gets a new RunPod job: the old job id is cleared, never polled again
    (the old system polled a dead job for ever). Raises ProcessingRuleError when the
    version belongs to another photo, is not in `error`, or its order's files were
    purged. Queues the first task on commit.
    """
    _same_parent(image, version)
    order = kind_of(version).order_of(version)
    order_active_check(order.status)
    order_files_check(order.photos_purged_at)
    not_failed = ProcessingRuleError("Opakovat lze jen verzi ve stavu Chyba.")
    if version.status != VersionStatus.ERROR:
        raise not_failed
    kind = kind_of(version)
    fields: dict[str, Any] = {
        "error_message": "",
        "recoveries": 0,
        "completed_at": None,
        **kind.retry_reset,
        "backend": kind.choose_backend(),
    }
    note = f"Opakováno ({actor}); předchozí chyba: {version.error_message}"
    with transaction.atomic():
        retried = transition(
            version,
            from_statuses={VersionStatus.ERROR},
            to=VersionStatus.QUEUED,
            note=note,
            **fields,
        )
        if not retried:
            raise not_failed
        audit(version, actor=actor, message=f"opakování ({version.backend})")
        _order_notify(version)
        version_start_enqueue(version)
    return version


def version_select(*, image: Model, version: V, actor: str) -> V:
    """Make a completed version its photo's selected one of its kind (staff's choice).

    Raises ProcessingRuleError when the version belongs to another photo or is not
    completed. Idempotent: selecting the selected version changes nothing.
    """
    _same_parent(image, version)
    if version.status != VersionStatus.COMPLETED:
        raise ProcessingRuleError("Vybrat lze jen dokončenou verzi.")
    if version.is_selected:
        return version
    now = timezone.now()
    with transaction.atomic():
        # The parent lock serialises selections and completions of one photo, so the
        # partial unique constraint (one selected per photo) is never hit.
        parent_lock(version)
        siblings_of(version).filter(is_selected=True).update(is_selected=False, updated_at=now)
        siblings_of(version).filter(pk=version.pk).update(is_selected=True, updated_at=now)
        version.is_selected = True
        audit(version, actor=actor, message="vybrána")
        status_changed_notify(version)
    return version
