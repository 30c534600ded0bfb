"""The autopilot on the staff pages: the order's panel and switch, the list's banner."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from processing.autopilot import autopilot_summary
from processing.models import AutopilotRun
from tests.autopilot.conftest import clean_order

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_the_order_page_shows_the_autopilot_and_its_last_pass(
    staff_client: Client, settings: Any
) -> None:
    settings.AUTOPILOT = True
    order = clean_order(1)
    AutopilotRun.objects.create(
        order=order, started={"coloring": 4}, waiting="held", detail="Zadrženo kontrolou fotek."
    )

    page = staff_client.get(reverse("orders:detail", args=[order.number])).content.decode()

    assert 'id="autopilot"' in page and "Zapnutý" in page
    assert "podle nastavení (výchozí: zapnuto)" in page
    assert "spuštěno: 4 omalovánky" in page
    assert "čeká na: <strong>Zadrženo kontrolou fotek</strong>" in page
    assert 'value="off"' in page  # an operator may switch it


def test_a_printer_sees_the_panel_without_the_switch(printer_client: Client, settings: Any) -> None:
    settings.AUTOPILOT = False
    order = clean_order(1, status=Order.Status.APPROVED, autopilot=True)

    url = reverse("orders:autopilot-panel", args=[order.number])
    panel = printer_client.get(url).content.decode()

    assert "nastaveno u objednávky" in panel and "Zapnutý" in panel
    assert "<form" not in panel


def test_the_panel_pushed_without_a_user_fetches_the_viewers_own_copy() -> None:
    from django.template.loader import render_to_string

    order = clean_order(1)
    html = render_to_string(
        "orders/order_detail.html#order-header", {"order": order, "can": {"operate": True}}
    )

    assert f'hx-get="/orders/{order.number}/autopilot/panel/"' in html


def test_an_operator_switches_the_autopilot_on_and_the_page_says_so(
    staff_client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AUTOPILOT = False
    order = clean_order(1)

    with django_capture_on_commit_callbacks():
        response = staff_client.post(
            reverse("orders:autopilot", args=[order.number]), {"autopilot": "on"}, headers=HTMX
        )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Autopilot zapnut: objednávka se zpracuje sama." in body
    assert 'id="order-header" hx-swap-oob="true"' in body and "Zapnutý" in body
    order.refresh_from_db()
    assert order.autopilot is True


def test_a_bad_switch_value_gets_a_czech_error_and_changes_nothing(staff_client: Client) -> None:
    order = clean_order(1)

    response = staff_client.post(
        reverse("orders:autopilot", args=[order.number]), {"autopilot": "yes"}, headers=HTMX
    )

    assert "Neplatná volba autopilota" in response.content.decode()
    assert 'class="banner error"' in response.content.decode()
    order.refresh_from_db()
    assert order.autopilot is None


def test_without_htmx_the_switch_redirects_back_with_a_message(staff_client: Client) -> None:
    order = clean_order(1)

    response = staff_client.post(
        reverse("orders:autopilot", args=[order.number]), {"autopilot": "off"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[order.number])
    assert "Autopilot vypnut." in response.content.decode()


def test_the_order_list_banner_shows_the_last_pass_and_what_waits(
    staff_client: Client, settings: Any
) -> None:
    settings.AUTOPILOT = True
    settings.TIME_ZONE = "Europe/Prague"
    passed = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    for waiting in ("held", "held", "review", "error", ""):
        AutopilotRun.objects.create(order=clean_order(1), waiting=waiting, passed_at=passed)
    # Staff took this one further: it waits for nobody's review any more.
    AutopilotRun.objects.create(order=clean_order(1, status="approved"), waiting="review")
    AutopilotRun.objects.create(order=clean_order(1, autopilot=False), waiting="error")
    # The banner is one query (the page's other queries are the board's).
    with CaptureQueriesContext(connection) as queries:
        autopilot_summary()
    assert len(queries) == 1

    page = staff_client.get(reverse("orders:list")).content.decode()

    assert 'id="autopilot-banner"' in page
    assert "Autopilot: poslední průchod" in page
    assert "čeká na člověka: zadrženo 2, ke kontrole 1, s chybou 1" in page


def test_the_banner_says_when_nothing_waits_for_a_person(
    staff_client: Client, settings: Any
) -> None:
    settings.AUTOPILOT = True
    settings.TIME_ZONE = "Europe/Prague"
    passed = datetime(2026, 12, 2, 13, 5, tzinfo=UTC)
    AutopilotRun.objects.create(order=clean_order(1), waiting="", passed_at=passed)

    page = staff_client.get(reverse("orders:list")).content.decode()

    assert "Autopilot: poslední průchod 2. 12. 2026 14:05 · na člověka nic nečeká." in page


def test_the_banner_before_any_pass_and_without_it_when_the_autopilot_is_off(
    staff_client: Client, settings: Any
) -> None:
    settings.AUTOPILOT = True
    assert "Autopilot: zatím žádný průchod." in staff_client.get("/orders/").content.decode()

    settings.AUTOPILOT = False
    assert 'id="autopilot-banner"' not in staff_client.get("/orders/").content.decode()
