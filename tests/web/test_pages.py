"""The staff pages: access, content, htmx partials and fixed query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Image, Order
from tests.factories import (
    ColoringVersionFactory,
    ImageFactory,
    LineItemFactory,
    OrderFactory,
    order_with_versions,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("url", ["/orders/", "/orders/1270/", "/orders/1270/images/1/"])
def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(
    client: Client, plain_client: Client, url: str
) -> None:
    OrderFactory(order_number="#1270")

    for visitor in (client, plain_client):
        response = visitor.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_root_leads_to_the_order_list(staff_client: Client) -> None:
    assert staff_client.get("/")["Location"] == "/orders/"


def test_the_list_shows_each_column(staff_client: Client, settings: object) -> None:
    order = OrderFactory(
        order_number="#1270",
        customer_name="Anna Dvořáková",
        customer_email="anna@example.cz",
        payment_status="PAID",
        shopify_id=5861201002761,
        created_at=datetime(2026, 1, 20, 13, 3, tzinfo=UTC),
    )
    LineItemFactory.create_batch(2, order=order)

    page = staff_client.get("/orders/").content.decode()

    assert '<a href="/orders/1270/">#1270</a>' in page
    assert "20. 1. 2026 14:03" in page  # Prague time
    assert "Anna Dvořáková" in page and "anna@example.cz" in page
    assert "kniha 1/2" in page and "kniha 2/2" in page
    assert "Zaplaceno" in page and "Čeká na zpracování" in page
    assert "https://admin.shopify.com/store/test-shop/orders/5861201002761" in page
    assert 'ws-connect="/ws/orders/"' in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=1270", "#1270", "#1300"),
        ("q=%231270", "#1270", "#1300"),
        ("q=dvořák", "#1270", "#1300"),  # case-insensitive
        ("q=petr%40example", "#1300", "#1270"),
        ("status=error", "#1300", "#1270"),
    ],
)
def test_the_list_searches_and_filters(
    staff_client: Client, query: str, shown: str, hidden: str
) -> None:
    OrderFactory(order_number="#1270", customer_name="Anna Dvořáková")
    OrderFactory(order_number="#1300", customer_email="petr@example.cz", status="error")

    page = staff_client.get(f"/orders/?{query}").content.decode()

    assert shown in page
    assert hidden not in page


def test_the_list_pages_by_fifty_newest_first(staff_client: Client) -> None:
    now = timezone.now()
    for n in range(60):
        OrderFactory(order_number=f"#{2000 + n}", created_at=now - timedelta(minutes=n))

    first = staff_client.get("/orders/").content.decode()
    second = staff_client.get("/orders/?page=2").content.decode()

    assert first.count('<tr id="order-') == 50
    assert "#2000" in first and "#2050" not in first
    assert second.count('<tr id="order-') == 10
    assert "Strana 2 z 2" in second


def test_an_htmx_request_gets_only_the_table(staff_client: Client) -> None:
    OrderFactory(order_number="#1270")

    page = staff_client.get("/orders/?q=1270", headers=HTMX).content.decode()

    assert page.lstrip().startswith('<div id="order-table"')
    assert "<html" not in page


def test_the_list_of_10000_orders_takes_at_most_13_queries(staff_client: Client) -> None:
    # Session, user, its two permission reads, the page's count and rows, its line items,
    # the chips' counts, and the approved orders' books (their ids, then up to four).
    now = timezone.now()
    Order.objects.bulk_create(
        Order(order_number=f"#{n}", created_at=now - timedelta(seconds=n)) for n in range(10_000)
    )
    staff_client.get("/orders/")  # warm the session

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/orders/?page=3")

    assert response.status_code == 200
    assert len(queries) <= 13


def test_the_detail_of_50_photos_with_5_versions_each_takes_at_most_12_queries(
    staff_client: Client,
) -> None:
    order_with_versions("#1270")
    staff_client.get("/orders/")

    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/orders/1270/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == 50
    # The 11th: the lifecycle panel's status history; the 12th: the costs panel's figures.
    assert len(queries) <= 12


def test_the_detail_shows_items_dedication_layout_and_cards(staff_client: Client) -> None:
    image = ImageFactory(
        downloaded=True,
        line_item__order__order_number="#1270",
        line_item__dedication="Pro Aničku",
        line_item__layout="Na výšku",
    )
    ColoringVersionFactory(
        image=image, version=1, status="completed", is_selected=True, megapixels=2.0, steps=8
    )
    ColoringVersionFactory(image=image, version=2, status="error", error_message="RunPod: FAILED")

    page = staff_client.get("/orders/1270/").content.decode()

    assert "Pro Aničku" in page and "Na výšku" in page
    assert f'id="image-{image.pk}"' in page
    assert "2MP / 8st" in page
    assert "RunPod: FAILED" in page and "Zopakovat" in page
    assert 'ws-connect="/ws/orders/1270/"' in page
    assert "Omalovánky: 1/1 hotovo" in page


def test_an_unknown_order_is_404(staff_client: Client) -> None:
    assert staff_client.get("/orders/999/").status_code == 404


def test_a_card_can_be_fetched_alone_but_only_within_its_order(staff_client: Client) -> None:
    image = ImageFactory(line_item__order__order_number="#1270")
    other = OrderFactory(order_number="#1300")

    assert (
        staff_client.get(f"/orders/1270/images/{image.pk}/")
        .content.decode()
        .lstrip()
        .startswith(f'<article id="image-{image.pk}"')
    )
    assert staff_client.get(f"/orders/{other.number}/images/{image.pk}/").status_code == 404


def test_pages_show_previews_not_originals(staff_client: Client) -> None:
    image = ImageFactory(downloaded=True, line_item__order__order_number="#1270")
    Image.objects.filter(pk=image.pk).update(preview="1/1/preview/image_1.jpg")

    page = staff_client.get("/orders/1270/").content.decode()

    assert "/media/1/1/preview/image_1.jpg" in page
    assert f"/media/{image.file.name}" not in page
