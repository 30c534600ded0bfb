"""The operators' dashboard at /dashboard/: how the last 30 days went and what they cost.

The figures come from `processing.selectors_costs`; this module only lays the daily
costs out as a bar chart drawn on the server as inline SVG (no JavaScript, nothing from
a CDN), with the same figures as a table for screen readers and for reading exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fotomalovanky.permissions import Capability, requires
from processing.selectors_costs import DayCost, dashboard, monthly_costs

# The chart's drawing area, in SVG user units (it scales with the page).
WIDTH, HEIGHT, AXIS = 600, 160, 20


@dataclass(frozen=True)
class Bar:
    day: DayCost
    x: Decimal
    y: Decimal
    width: Decimal
    height: Decimal


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    peak: Decimal  # the figure the top of the chart stands for
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS

    @property
    def baseline(self) -> int:
        return self.height - self.axis


def chart_of(days: list[DayCost]) -> Chart:
    """Bars of equal width, their heights in proportion to the day's cost (the highest
    day reaches the top; with no cost at all every bar is flat on the baseline)."""
    peak = max((day.cost for day in days), default=Decimal(0))
    slot = Decimal(WIDTH) / max(len(days), 1)
    room = Decimal(HEIGHT - AXIS)
    bars = []
    for index, day in enumerate(days):
        height = (room * day.cost / peak).quantize(Decimal("0.1")) if peak else Decimal(0)
        bars.append(
            Bar(
                day=day,
                x=(slot * index + slot / 10).quantize(Decimal("0.1")),
                y=room - height,
                width=(slot * 8 / 10).quantize(Decimal("0.1")),
                height=height,
            )
        )
    return Chart(bars=bars, peak=peak)


@require_GET
@requires(Capability.OPERATE)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    board = dashboard()
    context = {"board": board, "chart": chart_of(board.days), "months": monthly_costs()}
    return render(request, "orders/dashboard.html", context)
