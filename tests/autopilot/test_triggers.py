"""What queues a pass: a clean intake verdict, a completed version, the beat sweep, and
staff's switch on the order page (the service behind it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from orders.models import Order, OrderEvent
from orders.signals import intake_checked
from processing.errors import ProcessingRuleError
from processing.models import AutopilotRun
from processing.services.autopilot import autopilot_sweep, order_autopilot_set
from processing.services.versions import version_select
from tests.autopilot.conftest import clean_order, coloring, images_of
from tests.processing.conftest import sent_tasks

pytestmark = pytest.mark.django_db
ADVANCE = "processing.tasks.order_autopilot_advance"


@pytest.fixture(autouse=True)
def _autopilot_on(settings: Any) -> None:
    settings.AUTOPILOT = True


def queued(callbacks: list[Any]) -> list[tuple[str, tuple]]:
    return [task for task in sent_tasks(callbacks) if task[0] == ADVANCE]


def test_a_clean_intake_verdict_queues_one_pass(django_capture_on_commit_callbacks: Any) -> None:
    order = clean_order(1)

    with django_capture_on_commit_callbacks() as callbacks:
        intake_checked.send(sender=Order, order_id=order.pk, held=False)

    assert queued(callbacks) == [(ADVANCE, (order.pk,))]


def test_a_held_verdict_queues_nothing(django_capture_on_commit_callbacks: Any) -> None:
    order = clean_order(1, intake_held=True)

    with django_capture_on_commit_callbacks() as callbacks:
        intake_checked.send(sender=Order, order_id=order.pk, held=True)

    assert queued(callbacks) == []


@pytest.mark.parametrize(
    ("setting", "fields"),
    [(False, {}), (True, {"autopilot": False}), (True, {"status": Order.Status.APPROVED})],
    ids=["setting-off", "order-off", "approved"],
)
def test_no_pass_is_queued_for_an_order_the_autopilot_does_not_drive(
    setting: bool, fields: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = setting
    order = clean_order(1, **fields)

    with django_capture_on_commit_callbacks() as callbacks:
        intake_checked.send(sender=Order, order_id=order.pk, held=False)

    assert queued(callbacks) == []


def test_a_completed_version_queues_a_pass_after_its_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = clean_order(1)
    image = images_of(order)[0]
    version = coloring(image, is_selected=False)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version_select(image=image, version=version, actor="user:jana")

    assert queued(callbacks) == [(ADVANCE, (order.pk,))]


def test_the_sweep_queues_driven_orders_before_approval_never_passed_first(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    recent, never, old = clean_order(1), clean_order(1), clean_order(1)
    AutopilotRun.objects.create(order=recent, passed_at=timezone.now())
    AutopilotRun.objects.create(order=old, passed_at=timezone.now() - timedelta(hours=1))
    clean_order(1, autopilot=False)
    clean_order(1, status=Order.Status.SENT)
    clean_order(1, status=Order.Status.CANCELLED)
    settings.AUTOPILOT_SWEEP_LIMIT = 2

    with django_capture_on_commit_callbacks() as callbacks:
        assert autopilot_sweep() == 2

    assert queued(callbacks) == [(ADVANCE, (never.pk,)), (ADVANCE, (old.pk,))]


def test_the_sweep_queues_nothing_when_the_autopilot_drives_nothing(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = False
    clean_order(1)

    with django_capture_on_commit_callbacks() as callbacks:
        assert autopilot_sweep() == 0

    assert callbacks == []


@pytest.mark.parametrize(("value", "stored"), [("on", True), ("off", False), ("default", None)])
def test_staff_set_the_orders_own_switch(
    value: str, stored: bool | None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = False
    order = clean_order(1)

    with django_capture_on_commit_callbacks() as callbacks:
        enabled = order_autopilot_set(order_id=order.pk, value=value, actor="user:jana")

    order.refresh_from_db()
    assert (order.autopilot, enabled) == (stored, value == "on")
    assert queued(callbacks) == ([(ADVANCE, (order.pk,))] if enabled else [])
    event = OrderEvent.objects.get(actor="user:jana")
    assert event.message.startswith("Autopilot zapnut" if enabled else "Autopilot vypnut")


@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("maybe", Order.Status.READY_FOR_REVIEW, "Neplatná volba autopilota"),
        (None, Order.Status.READY_FOR_REVIEW, "Neplatná volba autopilota"),
        ("on", Order.Status.APPROVED, "ve stavu Schváleno"),
        ("on", Order.Status.CANCELLED, "ve stavu Zrušeno"),
    ],
    ids=["unknown-value", "no-value", "approved", "cancelled"],
)
def test_a_switch_that_cannot_apply_is_refused_and_changes_nothing(
    value: object, status: str, message: str, django_capture_on_commit_callbacks: Any
) -> None:
    order = clean_order(1, status=status)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ProcessingRuleError) as e:
        order_autopilot_set(order_id=order.pk, value=value, actor="user:jana")

    assert message in e.value.message
    order.refresh_from_db()
    assert order.autopilot is None and not OrderEvent.objects.exists()
    assert callbacks == []
