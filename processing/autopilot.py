"""What the autopilot did and what waits (reads; `services.autopilot` does the passes).

Whether the autopilot drives an order is its own switch (`Order.autopilot`), else
settings.AUTOPILOT: one definition (`autopilot_enabled`, `autopilot_orders`), read by the
passes, the sweep, the order page and the order list's banner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from orders.models import AUTOMATIC_STATUSES, Order
from orders.plurals import Forms, counted

from .models import AUTOPILOT_PERSON_WAITS, AutopilotRun, AutopilotWait

STARTED_FORMS = {
    "coloring": Forms("omalovánka", "omalovánky", "omalovánek"),
    "svg": Forms("SVG", "SVG", "SVG"),
    "book": Forms("kniha", "knihy", "knih"),
}
# The banner's words for each wait, in the banner's order.
BANNER_WAITS = {
    AutopilotWait.HELD: "zadrženo",
    AutopilotWait.REVIEW: "ke kontrole",
    AutopilotWait.ERROR: "s chybou",
}


def autopilot_enabled(order: Order) -> bool:
    """Whether the autopilot drives this order: its own switch, else settings.AUTOPILOT."""
    return bool(settings.AUTOPILOT) if order.autopilot is None else order.autopilot


def autopilot_orders() -> Q:
    """`autopilot_enabled` as a filter on Order querysets."""
    enabled = Q(autopilot=True)
    return enabled | Q(autopilot__isnull=True) if settings.AUTOPILOT else enabled


def started_text(started: dict[str, int]) -> str:
    """ "4 omalovánky, 1 kniha": what a pass started."""
    return ", ".join(counted(n, STARTED_FORMS[kind]) for kind, n in sorted(started.items()) if n)


def local_stamp(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day}. {local.month}. {local.year} {local:%H:%M}"


@dataclass(frozen=True)
class AutopilotSummary:
    """The order list's banner: the last pass over any order, and how many orders the
    autopilot drives wait for a person, by what they wait for."""

    last_pass_at: datetime | None
    waiting: dict[str, int]

    @property
    def message(self) -> str:
        if self.last_pass_at is None:
            return "Autopilot: zatím žádný průchod."
        text = f"Autopilot: poslední průchod {local_stamp(self.last_pass_at)}"
        waits = [
            f"{label} {self.waiting[w]}" for w, label in BANNER_WAITS.items() if self.waiting.get(w)
        ]
        if not waits:
            return text + " · na člověka nic nečeká."
        return text + " · čeká na člověka: " + ", ".join(waits)


def autopilot_summary() -> AutopilotSummary | None:
    """The banner's figures in one query, or None when settings.AUTOPILOT is off (then
    the list shows no banner and asks nothing; orders switched on one by one show their
    passes on their own pages)."""
    if not settings.AUTOPILOT:
        return None
    driven = Q(order__in=Order.objects.filter(autopilot_orders(), status__in=AUTOMATIC_STATUSES))
    counts = AutopilotRun.objects.aggregate(
        last=Max("passed_at"),
        **{
            str(wait): Count("pk", filter=driven & Q(waiting=wait))
            for wait in AUTOPILOT_PERSON_WAITS
        },
    )
    last = counts.pop("last")
    return AutopilotSummary(last_pass_at=last, waiting={k: n for k, n in counts.items() if n})


@dataclass(frozen=True)
class OrderAutopilot:
    """The order page's autopilot panel."""

    order: Order
    enabled: bool
    run: AutopilotRun | None

    @property
    def switch(self) -> str:
        """The switch's value as the page posts it: "on", "off" or "default"."""
        return {True: "on", False: "off", None: "default"}[self.order.autopilot]

    @property
    def default_enabled(self) -> bool:
        return bool(settings.AUTOPILOT)

    @property
    def applies(self) -> bool:
        """The order is before approval: the autopilot can still do something for it."""
        return self.order.status in AUTOMATIC_STATUSES

    @property
    def started(self) -> str:
        return started_text(self.run.started) if self.run else ""


def order_autopilot(order: Order) -> OrderAutopilot:
    """The panel; its last pass is read only while the autopilot drives the order, so an
    order page costs no query more while the autopilot is off."""
    enabled = autopilot_enabled(order)
    run = AutopilotRun.objects.filter(order=order).first() if enabled else None
    return OrderAutopilot(order=order, enabled=enabled, run=run)
