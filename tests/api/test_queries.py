"""Lists and details cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests import factories

from .conftest import first_image, full_order

pytestmark = pytest.mark.django_db


def queries(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as context:
        response = request()
    assert response.status_code == 200  # type: ignore[attr-defined]
    return len(context.captured_queries)


def add_orders(count: int) -> None:
    for _ in range(count):
        factories.LineItemFactory.create_batch(2, order=factories.OrderFactory())


def test_the_order_list_does_not_grow_with_orders(api: Client) -> None:
    add_orders(2)
    few = queries(lambda: api.get("/api/v1/orders"))
    add_orders(20)

    many = queries(lambda: api.get("/api/v1/orders"))

    # The token's user, their role (own and groups' permissions), the page, the count.
    assert many == few <= 5
    assert Order.objects.count() == 22


def test_the_order_detail_does_not_grow_with_photos_and_versions(api: Client) -> None:
    full_order(images=1, versions=1, number="#1")
    full_order(images=12, versions=5, number="#2")

    few = queries(lambda: api.get("/api/v1/orders/1"))
    many = queries(lambda: api.get("/api/v1/orders/2"))

    # The user, their role (two), the order, its line items, their images, colouring and
    # SVG versions, and the order's cost total.
    assert many == few <= 9


def test_one_image_and_its_version_lists_do_not_grow_with_versions(api: Client) -> None:
    image = first_image(full_order(images=1, versions=1))
    paths = [
        f"/api/v1/orders/1270/images/{image.pk}",
        f"/api/v1/images/{image.pk}/coloring-versions",
        f"/api/v1/images/{image.pk}/svg-versions",
    ]
    few = [queries(lambda path=path: api.get(path)) for path in paths]
    for number in range(2, 12):
        coloring = factories.ColoringVersionFactory(image=image, version=number)
        factories.SvgVersionFactory(image=image, coloring_version=coloring, version=number)

    many = [queries(lambda path=path: api.get(path)) for path in paths]

    assert many == few
    assert max(many) <= 7  # two of them the role's
