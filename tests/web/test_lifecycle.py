"""The lifecycle on the order page: htmx POSTs per step, roles, the panel, Shopify's change."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from orders.models import Order, OrderEvent
from tests.lifecycle_helpers import order_with_book, selected_svg

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
S = Order.Status


def post(client: Client, order: Order, action: str, data: dict[str, str] | None = None) -> Any:
    return client.post(f"/orders/{order.number}/{action}/", data or {}, headers=HTMX)


def status_of(order: Order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def test_an_operator_walks_every_step_and_each_answer_is_a_banner_and_the_header(
    staff_client: Client,
) -> None:
    order = order_with_book()

    approved = post(staff_client, order, "approve", {"note": "ok"})
    printed = post(staff_client, order, "printed")
    sent = post(staff_client, order, "sent", {"tracking_number": "Z1", "carrier": "PPL"})

    for response in (approved, printed, sent):
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="banner success"' in html and 'id="order-header"' in html
    assert "Objednávka schválena." in approved.content.decode()
    order.refresh_from_db()
    assert (order.status, order.tracking_number, order.carrier) == (S.SENT, "Z1", "PPL")
    assert "Vrátit: odesláno" in sent.content.decode()  # the undo of the last step

    undone = post(staff_client, order, "undo")
    assert undone.status_code == 200 and status_of(order) == S.PRINTED


def test_a_refused_step_answers_its_czech_reason_and_changes_nothing(staff_client: Client) -> None:
    order = order_with_book()
    selected_svg(order).delete()

    response = post(staff_client, order, "approve")

    html = response.content.decode()
    assert 'class="banner error"' in html and "Objednávku nelze schválit" in html
    assert status_of(order) == S.READY_FOR_REVIEW
    assert not OrderEvent.objects.filter(order=order).exclude(to_status="").exists()


@pytest.mark.parametrize(
    ("status", "action"), [(S.READY_FOR_REVIEW, "approve"), (S.PRINTED, "sent")]
)
def test_a_printer_cannot_approve_or_send(printer_client: Client, status: str, action: str) -> None:
    order = order_with_book(status)
    response = post(printer_client, order, action)
    assert response.status_code == 403 and status_of(order) == status


def test_a_printer_marks_printed_and_undoes_it_but_not_the_approval(
    printer_client: Client,
) -> None:
    order = order_with_book(S.APPROVED)

    assert post(printer_client, order, "printed").status_code == 200
    assert status_of(order) == S.PRINTED
    assert post(printer_client, order, "undo").status_code == 200
    assert status_of(order) == S.APPROVED
    assert post(printer_client, order, "undo").status_code == 403
    assert status_of(order) == S.APPROVED


def test_anonymous_and_non_staff_are_sent_to_the_login(
    client: Client, plain_client: Client
) -> None:
    order = order_with_book()
    for visitor in (client, plain_client):
        assert post(visitor, order, "approve").status_code == 302
    assert status_of(order) == S.READY_FOR_REVIEW


def test_the_panel_shows_only_the_buttons_of_the_users_role(
    staff_client: Client, printer_client: Client
) -> None:
    order = order_with_book(S.APPROVED)
    post(staff_client, order, "printed")

    operator = staff_client.get(f"/orders/{order.number}/").content.decode()
    printer = printer_client.get(f"/orders/{order.number}/lifecycle/").content.decode()

    assert "PDF hotové" in operator and "Historie stavů" in operator
    assert "Označit jako odeslané" in operator and "Vrátit: vytištěno" in operator
    assert "Vytištěno" in printer and "Vrátit: vytištěno" in printer
    assert "Označit jako odeslané" not in printer


def test_the_pushed_header_has_no_buttons_and_loads_the_users_own_panel() -> None:
    order = order_with_book()
    html = render_to_string("orders/order_detail.html#order-header", {"order": order})
    assert f'hx-get="/orders/{order.number}/lifecycle/"' in html
    assert "Schválit objednávku" not in html


def test_a_printer_does_not_see_the_panel_of_an_order_before_approval(
    printer_client: Client,
) -> None:
    order = order_with_book()
    assert printer_client.get(f"/orders/{order.number}/lifecycle/").status_code == 404


def pending(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(
        pending_change={
            "fingerprint": "f1",
            "items": [{"position": 1, "title": "Kniha", "lines": ["věnování: „A“ → „B“"]}],
            "order": {},
        }
    )


def test_the_shopify_change_warning_and_keep(staff_client: Client, printer_client: Client) -> None:
    order = order_with_book(S.APPROVED)
    pending(order)

    page = staff_client.get(f"/orders/{order.number}/").content.decode()
    assert "Shopify objednávku změnil po schválení" in page and "věnování: „A“ → „B“" in page
    assert "Použít změny" in page and "Ponechat" in page
    assert post(printer_client, order, "change/keep").status_code == 403

    response = post(staff_client, order, "change/keep")

    order.refresh_from_db()
    assert response.status_code == 200 and "ponechány" in response.content.decode()
    assert order.pending_change == {"fingerprint": "f1", "kept": True}
    assert order.status == S.APPROVED
    again = post(staff_client, order, "change/apply").content.decode()
    assert "nemá žádnou čekající změnu" in again


def test_apply_takes_the_order_back_to_review_with_shopifys_data(staff_client: Client) -> None:
    from shopify_sync.services import order_ingest
    from tests.shopify_sync.test_changes import approved_1270, with_dedication
    from tests.shopify_sync.test_ingest import order_1270

    order = approved_1270()
    order_ingest(data=with_dedication(order_1270(), "Nové věnování"), actor="shopify")

    response = post(staff_client, order, "change/apply")

    assert response.status_code == 200 and "Změny ze Shopify použity" in response.content.decode()
    assert status_of(order) == S.READY_FOR_REVIEW
    assert order.line_items.get(position=1).dedication == "Nové věnování"
