"""The back office: changelists render with a fixed number of queries, data is read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import LAYOUT_GALLERY, DraftPhoto, Order, OrderEvent
from processing.models import ColoringVersion, SvgVersion
from tests.factories import (
    ColoringVersionFactory,
    ImageFactory,
    LineItemFactory,
    OrderFactory,
    SvgVersionFactory,
)
from tests.fakes.photos import PHOTOS


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
def test_adding_an_order_is_the_manual_order_form(admin_client_: Client) -> None:
    changelist = admin_client_.get(reverse("admin:orders_order_changelist")).content.decode()
    assert "Nová ruční objednávka" in changelist

    response = admin_client_.get(reverse("admin:orders_order_add"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="manual-form"' in page and 'name="items-0-uploads" multiple' in page
    assert "css/manual.css" in page and "Nová ruční objednávka" in page


@pytest.mark.django_db
def test_the_admin_form_creates_the_order_through_the_same_service(
    admin_client_: Client,
) -> None:
    photo = SimpleUploadedFile("kocka.jpg", (PHOTOS / "chelsea.jpg").read_bytes())
    form = {
        "draft": "",
        "lines": "1",
        "customer_name": "Petr Svoboda",
        "items-0-title": "Omalovánka z vlastních fotek",
        "items-0-variant_title": "Omalovánka z vlastních fotek / 1",
        "items-0-layout": LAYOUT_GALLERY,
        "items-0-quantity": "1",
        "action": "create",
    }
    url = reverse("admin:orders_order_add")

    refused = admin_client_.post(url, {**form, "customer_name": "", "items-0-uploads": photo})
    assert "Vyplňte jméno zákazníka." in refused.content.decode()
    assert "breadcrumbs" in refused.content.decode()  # the whole admin page again
    kept = DraftPhoto.objects.get()
    response = admin_client_.post(
        url, {**form, "draft": str(kept.draft), "items-0-photos": str(kept.pk)}, follow=True
    )

    order = Order.objects.get()
    assert order.order_number == "#M1000" and order.is_manual
    assert response.redirect_chain[-1][0] == reverse("admin:orders_order_change", args=[order.pk])
    assert "Ruční objednávka #M1000 vytvořena." in response.content.decode()


@pytest.mark.django_db
def test_staff_without_the_add_permission_get_no_admin_form(printer_user: Any) -> None:
    client = Client()
    client.force_login(printer_user)

    assert client.get(reverse("admin:orders_order_add")).status_code == 403


@pytest.mark.django_db
def test_the_sync_action_refuses_a_manual_order_by_name(admin_client_: Client) -> None:
    manual = OrderFactory(order_number="#M1000", shopify_id=None)

    response = admin_client_.post(
        reverse("admin:orders_order_changelist"),
        {"action": "sync_from_shopify", "_selected_action": [manual.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "#M1000: Objednávka #M1000 nepochází ze Shopify (je zadaná ručně)" in page
    assert "Synchronizace zařazena: 0." in page


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


def run_action(client: Client, action: str, orders: list[object]) -> str:
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": action, "_selected_action": [o.pk for o in orders]},  # type: ignore[attr-defined]
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_colouring_action_calls_the_service_per_order(admin_client_: Client) -> None:
    ready = ImageFactory(downloaded=True).line_item.order
    empty = OrderFactory()

    page = run_action(admin_client_, "generate_colorings", [ready, empty])

    assert "Omalovánky zařazeny: 1." in page
    assert "V objednávce není žádná stažená fotka bez omalovánky." in page
    assert ColoringVersion.objects.filter(image__line_item__order=ready).count() == 1


@pytest.mark.django_db
def test_the_svg_action_uses_the_completed_colouring(admin_client_: Client) -> None:
    coloring = ColoringVersionFactory(status="completed", is_selected=True)

    page = run_action(admin_client_, "generate_svgs", [coloring.image.line_item.order])

    assert "SVG zařazena: 1." in page
    assert SvgVersion.objects.get().coloring_version == coloring


@pytest.mark.django_db
def test_the_sync_action_queues_a_resync(admin_client_: Client) -> None:
    order = OrderFactory()

    page = run_action(admin_client_, "sync_from_shopify", [order])

    assert "Synchronizace zařazena: 1." in page
    assert order.events.filter(message="Synchronizace ze Shopify vyžádána").exists()


@pytest.mark.django_db
def test_the_retry_action_requeues_failed_versions_only(admin_client_: Client) -> None:
    failed = ColoringVersionFactory(status="error", error_message="RunPod: FAILED")
    done = ColoringVersionFactory(status="completed")

    response = admin_client_.post(
        reverse("admin:processing_coloringversion_changelist"),
        {"action": "retry", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )

    failed.refresh_from_db()
    assert failed.status == "queued"
    assert "Opakovat lze jen verzi ve stavu Chyba." in response.content.decode()


@pytest.mark.django_db
def test_admin_and_live_pages_link_to_each_other(admin_client_: Client) -> None:
    order = OrderFactory(order_number="#1270")

    change = admin_client_.get(
        reverse("admin:orders_order_change", args=[order.pk])
    ).content.decode()
    listing = admin_client_.get(reverse("admin:orders_order_changelist")).content.decode()
    live = admin_client_.get("/orders/1270/").content.decode()

    assert 'href="/orders/1270/"' in change and "Živá stránka objednávky" in change
    assert 'href="/orders/1270/"' in listing
    assert f'href="/admin/orders/order/{order.pk}/change/"' in live


def status_history_queries(client: Client, order: Order) -> tuple[int, str]:
    url = reverse("admin:orders_order_change", args=[order.pk])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return len(queries), page


def test_the_order_page_shows_the_status_history_in_a_fixed_number_of_queries(
    admin_client_: Client,
) -> None:
    order = OrderFactory(status=Order.Status.APPROVED)
    OrderEvent.objects.create(
        order=order,
        actor="user:jana",
        message="Stav: Schváleno",
        from_status="ready_for_review",
        to_status="approved",
        note="vše sedí",
    )
    few, page = status_history_queries(admin_client_, order)
    for _ in range(5):
        OrderEvent.objects.create(
            order=order,
            actor="user:petr",
            message="Stav",
            from_status="approved",
            to_status="printed",
        )
    many, _ = status_history_queries(admin_client_, order)

    assert "Historie stavů" in page and "vše sedí" in page and "user:jana" in page
    assert many == few
