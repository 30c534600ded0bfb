"""The autopilot: a clean order goes from stored photos to a built book with no click.

A pass (`order_autopilot_advance`) looks at one order and starts what is due, through the
same services staff's buttons call, so the pipeline is the one staff use:

- photos stored and the intake checks clear → a colouring for each photo that has no
  colouring version at all;
- a photo's selected colouring (auto-selected as today, which a flagged page never is)
  is completed and unflagged → its SVG, unless one was made from it already;
- every photo of a line item has a selected, completed SVG and the line item has no
  current book → the book (`books.book_generate`).

The order then waits in `ready_for_review` for staff's approval. The autopilot never pays
twice: it starts a kind only where the photo has nothing of it yet, so a failed, rejected
or flagged version is staff's to redo. Whatever a pass cannot move on waits for a person
(held by the intake checks, ready for review, or failed work), and the pass records so
(`AutopilotRun`), which the order list's banner and the order page show.

Passes are queued (task `order_autopilot_advance`) by the receivers below, after the
commit that caused them: an intake verdict that holds nothing back, and a version that
completed. The beat sweep (`autopilot_sweep`) is the backstop for a trigger that was
lost. A pass locks the order's row, so two passes of one order (two pages completing at
once) run one after the other, and the second finds the first one's work started.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from common.queueing import enqueue_on_commit
from orders.models import AUTOMATIC_STATUSES, Image, Order, OrderEvent
from orders.services import order_changed_notify
from processing.autopilot import autopilot_enabled, autopilot_orders, started_text
from processing.books import book_plan, line_items_for_books, order_books
from processing.errors import ProcessingRuleError
from processing.kinds import kinds
from processing.models import (
    AutopilotRun,
    AutopilotWait,
    BookVersion,
    ColoringVersion,
    SvgVersion,
    Verdict,
    VersionStatus,
)
from processing.selectors import order_failed_work

from .books import book_generate
from .versions import coloring_generate, svg_generate

ACTOR = "autopilot"
TASK = "processing.tasks.order_autopilot_advance"
# The per-order switch's values as the order page posts them.
SWITCH_VALUES: dict[str, bool | None] = {"on": True, "off": False, "default": None}
W = AutopilotWait

__all__ = [
    "autopilot_enabled",
    "autopilot_orders",
    "autopilot_sweep",
    "order_autopilot_advance",
    "order_autopilot_set",
]


@dataclass
class Pass:
    """What one pass did and found."""

    started: Counter[str] = field(default_factory=Counter)
    waiting: str = W.NONE
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The task's short status: "started coloring=4", "waiting-review", …"""
        if self.started:
            return "started " + " ".join(f"{k}={n}" for k, n in sorted(self.started.items()))
        return f"waiting-{self.waiting or 'work'}"


def autopilot_advance_enqueue(*, order_id: int) -> bool:
    """Queue one pass over the order after commit, when the autopilot drives it and no
    staff step holds it. Returns whether a pass was queued."""
    due = Order.objects.filter(autopilot_orders(), pk=order_id, status__in=AUTOMATIC_STATUSES)
    if not due.exists():
        return False
    enqueue_on_commit(TASK, order_id)
    return True


def intake_checked_listen(sender: object, *, order_id: int, held: bool, **kwargs: Any) -> None:
    """Receiver of `orders.signals.intake_checked` (after commit): a clean verdict, or
    staff's "Generovat i tak", lets the colourings start."""
    if not held:
        autopilot_advance_enqueue(order_id=order_id)


def version_changed_listen(sender: object, *, order_id: int, status: str, **kwargs: Any) -> None:
    """Receiver of `processing.signals.version_changed` (after commit): a completed
    colouring, SVG or book (or a new selection) may let the next step start."""
    if status == VersionStatus.COMPLETED:
        autopilot_advance_enqueue(order_id=order_id)


