"""When the intake check is queued (stored photos, the recovery sweep), and what a hold
keeps away: the order-level "generate all", never a single photo."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.models import Order
from orders.services import order_status_set
from orders.services.holds import order_hold_confirm
from processing import services
from processing.errors import IntakeHoldError
from processing.models import ColoringVersion
from processing.services.intake import order_intake_listen
from tests import factories
from tests.processing.conftest import downloaded_image, sent_tasks

pytestmark = pytest.mark.django_db
CHECK = "processing.tasks.order_intake_check"


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        ("downloading", "ready_for_review"),
        ("downloading", "error"),
        ("pending", "ready_for_review"),  # manual orders, synced orders with no photo to fetch
        ("pending", "error"),  # a download refused for want of consent
        ("ready_for_review", "error"),
        ("error", "ready_for_review"),
    ],
)
def test_an_order_whose_photos_were_stored_gets_its_check_queued(
    from_status: str, to_status: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        order_intake_listen(None, order_id=7, from_status=from_status, to_status=to_status)

    assert sent_tasks(callbacks) == [(CHECK, (7,))]


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        ("approved", "ready_for_review"),  # an undone approval changes no photo
        ("ready_for_review", "approved"),
        ("pending", "downloading"),
        ("downloading", "pending"),
        ("ready_for_review", "cancelled"),
    ],
)
def test_other_steps_queue_no_check(
    from_status: str, to_status: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        order_intake_listen(None, order_id=7, from_status=from_status, to_status=to_status)

    assert sent_tasks(callbacks) == []


def test_the_receiver_is_connected_to_order_transitions(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = factories.OrderFactory()

    with django_capture_on_commit_callbacks(execute=False) as outer:
        order_status_set(order_id=order.pk, status="ready_for_review", actor="t")
    with django_capture_on_commit_callbacks() as callbacks:
        for callback in outer:
            callback()

    assert (CHECK, (order.pk,)) in sent_tasks(callbacks)


def aged(order: Order, minutes: int = 10) -> Order:
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))
    return order


def test_the_recovery_sweep_queues_orders_past_downloading_never_checked(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ready = aged(factories.OrderFactory(status="ready_for_review", order_number="#2001"))
    failed = aged(factories.OrderFactory(status="error", order_number="#2002"))
    aged(factories.OrderFactory(status="ready_for_review", intake_checked_at=timezone.now()))
    aged(factories.OrderFactory(status="pending"))
    aged(factories.OrderFactory(status="downloading"))
    aged(factories.OrderFactory(status="approved"))
    factories.OrderFactory(status="ready_for_review")  # just moved: its own task is on its way

    with django_capture_on_commit_callbacks() as callbacks:
        lines = services.intake_checks_recover()

    assert sorted(sent_tasks(callbacks)) == sorted([(CHECK, (ready.pk,)), (CHECK, (failed.pk,))])
    assert sorted(lines) == [
        "#2001 · kontrola fotek znovu zařazena",
        "#2002 · kontrola fotek znovu zařazena",
    ]


def test_the_recovery_command_reports_the_checks_it_queued(db: None) -> None:
    aged(factories.OrderFactory(status="ready_for_review", order_number="#2003"))
    out = StringIO()

    call_command("recover_processing", stdout=out)

    lines = out.getvalue().splitlines()
    assert "#2003 · kontrola fotek znovu zařazena" in lines
    assert "Kontroly fotek znovu zařazeny: 1." in lines


def held_order() -> Order:
    image = downloaded_image(line_item__order__intake_held=True)
    order = image.line_item.order
    Order.objects.filter(pk=order.pk).update(intake_checked_at=timezone.now())
    order.refresh_from_db()
    return order


def test_generate_all_refuses_a_held_order_in_czech_and_queues_nothing(
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = held_order()

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(IntakeHoldError) as caught:
            services.order_coloring_generate(order=order, actor="user:jana")

    assert "zadržená kontrolou fotek" in caught.value.message
    assert "Generovat i tak" in caught.value.message
    assert callbacks == []
    assert not ColoringVersion.objects.exists()


def test_generate_all_goes_ahead_once_staff_confirmed_the_hold(db: None) -> None:
    order = held_order()
    order_hold_confirm(order_id=order.pk, actor="user:jana")

    created = services.order_coloring_generate(order=order, actor="user:jana")

    assert len(created) == 1


def test_a_single_photo_of_a_held_order_may_still_be_generated_by_staff(db: None) -> None:
    order = held_order()
    image = order.line_items.get().images.get()

    version = services.coloring_generate(image=image, actor="user:jana")

    assert version.status == "queued"


def test_the_order_page_says_in_czech_why_generate_all_was_refused(staff_client: Any) -> None:
    order = held_order()
    number = order.order_number.lstrip("#")

    response = staff_client.post(
        f"/orders/{number}/generate-coloring/", headers={"HX-Request": "true"}
    )

    assert "Chyba při generování omalovánek: Objednávka je zadržená kontrolou fotek" in (
        response.content.decode()
    )
    assert not ColoringVersion.objects.exists()
