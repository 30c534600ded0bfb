"""Holding back the real intake checks' trigger, for tests that decide when the verdict
comes: the checks themselves (processing.services.intake) run unchanged, only later."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orders.signals import order_transitioned
from processing.services.intake import order_intake_check, order_intake_listen

UID = "processing.order_intake_listen"  # as processing/apps.py connects it


class IntakeLater:
    def verdict(self, order_id: int) -> str:
        """The intake checks judge the order now (and announce it, as they always do)."""
        return order_intake_check(order_id=order_id)


@pytest.fixture
def intake_later() -> Iterator[IntakeLater]:
    order_transitioned.disconnect(dispatch_uid=UID)
    try:
        yield IntakeLater()
    finally:
        order_transitioned.connect(order_intake_listen, dispatch_uid=UID)
