"""GET /orders, GET /orders/{n}, GET /orders/{n}/images/{id}, POST sync and fetch."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order, OrderEvent
from tests import factories

from .conftest import first_image, full_order, versions_of

pytestmark = pytest.mark.django_db


def test_it_lists_orders_newest_first_with_item_counts_and_total(api: Client) -> None:
    now = timezone.now()
    old = factories.OrderFactory(order_number="#1001", created_at=now - timedelta(days=2))
    new = factories.OrderFactory(order_number="#1002", created_at=now, customer_email="")
    factories.LineItemFactory.create_batch(3, order=old)

    response = api.get("/api/v1/orders")

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert [o["order_number"] for o in body["orders"]] == ["#1002", "#1001"]
    first, second = body["orders"]
    assert first["id"] == new.pk
    assert first["number"] == "1002"
    assert first["customer_email"] is None
    assert first["item_count"] == 0
    assert second["item_count"] == 3
    assert second["shopify_id"] == old.shopify_id
    assert second["shopify_order_number"] == "#1001"
    assert second["payment_status"] == "PAID"
    assert second["status"] == "pending"
    assert second["status_label"] == "Čeká na zpracování"
    # Prague time with its offset, as the seed rendered times.
    assert second["created_at"].endswith(("+01:00", "+02:00"))


def test_it_pages_with_skip_and_limit_and_filters_by_status(api: Client) -> None:
    now = timezone.now()
    for n in range(5):
        factories.OrderFactory(
            order_number=f"#{2000 + n}",
            created_at=now - timedelta(minutes=n),
            status="error" if n % 2 else "pending",
        )

    page = api.get("/api/v1/orders", {"skip": 1, "limit": 2}).json()
    errors = api.get("/api/v1/orders", {"status": "error"}).json()

    assert [o["order_number"] for o in page["orders"]] == ["#2001", "#2002"]
    assert page["total"] == 5
    assert [o["order_number"] for o in errors["orders"]] == ["#2001", "#2003"]
    assert errors["total"] == 2


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 201}, {"skip": -1}, {"skip": "x"}, {"status": "lost"}],
)
def test_invalid_list_parameters_are_422_with_field_errors(
    api: Client, params: dict[str, Any]
) -> None:
    response = api.get("/api/v1/orders", params)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", next(iter(params))]
    assert set(error) == {"loc", "msg", "type"}


def test_the_detail_has_line_items_images_versions_and_selection(api: Client) -> None:
    order = full_order(images=2, versions=2)
    image = first_image(order)
    colorings, svgs = versions_of(image)

    response = api.get("/api/v1/orders/1270")

    assert response.status_code == 200
    body = response.json()
    assert body["order_number"] == "#1270"
    assert body["shipping_method"] == "Zásilkovna"
    assert "item_count" not in body
    (line_item,) = body["line_items"]
    assert line_item["dedication"] == "Pro Aničku"
    assert line_item["layout"] == "A4"
    assert [i["position"] for i in line_item["images"]] == [1, 2]
    first = line_item["images"][0]
    assert first["id"] == image.pk
    assert first["url"] == f"http://testserver/media/{image.file.name}"
    assert first["selected_version_ids"] == {"coloring": colorings[0].pk, "svg": svgs[0].pk}
    assert [v["version"] for v in first["versions"]["coloring"]] == [1, 2]
    coloring = first["versions"]["coloring"][0]
    assert coloring["options"] == {"megapixels": 1.0, "steps": 4}
    assert coloring["status"] == "completed"
    assert coloring["status_label"] == "Dokončeno"
    assert coloring["is_selected"] is True
    assert coloring["error_message"] is None
    svg = first["versions"]["svg"][1]
    assert svg["coloring_version_id"] == colorings[1].pk
    assert svg["options"] == {"shape_stacking": "stacked", "group_by": "color"}
    assert svg["is_selected"] is False


def test_one_image_of_an_order(api: Client) -> None:
    order = full_order(images=1, versions=1)
    image = first_image(order)

    response = api.get(f"/api/v1/orders/1270/images/{image.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == image.pk
    assert len(response.json()["versions"]["svg"]) == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/9999",
        "/api/v1/orders/12%2070",
        "/api/v1/orders/a.b",
        "/api/v1/orders/1270/images/999999",
        "/api/v1/orders/1270/images/abc",
        "/api/v1/orders/1270/images/0",
        "/api/v1/orders/1270/images/99999999999999999999999",
    ],
)
def test_missing_or_malformed_orders_and_images_are_404(api: Client, path: str) -> None:
    full_order(images=1, versions=0)

    response = api.get(path)

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


def test_an_image_of_another_order_is_404(api: Client) -> None:
    full_order(images=1, versions=0)
    other = factories.ImageFactory()

    assert api.get(f"/api/v1/orders/1270/images/{other.pk}").status_code == 404


def test_sync_queues_a_resync_and_records_who_asked(
    api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    order = factories.OrderFactory(order_number="#1270")

    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post("/api/v1/orders/1270/sync")

    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert "#1270" in response.json()["message"]
    assert len(callbacks) == 1
    event = OrderEvent.objects.get(order=order)
    assert event.actor == "api:pracovnice"


def test_sync_of_a_manual_order_is_400_with_the_reason(api: Client) -> None:
    factories.OrderFactory(order_number="#M1000", shopify_id=None)

    response = api.post("/api/v1/orders/M1000/sync")

    assert response.status_code == 400
    assert "nepochází ze Shopify" in response.json()["detail"]
    assert not OrderEvent.objects.exists()


def test_sync_of_an_unknown_order_is_404(api: Client) -> None:
    response = api.post("/api/v1/orders/4040/sync")

    assert response.status_code == 404
    assert response.json() == {"detail": "Objednávka nenalezena."}


def test_fetch_from_shopify_queues_the_import(
    api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post("/api/v1/orders/fetch-from-shopify?limit=5")

    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert len(callbacks) == 1
    assert not Order.objects.exists()


@pytest.mark.parametrize("limit", ["0", "251", "many"])
def test_fetch_from_shopify_with_a_bad_limit_is_422(api: Client, limit: str) -> None:
    assert api.post(f"/api/v1/orders/fetch-from-shopify?limit={limit}").status_code == 422


def test_fetch_from_shopify_answers_only_post(api: Client) -> None:
    response = api.get("/api/v1/orders/fetch-from-shopify")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "GET" in response.json()["detail"]
