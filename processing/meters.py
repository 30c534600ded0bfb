"""How each backend bills a version: the meter a kind declares per backend (`processing.kinds`).

A meter names the version's field that holds the vendor's billed units, how many of them
make one priced unit, and the setting that prices it. The cost service
(`processing.services.costs`) reads the meter of a version's backend when the version
ends; nothing else asks which backend billed what.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal("0")
# The precision of `VersionBase.cost` (four decimal places).
COST_PLACES = Decimal("0.0001")


def cost_round(value: Decimal) -> Decimal:
    return value.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Meter:
    units: str = ""  # the version's field of billed units; "" = the backend is free
    per: Decimal = Decimal(1)  # billed units in one priced unit (1000 ms in a second)
    price: str = ""  # the setting holding the price of one priced unit
    # A field that is set once a paid job exists. A failed run without units costs
    # nothing when this is empty (or unset on the row): the vendor bills only a result
    # (Vectorizer.ai), or no job was ever submitted (RunPod). With it set, a failed run
    # whose units we never learnt (a job timed out and cancelled) has an unknown cost.
    paid_job: str = ""

    @property
    def is_free(self) -> bool:
        return not self.units

    def cost(self, *, units: Any, price: Decimal, failed: bool, paid_job: bool) -> Decimal | None:
        """What one run cost, in the price's currency; None when it cannot be known.

        A completed run without units is unknown (the vendor did not say what it billed);
        a failed run without units is free unless a paid job existed.
        """
        if self.is_free:
            return ZERO
        if units is None:
            return None if (paid_job or not failed) else ZERO
        return cost_round(Decimal(units) / self.per * price)


FREE = Meter()
RUNPOD_SECONDS = Meter(
    units="runpod_execution_ms",
    per=Decimal(1000),
    price="RUNPOD_PRICE_PER_SECOND",
    paid_job="runpod_job_id",
)
VECTORIZER_CREDITS = Meter(units="credits_charged", price="VECTORIZER_PRICE_PER_CREDIT")
