"""The order page shows where telling Shopify stands, and the operator may retry it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.test import Client

from common.redis import redis_client
from fotomalovanky.celery import app as celery_app
from orders.models import FulfilmentStatus, Order
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
URL = "/orders/1270/fulfil-retry/"


@pytest.fixture
def io_queue(settings: Any) -> Iterator[redis.Redis]:
    settings.SHOPIFY_FULFILL_ON_SENT = True
    celery_app.control.purge()
    yield redis_client()
    celery_app.control.purge()


def failed_order(**fields: Any) -> Order:
    defaults = {
        "order_number": "#1270",
        "status": Order.Status.SENT,
        "tracking_number": "Z 1234",
        "carrier": "Zásilkovna",
        "fulfilment_status": FulfilmentStatus.ERROR,
        "fulfilment_error": "Shopify odmítl vytvořit odeslání: Tracking number is invalid.",
    }
    return OrderFactory(**{**defaults, **fields})


def tasks(queue: redis.Redis) -> list[str]:
    return [json.loads(raw)["headers"]["task"] for raw in queue.lrange("io", 0, -1)]


def test_the_detail_page_shows_the_state_the_error_and_the_retry_button(
    staff_client: Client,
) -> None:
    failed_order()

    html = staff_client.get("/orders/1270/").content.decode()

    assert 'id="fulfilment"' in html
    assert "Chyba oznámení Shopify" in html
    assert "Tracking number is invalid." in html
    assert "zásilka Z 1234 (Zásilkovna)" in html
    assert "Zkusit znovu oznámit Shopify" in html


def test_a_done_notice_shows_no_retry_button(staff_client: Client) -> None:
    failed_order(fulfilment_status=FulfilmentStatus.DONE, fulfilment_error="")

    html = staff_client.get("/orders/1270/").content.decode()

    assert "Shopify informován" in html
    assert "Zkusit znovu oznámit Shopify" not in html


def test_an_order_never_told_to_shopify_shows_nothing_of_it(staff_client: Client) -> None:
    failed_order(fulfilment_status="", fulfilment_error="")

    assert 'id="fulfilment"' not in staff_client.get("/orders/1270/").content.decode()


def test_the_operator_retries_and_the_task_is_queued(
    staff_client: Client, io_queue: redis.Redis, django_capture_on_commit_callbacks: Any
) -> None:
    order = failed_order()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(URL, headers=HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Oznámení odeslání do Shopify znovu zařazeno." in html
    assert "Čeká na odeslání do Shopify" in html  # the refreshed header
    order.refresh_from_db()
    assert (order.fulfilment_status, order.fulfilment_error) == (FulfilmentStatus.PENDING, "")
    assert tasks(io_queue) == ["shopify_sync.tasks.order_fulfil"]


def test_a_retry_with_nothing_to_retry_answers_the_czech_reason(
    staff_client: Client, io_queue: redis.Redis
) -> None:
    failed_order(fulfilment_status=FulfilmentStatus.DONE)

    response = staff_client.post(URL, headers=HTMX)

    assert "Shopify nelze znovu oznámit: Oznámit Shopify lze jen odeslanou" in (
        response.content.decode()
    )
    assert tasks(io_queue) == []


def test_a_printer_may_not_retry(printer_client: Client, io_queue: redis.Redis) -> None:
    order = failed_order()

    response = printer_client.post(URL, headers=HTMX)

    assert response.status_code == 403
    assert "nemáte oprávnění" in response.content.decode()
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.ERROR
    assert tasks(io_queue) == []


def test_anonymous_and_non_staff_are_sent_to_log_in(
    client: Client, plain_client: Client, io_queue: redis.Redis
) -> None:
    failed_order()

    for visitor in (client, plain_client):
        assert visitor.post(URL, headers=HTMX).status_code == 302
    assert tasks(io_queue) == []


def test_a_get_is_refused(staff_client: Client) -> None:
    failed_order()

    assert staff_client.get(URL).status_code == 405


def test_the_admin_shows_the_fulfilment_fields(admin_client_: Client) -> None:
    order = failed_order(shopify_fulfillment_id="gid://shopify/Fulfillment/7")

    html = admin_client_.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert "Odeslání" in html
    assert "Tracking number is invalid." in html
    assert "gid://shopify/Fulfillment/7" in html
    assert "Z 1234" in html