def order_autopilot_advance(*, order_id: int) -> str:
    """One autopilot pass over the order; see the module's docstring. Idempotent: what
    was started is not started again, and a pass over an order with nothing to do only
    records that it looked. Does nothing for an order the autopilot does not drive
    ("off") or a staff step holds ("skipped-<status>"). Queues the versions' tasks on
    commit. Returns a short status ("started coloring=4", "waiting-review", …)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            return "missing"
        if not autopilot_enabled(order):
            return "off"
        if order.status not in AUTOMATIC_STATUSES:
            return f"skipped-{order.status}"
        images = list(
            Image.objects.filter(line_item__order=order)
            .select_related("line_item__order")
            .order_by("line_item__position", "position")
        )
        done = _gate(order, images) or _advance(order, images)
        _record(order, done)
    return done.summary


def _gate(order: Order, images: list[Image]) -> Pass | None:
    """Why nothing may start yet (a Pass that only waits), or None when work may start."""
    if order.status == Order.Status.ERROR:
        return Pass(waiting=W.ERROR, notes=[order.status_message or "Objednávka je v chybě."])
    stored = all(image.is_downloaded for image in images)
    if order.status in (Order.Status.PENDING, Order.Status.DOWNLOADING) or not stored:
        return Pass(waiting=W.PHOTOS, notes=["Čeká na stažení fotek."])
    if order.intake_checked_at is None:
        return Pass(waiting=W.INTAKE, notes=["Čeká na kontrolu fotek."])
    if not order.intake_clear:
        note = "Zadrženo kontrolou fotek: čeká na opravené fotky nebo „Generovat i tak“."
        return Pass(waiting=W.HELD, notes=[note])
    return None


def _advance(order: Order, images: list[Image]) -> Pass:
    done = Pass()
    try:
        _colorings_start(images, done)
        _svgs_start(order, images, done)
        _books_start(order, done)
    except ProcessingRuleError as exc:
        # A rule the gate above does not know refused (the order changed under us):
        # nothing of this step started; the next trigger or the sweep looks again.
        done.notes.append(exc.message)
    done.waiting = W.NONE if done.started else _waiting(order, done)
    return done


def _colorings_start(images: list[Image], done: Pass) -> None:
    """A colouring for each photo with no colouring version at all (never a second one)."""
    has_any = set(
        ColoringVersion.objects.filter(image__in=images).values_list("image_id", flat=True)
    )
    for image in images:
        if image.pk not in has_any:
            coloring_generate(image=image, actor=ACTOR)
            done.started["coloring"] += 1


def _svgs_start(order: Order, images: list[Image], done: Pass) -> None:
    """An SVG of each photo's selected, completed, unflagged colouring that has none."""
    by_id = {image.pk: image for image in images}
    selected = (
        ColoringVersion.objects.filter(
            image__line_item__order=order, is_selected=True, status=VersionStatus.COMPLETED
        )
        .exclude(verdict=Verdict.REJECTED)
        .annotate(has_svg=Exists(SvgVersion.objects.filter(coloring_version=OuterRef("pk"))))
    )
    for coloring in selected:
        if coloring.has_svg:
            continue
        image = by_id[coloring.image_id]
        if coloring.flags:
            done.notes.append(f"Fotka {image.position}: omalovánka má příznaky kontroly.")
            continue
        svg_generate(image=image, actor=ACTOR)
        done.started["svg"] += 1


def _books_start(order: Order, done: Pass) -> None:
    """A book of each line item that is ready and has no current book.

    A book whose SVGs are those selected now, in whatever status, counts as current:
    a failed one is staff's to redo. A photo count that differs from the variant's is
    built (marked incomplete) only when staff confirmed the intake hold; otherwise it
    waits for staff's own confirmation on the order page.
    """
    items = line_items_for_books(order.line_items.order_by("position")).prefetch_related(
        "book_versions"
    )
    for item in items:
        plan = book_plan(item)
        books: list[BookVersion] = list(item.book_versions.all())
        if not plan.ready or any(not b.is_final or b.sources == plan.sources for b in books):
            continue
        if plan.count_mismatch and order.hold_confirmed_at is None:
            done.notes.append(f"Položka {item.position}: {plan.mismatch_text}")
            continue
        book_generate(line_item=item, actor=ACTOR, confirm_incomplete=plan.count_mismatch)
        done.started["book"] += 1


