"""The back office: changelists render with a fixed number of queries, data is read-only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ColoringVersionFactory,
    ImageFactory,
    LineItemFactory,
    OrderFactory,
    SvgVersionFactory,
)


def make_rows(count: int) -> None:
    """Orders with line items, photos and versions of both kinds."""
    for _ in range(count):
        image = ImageFactory(downloaded=True)
        LineItemFactory(order=image.line_item.order)
        coloring = ColoringVersionFactory(image=image, status="completed")
        SvgVersionFactory(coloring_version=coloring, status="error", error_message="Chyba")


def changelist_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


CHANGELISTS = [
    "admin:orders_order_changelist",
    "admin:orders_lineitem_changelist",
    "admin:orders_image_changelist",
    "admin:processing_coloringversion_changelist",
    "admin:processing_svgversion_changelist",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelist_query_count_does_not_grow_with_rows(admin_client_: Client, name: str) -> None:
    url = reverse(name)
    make_rows(2)
    few = changelist_queries(admin_client_, url)

    make_rows(15)
    many = changelist_queries(admin_client_, url)

    assert many == few


@pytest.mark.django_db
def test_order_changelist_shows_the_columns(admin_client_: Client) -> None:
    order = OrderFactory(order_number="#1270", customer_name="Petr Svoboda", payment_status="PAID")
    LineItemFactory.create_batch(3, order=order)

    page = admin_client_.get(reverse("admin:orders_order_changelist")).content.decode()

    assert "#1270" in page
    assert "Petr Svoboda" in page
    assert "Zaplaceno" in page
    assert "Čeká na zpracování" in page
    assert '<td class="field-item_count">3</td>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found", "hidden"),
    [
        ("q=1270", "#1270", "#1300"),
        ("q=svoboda", "#1270", "#1300"),
        ("q=jana%40example.cz", "#1300", "#1270"),
        ("status__exact=error", "#1300", "#1270"),
        ("payment_status__exact=REFUNDED", "#1300", "#1270"),
    ],
)
def test_order_changelist_searches_and_filters(
    admin_client_: Client, query: str, found: str, hidden: str
) -> None:
    OrderFactory(order_number="#1270", customer_name="Petr Svoboda", customer_email="p@example.cz")
    OrderFactory(
        order_number="#1300",
        customer_email="jana@example.cz",
        status="error",
        payment_status="REFUNDED",
    )

    page = admin_client_.get(reverse("admin:orders_order_changelist") + "?" + query)

    assert found in page.content.decode()
    assert hidden not in page.content.decode()


@pytest.mark.django_db
def test_order_page_shows_line_items_and_photos_read_only(admin_client_: Client) -> None:
    image = ImageFactory(downloaded=True, line_item__dedication="Pro Aničku")
    order = image.line_item.order

    response = admin_client_.get(reverse("admin:orders_order_change", args=[order.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Pro Aničku" in page
    assert f'src="/media/{image.file.name}"' in page
    assert 'name="customer_email"' not in page  # Shopify data is not editable


@pytest.mark.django_db
def test_orders_cannot_be_added_by_hand(admin_client_: Client) -> None:
    response = admin_client_.get(reverse("admin:orders_order_add"))

    assert response.status_code == 403


@pytest.mark.django_db
def test_version_pages_show_status_backend_and_error(admin_client_: Client) -> None:
    version = ColoringVersionFactory(
        status="error", backend="runpod", error_message="RunPod: FAILED"
    )

    changelist = admin_client_.get(reverse("admin:processing_coloringversion_changelist"))
    change = admin_client_.get(
        reverse("admin:processing_coloringversion_change", args=[version.pk])
    )

    assert "RunPod: FAILED" in changelist.content.decode()
    assert "badge-red" in changelist.content.decode()
    assert change.status_code == 200
    assert "RunPod: FAILED" in change.content.decode()


@pytest.mark.django_db
def test_admin_refuses_anonymous_users(client: Client) -> None:
    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
