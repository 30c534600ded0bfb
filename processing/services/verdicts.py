"""Staff's verdict on a colouring page (the review workspace), and the redo a rejection starts.

On RunPod the same settings give the same page, so a rejected page is tried again with
one step more: the redo ladder. It ends at `STEPS_MAX` (the settings' own ceiling,
declared once in `versions`); a page rejected at the ceiling gets no redo, since a
re-roll cannot help there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from orders.models import Order
from processing.errors import ProcessingRuleError, ProcessingValidationError
from processing.kinds import COLORING
from processing.models import ColoringVersion, RejectReason, Verdict, VersionStatus

from .state import audit, parent_lock, siblings_of, status_changed_notify
from .versions import STEPS_MAX, coloring_generate

LADDER_CEILING = STEPS_MAX


@dataclass(frozen=True)
class VerdictOutcome:
    version: ColoringVersion
    redo: ColoringVersion | None  # the new version a rejection started, if any
    at_ceiling: bool  # rejected at LADDER_CEILING steps: no redo can help


def verdict_validate(*, verdict: object, reason: object) -> tuple[str, str]:
    """Raise ProcessingValidationError unless `verdict` is a Verdict and `reason` is a
    RejectReason exactly when the page is rejected; return them as strings."""
    reason = reason or ""
    if verdict not in Verdict.values:
        raise ProcessingValidationError({"verdict": "Neznámé posouzení stránky."})
    if verdict == Verdict.APPROVED and reason:
        raise ProcessingValidationError({"reason": "Schválená stránka nemá důvod zamítnutí."})
    if verdict == Verdict.REJECTED and not reason:
        raise ProcessingValidationError({"reason": "Vyberte důvod zamítnutí."})
    if reason and reason not in RejectReason.values:
        raise ProcessingValidationError({"reason": f"Neznámý důvod zamítnutí „{reason}“."})
    return str(verdict), str(reason)


def coloring_verdict_set(
    *,
    order: Order,
    version: ColoringVersion,
    verdict: object,
    reason: object = "",
    by: str,
    actor: str,
) -> VerdictOutcome:
    """Record `by`'s verdict on a completed colouring of `order`; the last verdict counts.

    Approving also selects the page (it is the one that goes on). Rejecting clears the
    page's selection, so that its redo is auto-selected when it completes and becomes the
    page under review, and starts the redo: the same photo and settings with one step
    more, through `coloring_generate` (same backend choice, paid-call rules and queues),
    unless the page was rejected already, the photo has a colouring in progress, or the
    page is at LADDER_CEILING steps.

    Raises ProcessingValidationError (unknown verdict or reason, a rejection without one)
    and ProcessingRuleError (a version of another order, not completed); then nothing
    changes. Announces the change live and logs it in the order's history, after commit.
    """
    verdict, reason = verdict_validate(verdict=verdict, reason=reason)
    if version.image.line_item.order_id != order.pk:
        raise ProcessingRuleError("Verze nepatří k této objednávce.")
    if version.status != VersionStatus.COMPLETED:
        raise ProcessingRuleError("Posoudit lze jen dokončenou omalovánku.")
    with transaction.atomic():
        parent_lock(version)
        version.refresh_from_db()
        if version.status != VersionStatus.COMPLETED:
            raise ProcessingRuleError("Posoudit lze jen dokončenou omalovánku.")
        was_rejected = version.verdict == Verdict.REJECTED
        _verdict_store(version, verdict, reason, by)
        audit(version, actor=actor, message=_describe(verdict, reason))
        status_changed_notify(version)
        redo, at_ceiling = None, False
        if verdict == Verdict.REJECTED:
            at_ceiling = version.steps >= LADDER_CEILING
            if not (at_ceiling or was_rejected or _busy(version)):
                redo = coloring_generate(
                    image=version.image,
                    megapixels=version.megapixels,
                    steps=version.steps + 1,
                    actor=actor,
                )
    return VerdictOutcome(version=version, redo=redo, at_ceiling=at_ceiling)


def _verdict_store(version: ColoringVersion, verdict: str, reason: str, by: str) -> None:
    now = timezone.now()
    approved = verdict == Verdict.APPROVED
    if approved and not version.is_selected:
        # The parent is locked: no completion can select a sibling meanwhile.
        siblings_of(version).filter(is_selected=True).update(is_selected=False, updated_at=now)
    fields = {
        "verdict": verdict,
        "reject_reason": reason,
        "verdict_by": by[:150],
        "verdict_at": now,
        # A rejected page is no one's choice; its redo is auto-selected when it completes.
        "is_selected": approved,
        "updated_at": now,
    }
    ColoringVersion.objects.filter(pk=version.pk).update(**fields)
    for name, value in fields.items():
        setattr(version, name, value)


def _busy(version: ColoringVersion) -> bool:
    """A colouring of the photo is in progress already (an earlier redo, a new version)."""
    return siblings_of(version).filter(status__in=COLORING.in_progress).exists()


def _describe(verdict: str, reason: str) -> str:
    if verdict == Verdict.APPROVED:
        return "schválena"
    return f"zamítnuta – {RejectReason(reason).label}"
