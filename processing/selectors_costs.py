"""Reads of what work cost and how well it went: per order, per month, and the figures of
the operators' dashboard. Every read is a fixed number of aggregate queries, one per
kind at most, however many orders and versions there are.

Costs are attributed to the order they were made for, and an order to the day (month)
it was placed: "cost per order" then divides the cost of exactly the orders counted. A
version whose cost is not known (`cost` null once it ended) is counted apart, never as
zero; "no data" (nothing in the window) is None, never 0 %.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from orders.models import Order

from .kinds import VersionKind, kinds
from .meters import ZERO, cost_round
from .models import FINAL_STATUSES, ColoringVersion, Verdict, VersionStatus

COST: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=4)
DASHBOARD_DAYS = 30
MONTHS = 12


def _order_field(kind: VersionKind) -> str:
    return f"{kind.order_path}_id"


def _money(value: Decimal | None) -> Decimal:
    return cost_round(value or ZERO)


# --- One order ---


@dataclass(frozen=True)
class KindCost:
    label: str
    total: Decimal  # the known costs
    versions: int
    unknown: int  # ended, cost not known
    running: int  # not ended yet: no cost so far


@dataclass(frozen=True)
class OrderCost:
    kinds: list[KindCost]
    currency: str

    @property
    def total(self) -> Decimal:
        return _money(sum((kind.total for kind in self.kinds), ZERO))

    @property
    def unknown(self) -> int:
        return sum(kind.unknown for kind in self.kinds)

    @property
    def running(self) -> int:
        return sum(kind.running for kind in self.kinds)


def _kind_figures(kind: VersionKind, order_id: int) -> QuerySet:
    """One row (none without versions): the kind's name, known cost, versions, unknown
    and running counts for the order."""
    ended = Q(status__in=FINAL_STATUSES)
    return (
        kind.model._default_manager.filter(**{_order_field(kind): order_id})
        .order_by()
        .values(_order_field(kind))
        .annotate(
            kind=Value(kind.name),
            total=Sum("cost"),
            versions=Count("pk"),
            unknown=Count("pk", filter=ended & Q(cost__isnull=True)),
            running=Count("pk", filter=~ended),
        )
        .values_list("kind", "total", "versions", "unknown", "running")
    )


def order_cost(*, order_id: int) -> OrderCost:
    """What the order's versions cost, per kind: one query (a UNION of the kinds)."""
    first, *rest = [_kind_figures(kind, order_id) for kind in kinds()]
    found = {row[0]: row[1:] for row in first.union(*rest, all=True)}
    rows = []
    for kind in kinds():
        total, versions, unknown, running = found.get(kind.name, (None, 0, 0, 0))
        rows.append(KindCost(kind.label, _money(total), versions, unknown, running))
    return OrderCost(kinds=rows, currency=settings.COST_CURRENCY)


def orders_with_cost_total(orders: QuerySet[Order]) -> QuerySet[Order]:
    """`orders` annotated with `cost_total`: the known costs of all their versions (a
    subquery per kind, so a list or the admin's changelist pays no query per row)."""
    total: Combinable = Value(ZERO, output_field=COST)
    for kind in kinds():
        per_order = (
            kind.model._default_manager.filter(**{_order_field(kind): OuterRef("pk")})
            .order_by()
            .values(_order_field(kind))
            .annotate(total=Sum("cost"))
            .values("total")
        )
        total = total + Coalesce(
            Subquery(per_order, output_field=COST), Value(ZERO), output_field=COST
        )
    return orders.annotate(cost_total=total)


def order_cost_total(*, order_id: int) -> Decimal:
    """The known costs of one order's versions (one query)."""
    order = orders_with_cost_total(Order.objects.filter(pk=order_id).only("pk")).first()
    return _money(getattr(order, "cost_total", None))


# --- Rates and sums over a window ---