def _waiting(order: Order, done: Pass) -> str:
    """Nothing started: what the order waits for now."""
    for kind in kinds():
        running = kind.model._default_manager.filter(
            **{f"{kind.order_path}_id": order.pk, "status__in": kind.in_progress}
        )
        if running.exists():
            return W.NONE
    if Order.objects.filter(order_failed_work(), pk=order.pk).exists():
        done.notes.append("Zpracování skončilo chybou: čeká na opakování.")
        return W.ERROR
    problems = order_books(order.pk).problems
    done.notes.append(" ".join(problems) or "Knihy hotové, čeká na schválení.")
    return W.REVIEW


def _record(order: Order, done: Pass) -> None:
    """Rewrite the order's AutopilotRun (the order's row is locked: no race on it); what
    was started also goes into the order's history."""
    run, _ = AutopilotRun.objects.get_or_create(order=order)
    changed = run.waiting != done.waiting
    run.passed_at = timezone.now()
    run.passes += 1
    run.started = dict(done.started)
    run.waiting = done.waiting
    run.detail = " ".join(done.notes)
    run.save()
    if done.started:
        OrderEvent.objects.create(
            order=order, actor=ACTOR, message="Autopilot spustil: " + started_text(done.started)
        )
    if changed:
        order_changed_notify(order_id=order.pk, order_number=order.order_number)


def autopilot_sweep() -> int:
    """Queue a pass over every order the autopilot drives that no staff step holds, at
    most AUTOPILOT_SWEEP_LIMIT, those never or least recently passed first. The backstop
    of the receivers; a pass that finds nothing to do only records that it looked.
    Returns how many passes were queued."""
    due = Order.objects.filter(autopilot_orders(), status__in=AUTOMATIC_STATUSES)
    ordered = due.order_by(F("autopilot_run__passed_at").asc(nulls_first=True), "pk")
    ids = list(ordered.values_list("pk", flat=True)[: settings.AUTOPILOT_SWEEP_LIMIT])
    for order_id in ids:
        enqueue_on_commit(TASK, order_id)
    return len(ids)


@transaction.atomic
def order_autopilot_set(*, order_id: int, value: object, actor: str) -> bool:
    """Set the order's own autopilot switch from the page's value ("on", "off",
    "default": follow settings.AUTOPILOT). Returns whether the autopilot now drives it;
    when it does, a pass is queued after commit. Raises ProcessingRuleError (Czech,
    changing nothing) for an unknown value or an order past review or cancelled."""
    if not isinstance(value, str) or value not in SWITCH_VALUES:
        raise ProcessingRuleError(
            "Neplatná volba autopilota: zvolte zapnout, vypnout, nebo výchozí."
        )
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status not in AUTOMATIC_STATUSES:
        raise ProcessingRuleError(
            f"Objednávka je ve stavu {order.get_status_display()}: autopilot ji už nezpracuje."
        )
    order.autopilot = SWITCH_VALUES[value]
    order.save(update_fields=["autopilot", "updated_at"])
    enabled = autopilot_enabled(order)
    state = "zapnut" if enabled else "vypnut"
    source = " (podle nastavení)" if order.autopilot is None else ""
    OrderEvent.objects.create(order=order, actor=actor, message=f"Autopilot {state}{source}")
    order_changed_notify(order_id=order.pk, order_number=order.order_number)
    if enabled:
        enqueue_on_commit(TASK, order.pk)
    return enabled
