"""The order history keeps each status change as data: from, to, who, when, note."""

from __future__ import annotations

import re

import time_machine
from django.test import Client
from django.urls import reverse

from orders.models import Order, OrderEvent
from orders.services import order_event_log, order_status_set
from tests import factories


def test_a_status_change_is_recorded_with_from_to_who_and_note(db: None) -> None:
    order = factories.OrderFactory(status=Order.Status.PROCESSING)
    with time_machine.travel("2026-12-01 10:00:00Z", tick=False):
        changed = order_status_set(
            order_id=order.pk, status=Order.Status.ERROR, actor="user:jana", message="Chybí fotka 2"
        )
    assert changed
    event = OrderEvent.objects.get(order=order)
    assert (event.from_status, event.to_status) == ("processing", "error")
    assert (event.actor, event.note) == ("user:jana", "Chybí fotka 2")
    assert event.message == "Stav: Chyba – Chybí fotka 2"
    assert event.created_at.isoformat() == "2026-12-01T10:00:00+00:00"
    assert event.is_transition


def test_a_change_refused_by_expected_records_nothing(db: None) -> None:
    order = factories.OrderFactory(status=Order.Status.READY_FOR_REVIEW)
    changed = order_status_set(
        order_id=order.pk,
        status=Order.Status.DOWNLOADING,
        actor="system",
        expected={Order.Status.PENDING},
    )
    assert not changed
    order.refresh_from_db()
    assert order.status == Order.Status.READY_FOR_REVIEW
    assert not OrderEvent.objects.filter(order=order).exists()


def test_other_events_are_not_transitions(db: None) -> None:
    order = factories.OrderFactory()
    order_event_log(order_id=order.pk, actor="system", message="Objednávka importována ze Shopify")
    event = OrderEvent.objects.get(order=order)
    assert not event.is_transition and event.from_status == event.to_status == ""


def test_the_admin_shows_the_transition(admin_client_: Client) -> None:
    order = factories.OrderFactory(status=Order.Status.PENDING)
    order_status_set(order_id=order.pk, status=Order.Status.DOWNLOADING, actor="system")
    response = admin_client_.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'class="field-from_status">\s*<p>Čeká na zpracování</p>', html)
    assert re.search(r'class="field-to_status">\s*<p>Stahování…</p>', html)
