"""Books: starting a line item's PDF, and building it in the worker (queue `cpu`).

    queued ─claim─▶ processing ─▶ completed | error

A build is one call (read every page's SVG and photo, draw the PDF, store it), so one
short task, as for the local backends (`state.sync_run`).
"""

from __future__ import annotations

from typing import cast

from django.db import transaction

from orders.models import LineItem, Order
from processing.books import book_plan, line_items_for_books
from processing.errors import ProcessingPermanentError, ProcessingRuleError
from processing.kinds import BOOK
from processing.models import Backend, BookStatus, BookVersion, SvgStatus, SvgVersion
from processing.pipeline.book import BookPage, Layout, book_render

from .cancellation import order_active_check
from .retention import order_files_check
from .state import Output, file_read, sync_run, version_load
from .versions import version_create, version_start


class BookConfirmationNeeded(ProcessingRuleError):
    """The photo count differs from the variant's: staff must confirm an incomplete book."""


def book_generate(
    *, line_item: LineItem, actor: str, confirm_incomplete: bool = False
) -> BookVersion:
    """Start a new book of the line item, or return the one already in progress.

    Idempotent and race-free: the line item's row is locked first, so two clicks give one
    book in progress. Raises ProcessingRuleError when a photo has no selected, completed
    SVG, and BookConfirmationNeeded when the photo count differs from the variant's
    "… / N" unless `confirm_incomplete` (the book is then flagged "neúplná kniha").
    """
    with transaction.atomic():
        LineItem.objects.select_for_update().filter(pk=line_item.pk).values_list("pk").get()
        running = BookVersion.objects.filter(
            line_item=line_item, status__in=BOOK.in_progress
        ).first()
        if running is not None:
            return running
        plan = book_plan(line_items_for_books(LineItem.objects.filter(pk=line_item.pk)).get())
        if not plan.ready:
            raise ProcessingRuleError(plan.missing_text)
        if plan.count_mismatch and not confirm_incomplete:
            raise BookConfirmationNeeded(plan.mismatch_text + " Potvrďte prosím vytvoření.")
        book = version_create(
            kind=BOOK,
            parent=line_item,
            layout=plan.layout,
            incomplete=plan.count_mismatch,
            sources=plan.sources,
            backend=Backend.LOCAL,
        )
        note = f"nová ({book.get_layout_display()}, {plan.photos} fotek)"
        version_start(book, actor=actor, note=note + (", neúplná" if book.incomplete else ""))
    return book


def order_book_generate(
    *, order: Order, actor: str, confirm_incomplete: bool = False
) -> list[BookVersion]:
    """A book for every line item of the order that can have one now (one in progress is
    returned as it is). Raises ProcessingRuleError naming what is missing when none can
    (or the order's files were purged), and BookConfirmationNeeded (changing nothing)
    when any needs a confirmation."""
    rows = Order.objects.filter(pk=order.pk)
    status, purged = rows.values_list("status", "photos_purged_at").get()
    order_active_check(status)
    order_files_check(purged)
    items = list(line_items_for_books(order.line_items.order_by("position")))
    plans = [book_plan(item) for item in items]
    ready = [plan for plan in plans if plan.ready]
    if not ready:
        reasons = "; ".join(f"položka {p.line_item.position}: {p.missing_text}" for p in plans)
        raise ProcessingRuleError(reasons or "Objednávka nemá žádné položky.")
    unconfirmed = [p for p in ready if p.count_mismatch and not confirm_incomplete]
    if unconfirmed:
        texts = " ".join(f"Položka {p.line_item.position}: {p.mismatch_text}" for p in unconfirmed)
        raise BookConfirmationNeeded(texts + " Potvrďte prosím vytvoření.")
    with transaction.atomic():
        return [
            book_generate(line_item=plan.line_item, actor=actor, confirm_incomplete=True)
            for plan in ready
        ]


def book_build(*, version_id: int) -> str:
    """Draw the book from the SVG versions it was started with and store it. Safe to run
    twice. Returns "completed" or "skipped-<status>"; a missing or corrupt SVG or photo
    raises ProcessingPermanentError (the task's failure handler sets `error`)."""
    version = version_load(BOOK, version_id)

    def produce() -> Output:
        line_item = version.line_item
        rendered = book_render(
            _pages(version),
            layout=cast(Layout, version.layout),
            dedication=line_item.dedication,
            title=line_item.title,
        )
        return rendered.pdf, {"page_count": rendered.page_count}

    return sync_run(version, working=BookStatus.PROCESSING, produce=produce)


def _pages(version: BookVersion) -> list[BookPage]:
    svgs = SvgVersion.objects.select_related("image").in_bulk(version.sources)
    pages = []
    for svg_id in version.sources:
        svg = svgs.get(svg_id)
        if svg is None or svg.status != SvgStatus.COMPLETED:
            raise ProcessingPermanentError(f"SVG {svg_id} knihy už není k dispozici.")
        label = f"Fotka {svg.image.position}"
        pages.append(
            BookPage(
                photo=file_read(svg.image.file, what=f"Originál fotky {svg.image.position}"),
                svg=file_read(svg.file, what=f"SVG v{svg.version} fotky {svg.image.position}"),
                label=label,
            )
        )
    return pages
