"""A version's cost, computed once when it ends, from the meter its kind declares for its
backend (`processing.meters`) and the prices in the settings of that moment."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings

from processing.kinds import kind_of
from processing.meters import cost_round
from processing.models import VersionBase


def version_cost(
    version: VersionBase, *, failed: bool, fields: Mapping[str, Any]
) -> Decimal | None:
    """The cost to store as the version ends now: earlier runs' plus this run's.

    `fields` are what the ending UPDATE writes (they win over the loaded row: the
    execution time comes with the last poll). A retried version is the same row, and
    its earlier, failed run was paid too, so the costs add up. None when this run's cost
    cannot be known (a backend without a meter, a vendor that did not say what it billed).
    """
    meter = kind_of(version).meters.get(version.backend)
    if meter is None:
        return None

    def value(name: str) -> Any:
        return fields[name] if name in fields else getattr(version, name, None)

    run = meter.cost(
        units=value(meter.units) if meter.units else None,
        price=Decimal(getattr(settings, meter.price)) if meter.price else Decimal(0),
        failed=failed,
        paid_job=bool(meter.paid_job and value(meter.paid_job)),
    )
    if run is None:
        return None
    return cost_round((version.cost or Decimal(0)) + run)
