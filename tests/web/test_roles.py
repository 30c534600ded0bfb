"""What a printer sees: only approved and later orders, their files and books, and no
button they cannot use; the admin shows them nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from fotomalovanky.api.auth import ApiTokenConfigError, api_token_issue
from orders.models import Order
from processing.models import BookVersion
from tests import factories

pytestmark = pytest.mark.django_db


def order_with_book(number: str, status: str) -> Order:
    order = factories.OrderFactory(order_number=f"#{number}", status=status)
    line_item = factories.LineItemFactory(order=order, position=1)
    factories.ImageFactory(line_item=line_item, position=1, downloaded=True)
    BookVersion.objects.create(
        line_item=line_item,
        version=1,
        status="completed",
        layout="gallery",
        file=ContentFile(b"%PDF-1.4 " + number.encode(), name="book.pdf"),
    )
    return order


@pytest.fixture
def orders() -> tuple[Order, Order]:
    return order_with_book("1401", Order.Status.APPROVED), order_with_book("1402", "error")


def test_a_printer_lists_only_orders_a_printer_may_see(
    orders: tuple[Order, Order], printer_client: Client, staff_client: Client
) -> None:
    printers = printer_client.get("/orders/").content.decode()
    operators = staff_client.get("/orders/").content.decode()

    assert "#1401" in printers and "#1402" not in printers
    assert "#1401" in operators and "#1402" in operators
    assert "Načíst z Shopify" not in printers and "Nová objednávka" not in printers
    assert "Stáhnout PDF vybraných (ZIP)" in printers


def test_a_printers_detail_page_offers_only_downloads(
    orders: tuple[Order, Order], printer_client: Client
) -> None:
    page = printer_client.get("/orders/1401/").content.decode()

    assert "Stáhnout ZIP" in page and "Otevřít PDF v1" in page
    for button in ("Vygenerovat", "Generovat omalovánku", "Stáhnout ze Shopify", "Upravit v"):
        assert button not in page


def test_a_printers_batch_holds_only_visible_orders_books(
    orders: tuple[Order, Order], printer_client: Client
) -> None:
    response = printer_client.post("/orders/print-batch.zip", {"orders": [o.pk for o in orders]})

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    contents = [archive.read(name) for name in archive.namelist()]
    assert contents == [b"%PDF-1.4 1401"]


def test_the_api_lists_a_printer_only_visible_orders(
    orders: tuple[Order, Order], printer_user: User, settings: object
) -> None:
    settings.API_JWT_SECRET = "a-secret-for-tests-0123456789-abcdefgh"  # type: ignore[attr-defined]
    token = api_token_issue(username=printer_user.username, days=1)
    client = Client(headers={"Authorization": f"Bearer {token}"})

    answer = client.get("/api/v1/orders").json()

    assert [o["order_number"] for o in answer["orders"]] == ["#1401"]
    assert answer["total"] == 1


def test_no_token_is_issued_for_staff_without_a_role(settings: object) -> None:
    settings.API_JWT_SECRET = "a-secret-for-tests-0123456789-abcdefgh"  # type: ignore[attr-defined]
    factories.UserFactory(username="bez-role", is_staff=True)

    with pytest.raises(ApiTokenConfigError, match="with a role"):
        api_token_issue(username="bez-role", days=1)


def test_a_session_without_a_role_is_refused_by_the_api_in_czech() -> None:
    client = Client()
    client.force_login(factories.UserFactory(username="bez-role", is_staff=True))

    response = client.get("/api/v1/orders")

    assert response.status_code == 403
    assert "nemá přidělenou roli" in response.json()["detail"]


def test_drafts_of_manual_orders_are_for_operators_only(
    printer_client: Client, staff_client: Client
) -> None:
    name = default_storage.save("drafts/abc/photo.jpg", ContentFile(b"\xff\xd8draft"))

    assert printer_client.get(f"/media/{name}").status_code == 404
    assert b"".join(staff_client.get(f"/media/{name}").streaming_content) == b"\xff\xd8draft"


def test_the_admin_shows_a_printer_nothing(printer_client: Client, admin_client_: Client) -> None:
    printers = printer_client.get("/admin/").content.decode()
    superusers = admin_client_.get("/admin/").content.decode()

    for model in ("/admin/orders/order/", "/admin/shopify_sync/", "/admin/processing/"):
        assert model not in printers
        assert model in superusers
