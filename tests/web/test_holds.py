"""The intake hold on the order page: findings on the cards and in "Kontrola fotek",
"Generovat i tak" and "E-mail odeslán" (htmx and plain), the drafts, the overdue red,
and the live push of it all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connection, transaction
from django.test import Client

from fotomalovanky.permissions import Role
from fotomalovanky.web.routing import websocket_urlpatterns
from orders.models import Order, OrderEvent
from orders.services import order_changed_notify
from tests.factories import UserFactory
from tests.holds_helpers import blurred, held_order, tiny

HTMX = {"HX-Request": "true"}
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def page(client: Client, order: Order) -> str:
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code == 200
    return response.content.decode()


def post(client: Client, order: Order, action: str, **headers: str) -> Any:
    return client.post(f"/orders/{order.number}/hold/{action}/", headers=headers or None)


def state(order: Order) -> tuple[Any, ...]:
    row = Order.objects.get(pk=order.pk)
    return row.hold_confirmed_at, row.hold_email_sent_at, OrderEvent.objects.count()


@pytest.mark.django_db
def test_the_cards_say_each_finding_in_words_red_for_holds_amber_for_warnings(
    staff_client: Client,
) -> None:
    order = held_order(photo_findings={2: [tiny(), blurred()]})
    image = order.line_items.get().images.get(position=2)

    html = page(staff_client, order)

    card = html.split(f'id="image-{image.pk}"', 1)[1].split("</article>", 1)[0]
    assert f'<ul id="findings-{image.pk}" class="findings"' in card
    assert (
        '<li class="finding finding-hold"><span class="badge badge-red">Zadrženo</span>'
        " Příliš malá fotka (320×240 px)</li>"
    ) in card
    assert (
        '<li class="finding finding-warn"><span class="badge badge-yellow">Upozornění</span>'
        " Rozmazaná fotka</li>"
    ) in card


@pytest.mark.django_db
def test_the_panel_shows_the_hold_its_findings_drafts_and_the_operators_buttons(
    staff_client: Client,
) -> None:
    order = held_order(photo_findings={2: [tiny()]})

    html = page(staff_client, order)

    panel = html.split('<section id="intake"', 1)[1].split("</section>", 1)[0]
    assert "Kontrola fotek" in panel and "Zadrženo" in panel
    assert "Fotka 2: Příliš malá fotka (320×240 px)" in panel
    assert ">Generovat i tak</button>" in panel and ">E-mail odeslán</button>" in panel
    assert "Návrh e-mailu: Nízká kvalita fotek" in panel
    assert 'data-copy="draft-low_quality-body"' in panel
    assert 'role="status" aria-live="polite"' in panel
    assert "js/copy.js" in html


@pytest.mark.django_db
def test_a_confirmed_order_says_who_confirmed_and_offers_no_buttons(staff_client: Client) -> None:
    order = held_order(hold_confirmed_at=NOW, hold_confirmed_by="user:pracovnice")

    panel = page(staff_client, order).split('<section id="intake"', 1)[1]

    assert "Potvrdil(a) user:pracovnice, 10. 3. 2026" in panel
    assert ">Generovat i tak</button>" not in panel.split("</section>", 1)[0]
    assert "Návrh e-mailu" not in panel


@pytest.mark.django_db
def test_an_operator_confirms_over_htmx_and_gets_a_banner_and_the_refreshed_header(
    staff_client: Client,
) -> None:
    order = held_order()

    response = post(staff_client, order, "confirm", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="banner success"' in html and "Potvrzeno „Generovat i tak“" in html
    assert '<div id="order-header" hx-swap-oob="true">' in html
    assert "Potvrdil(a) user:pracovnice" in html
    order.refresh_from_db()
    assert order.hold_confirmed_by == "user:pracovnice" and order.intake_clear


@pytest.mark.django_db
def test_without_htmx_an_action_redirects_back_with_its_message(staff_client: Client) -> None:
    order = held_order()

    response = post(staff_client, order, "email-sent")

    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    html = page(staff_client, order)
    assert "Zaznamenáno: e-mail zákazníkovi odeslán." in html
    assert "E-mail zákazníkovi odeslán" in html


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["confirm", "email-sent"])
def test_a_refused_action_answers_its_czech_reason_and_changes_nothing(
    staff_client: Client, action: str
) -> None:
    order = held_order(intake_held=False, photo_findings={})
    before = state(order)

    response = post(staff_client, order, action, **HTMX)

    html = response.content.decode()
    assert 'class="banner error"' in html
    assert "Objednávka není zadržená kontrolou fotek." in html
    assert state(order) == before


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["confirm", "email-sent"])
def test_a_printer_may_not_decide_a_hold(printer_client: Client, action: str) -> None:
    order = held_order(status=Order.Status.APPROVED)
    before = state(order)

    response = post(printer_client, order, action, **HTMX)

    assert response.status_code == 403 and state(order) == before


@pytest.mark.django_db
def test_an_order_waiting_too_long_turns_red_on_its_page(staff_client: Client) -> None:
    order = held_order(checked_at=NOW)

    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        assert "overdue-note" not in page(staff_client, order)
    with time_machine.travel(NOW + timedelta(days=6), tick=False):
        html = page(staff_client, order)

    assert '<section id="intake" class="intake overdue"' in html
    assert "Čeká déle než 5 dní (od 10. 3. 2026" in html


async def _operator_socket(number: str) -> WebsocketCommunicator:
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/orders/{number}/")
    communicator.scope["user"] = staff
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_new_findings_reach_the_open_page_with_the_order_header_push() -> None:
    order = await sync_to_async(held_order)(photo_findings={})
    image = await sync_to_async(lambda: order.line_items.get().images.get(position=1))()
    communicator = await _operator_socket(order.number)

    def check() -> None:  # what the intake checks do: findings, then order_changed
        try:
            with transaction.atomic():
                image.intake_findings = [tiny()]
                image.save(update_fields=["intake_findings"])
                order_changed_notify(order_id=order.pk, order_number=order.order_number)
        finally:
            connection.close()

    await sync_to_async(check)()

    fragment = await communicator.receive_from(timeout=5)
    assert 'id="order-header"' in fragment
    assert "Fotka 1: Příliš malá fotka (320×240 px)" in fragment  # the panel
    card = fragment.split(f'<ul id="findings-{image.pk}"', 1)[1].split("</ul>", 1)[0]
    assert "Příliš malá fotka" in card and " hidden" not in card.split(">", 1)[0]
    await communicator.disconnect()
