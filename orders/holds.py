"""What the pages show of the intake checks: Czech rows per finding, per photo and per
book, and the state of the order's hold ("Kontrola fotek").

Read from the rows the order page already loaded when it passes them (no query then),
else in two queries. The findings' kinds and labels are `orders.intake`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch

from .hold_emails import EmailDraft, hold_email_drafts
from .intake import FINDING_KINDS, Level, finding_label
from .models import Image, LineItem, Order


@dataclass(frozen=True)
class FindingRow:
    code: str
    label: str  # Czech, with its params filled in
    level: str  # a `Level`

    @property
    def is_hold(self) -> bool:
        return self.level == Level.HOLD

    @property
    def level_label(self) -> str:
        """ "Zadrženo" or "Upozornění": said in words, not by colour alone."""
        return str(Level(self.level).label)


def finding_rows(findings: Iterable[Mapping[str, Any]]) -> list[FindingRow]:
    """The findings as rows, holds first. A code no longer declared (data written by
    another version of the checks) is shown as such rather than breaking the page."""
    rows = []
    for item in findings:
        code = str(item.get("code", ""))
        if code in FINDING_KINDS:
            rows.append(FindingRow(code, finding_label(item), FINDING_KINDS[code].level))
        else:
            rows.append(FindingRow(code, f"Neznámý nález „{code}“", Level.WARN))
    return sorted(rows, key=lambda row: not row.is_hold)


@dataclass(frozen=True)
class PhotoFindings:
    image: Image
    rows: list[FindingRow]


@dataclass(frozen=True)
class LineItemFindings:
    line_item: LineItem
    rows: list[FindingRow]  # about the book as a whole (photo count, consent)
    photos: list[PhotoFindings]  # only the photos with findings

    @property
    def clean(self) -> bool:
        return not self.rows and not self.photos


@dataclass(frozen=True)
class IntakePanel:
    order: Order
    line_items: list[LineItemFindings]
    drafts: list[EmailDraft]  # only while the order waits on its hold

    @property
    def checked(self) -> bool:
        return self.order.intake_checked_at is not None

    @property
    def held(self) -> bool:
        return self.order.hold_waiting

    @property
    def confirmed(self) -> bool:
        return self.order.intake_held and self.order.hold_confirmed_at is not None

    @property
    def overdue(self) -> bool:
        return self.order.hold_overdue

    @property
    def waiting_since(self) -> datetime | None:
        return self.order.hold_waiting_since

    @property
    def clean(self) -> bool:
        return all(item.clean for item in self.line_items)


def _line_items(order: Order) -> list[LineItem]:
    images = Prefetch("images", queryset=Image.objects.order_by("position"))
    return list(order.line_items.order_by("position").prefetch_related(images))


def intake_panel(*, order: Order, line_items: Sequence[LineItem] | None = None) -> IntakePanel:
    """The order's "Kontrola fotek" panel. `line_items`: the order's line items with
    their images prefetched in position order, when the caller has them."""
    items = list(line_items) if line_items is not None else _line_items(order)
    rows = [
        LineItemFindings(
            line_item=item,
            rows=finding_rows(item.intake_findings),
            photos=[
                PhotoFindings(image, finding_rows(image.intake_findings))
                for image in item.images.all()
                if image.intake_findings
            ],
        )
        for item in items
    ]
    drafts = hold_email_drafts(order=order, line_items=items) if order.hold_waiting else []
    return IntakePanel(order=order, line_items=rows, drafts=drafts)