@dataclass(frozen=True)
class Ratio:
    """`part` of `whole`; no whole is no data, which is not 0 %."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return (Decimal(100) * self.part / self.whole).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CostSum:
    orders: int
    cost: Decimal
    unknown: int = 0

    @property
    def per_order(self) -> Decimal | None:
        return _money(self.cost / self.orders) if self.orders else None


def _orders_placed(start: datetime, end: datetime) -> Q:
    return Q(created_at__gte=start, created_at__lt=end)


def _kind_costs_by(
    kind: VersionKind, trunc: type[TruncDate] | type[TruncMonth], start: datetime, end: datetime
) -> QuerySet:
    placed = f"{kind.order_path}__created_at"
    return (
        kind.model._default_manager.filter(**{f"{placed}__gte": start, f"{placed}__lt": end})
        .annotate(period=trunc(placed))
        .order_by()
        .values("period")
        .annotate(
            total=Sum("cost"),
            unknown=Count("pk", filter=Q(status__in=FINAL_STATUSES, cost__isnull=True)),
        )
    )


def costs_by_period(
    *, trunc: type[TruncDate] | type[TruncMonth], start: datetime, end: datetime
) -> dict[date, CostSum]:
    """Orders placed in [start, end) and their versions' known costs, per day or month
    of placing (local time): one query for the orders and one per kind."""
    orders = (
        Order.objects.filter(_orders_placed(start, end))
        .annotate(period=trunc("created_at"))
        .order_by()
        .values("period")
        .annotate(count=Count("pk"))
    )
    counts: dict[date, int] = {_day(row["period"]): row["count"] for row in orders}
    costs: dict[date, Decimal] = defaultdict(lambda: ZERO)
    unknown: dict[date, int] = defaultdict(int)
    for kind in kinds():
        for row in _kind_costs_by(kind, trunc, start, end):
            costs[_day(row["period"])] += row["total"] or ZERO
            unknown[_day(row["period"])] += row["unknown"]
    return {
        period: CostSum(orders=count, cost=_money(costs[period]), unknown=unknown[period])
        for period, count in counts.items()
    }


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- Per month ---


@dataclass(frozen=True)
class MonthCost:
    month: date  # its first day
    figures: CostSum


def _month_start(day: date, back: int) -> date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def monthly_costs(*, today: date | None = None, months: int = MONTHS) -> list[MonthCost]:
    """The last `months` months, newest first (this one included, empty ones too)."""
    today = today or timezone.localdate()
    firsts = [_month_start(today, back) for back in range(months)]
    start, end = _local_midnight(firsts[-1]), _local_midnight(_month_start(today, -1))
    sums = costs_by_period(trunc=TruncMonth, start=start, end=end)
    return [MonthCost(month=first, figures=sums.get(first, CostSum(0, ZERO))) for first in firsts]


# --- The dashboard ---


@dataclass(frozen=True)
class DayCost:
    day: date
    cost: Decimal


@dataclass
class Dashboard:
    start: datetime
    end: datetime
    first_pass: Ratio  # photos whose first colouring was approved / those judged
    redo: Ratio  # photos that needed a second colouring / photos started
    failure: Ratio  # versions that ended in error / versions that ended
    costs: CostSum  # orders placed and what their work cost
    days: list[DayCost] = field(default_factory=list)  # oldest first, every day
    currency: str = ""


def _photo_ratios(start: datetime, end: datetime) -> tuple[Ratio, Ratio]:
    """First-pass acceptance and redo rate of the photos whose first colouring version
    was made in the window (one query)."""
    later = ColoringVersion.objects.filter(image=OuterRef("image"), version__gt=1)
    judged = ~Q(verdict="")
    figures = ColoringVersion.objects.filter(
        version=1, created_at__gte=start, created_at__lt=end
    ).aggregate(
        photos=Count("pk"),
        judged=Count("pk", filter=judged),
        approved=Count("pk", filter=Q(verdict=Verdict.APPROVED)),
        redone=Count("pk", filter=Q(Exists(later))),
    )
    return (
        Ratio(figures["approved"], figures["judged"]),
        Ratio(figures["redone"], figures["photos"]),
    )


def _failure_ratio(start: datetime, end: datetime) -> Ratio:
    """Versions of every kind made in the window that ended, and those in error."""
    failed = ended = 0
    for kind in kinds():
        figures = kind.model._default_manager.filter(
            created_at__gte=start, created_at__lt=end, status__in=FINAL_STATUSES
        ).aggregate(ended=Count("pk"), failed=Count("pk", filter=Q(status=VersionStatus.ERROR)))
        failed, ended = failed + figures["failed"], ended + figures["ended"]
    return Ratio(failed, ended)


def dashboard(*, now: datetime | None = None, days: int = DASHBOARD_DAYS) -> Dashboard:
    """The last `days` days up to `now` (the window ends at the next local midnight, so
    today counts whole): a fixed number of queries."""
    today = timezone.localdate(now or timezone.now())
    end = _local_midnight(today + timedelta(days=1))
    start = _local_midnight(today - timedelta(days=days - 1))
    per_day = costs_by_period(trunc=TruncDate, start=start, end=end)
    first_pass, redo = _photo_ratios(start, end)
    return Dashboard(
        start=start,
        end=end,
        first_pass=first_pass,
        redo=redo,
        failure=_failure_ratio(start, end),
        costs=CostSum(
            orders=sum(s.orders for s in per_day.values()),
            cost=_money(sum((s.cost for s in per_day.values()), ZERO)),
            unknown=sum(s.unknown for s in per_day.values()),
        ),
        days=[
            DayCost(day=day, cost=per_day[day].cost if day in per_day else ZERO)
            for day in (today - timedelta(days=back) for back in range(days - 1, -1, -1))
        ],
        currency=settings.COST_CURRENCY,
    )
