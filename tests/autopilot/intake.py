"""A stand-in for the intake checks (branch `intake`), for the autopilot's tests only.

Until the real checks land, nothing on this branch sends `orders.signals.intake_checked`.
This fixture connects a receiver on `order_transitioned` that, when an order reaches
`ready_for_review` (its photos are stored), judges it as the test says ("clean" or
"held"; "manual": not at all, the test calls `verdict` itself) and sends
`intake_checked` after commit, as the real checks do. Nothing else imports it: delete
this file (and its fixture's uses) when the real intake lands.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from orders.models import Order
from orders.signals import intake_checked, order_transitioned

UID = "tests.autopilot.intake_standin"


@dataclass
class IntakeStandIn:
    mode: str = "clean"  # "clean", "held" or "manual"

    def verdict(self, order_id: int, *, held: bool) -> None:
        """Judge the order as the intake checks would, then announce it after commit."""
        with transaction.atomic():
            Order.objects.filter(pk=order_id).update(
                intake_checked_at=timezone.now(), intake_held=held
            )
            transaction.on_commit(
                lambda: intake_checked.send_robust(sender=Order, order_id=order_id, held=held)
            )

    def listen(self, sender: Any, *, order_id: int, to_status: str, **kwargs: Any) -> None:
        if to_status == Order.Status.READY_FOR_REVIEW and self.mode != "manual":
            self.verdict(order_id, held=self.mode == "held")


@pytest.fixture
def intake() -> Iterator[IntakeStandIn]:
    stand_in = IntakeStandIn()
    order_transitioned.connect(stand_in.listen, dispatch_uid=UID)
    yield stand_in
    order_transitioned.disconnect(dispatch_uid=UID)
