"""The page actions: one htmx POST each, CSRF-checked, staff only, Czech errors in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from orders.models import Order, OrderEvent
from processing.models import ColoringVersion, SvgVersion
from tests.factories import ColoringVersionFactory, ImageFactory, OrderFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def image() -> Any:
    return ImageFactory(downloaded=True, line_item__order__order_number="#1270", position=1)


def card_url(image: Any, action: str) -> str:
    return f"/orders/1270/images/{image.pk}/{action}"


def test_csrf_is_enforced(staff_user: Any, image: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)

    response = client.post(
        card_url(image, "coloring/"), {"megapixels": "1", "steps": "4"}, headers=HTMX
    )

    assert response.status_code == 403
    assert ColoringVersion.objects.count() == 0


def test_the_csrf_header_from_the_page_is_accepted(staff_user: Any, image: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    client.get("/orders/1270/")
    token = client.cookies["csrftoken"].value

    response = client.post(
        card_url(image, "coloring/"),
        {"megapixels": "1", "steps": "4"},
        headers={**HTMX, "X-CSRFToken": token},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("path", ["coloring/", "svg/", "coloring/1/select/", "coloring/1/retry/"])
def test_anonymous_and_non_staff_posts_change_nothing(
    client: Client, plain_client: Client, image: Any, path: str
) -> None:
    for visitor in (client, plain_client):
        response = visitor.post(card_url(image, path), headers=HTMX)
        assert response.status_code == 302
    assert ColoringVersion.objects.count() == 0


def test_generating_a_colouring_answers_with_the_card(
    staff_client: Client, image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(
            card_url(image, "coloring/"), {"megapixels": "2.5", "steps": "8"}, headers=HTMX
        )

    version = ColoringVersion.objects.get()
    assert (version.megapixels, version.steps, version.status) == (2.5, 8, "queued")
    page = response.content.decode()
    assert page.lstrip().startswith(f'<article id="image-{image.pk}"')
    assert "2.5MP / 8st" in page and "Čeká ve frontě" in page
    assert callbacks  # the task and the live events go out after commit
    assert OrderEvent.objects.filter(actor="user:pracovnice").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"megapixels": "9", "steps": "4"}, "Megapixely musí být číslo od 0,5 do 8 po 0,5."),
        ({"megapixels": "1.25", "steps": "4"}, "Megapixely musí být číslo od 0,5 do 8 po 0,5."),
        ({"megapixels": "1", "steps": "21"}, "Počet kroků musí být celé číslo od 1 do 20."),
        ({"megapixels": "abc", "steps": ""}, "Počet kroků musí být celé číslo od 1 do 20."),
    ],
)
def test_invalid_settings_are_shown_in_czech_and_nothing_is_queued(
    staff_client: Client, image: Any, data: dict[str, str], message: str
) -> None:
    response = staff_client.post(card_url(image, "coloring/"), data, headers=HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert f'value="{data["megapixels"]}"' in response.content.decode()  # the input is kept
    assert ColoringVersion.objects.count() == 0


def test_a_photo_not_downloaded_yet_cannot_be_coloured(staff_client: Client) -> None:
    image = ImageFactory(line_item__order__order_number="#1270")

    response = staff_client.post(
        card_url(image, "coloring/"), {"megapixels": "1", "steps": "4"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "Fotka ještě není stažená." in response.content.decode()


def test_an_svg_needs_a_completed_colouring(staff_client: Client, image: Any) -> None:
    response = staff_client.post(
        card_url(image, "svg/"), {"shape_stacking": "stacked", "group_by": "color"}, headers=HTMX
    )

    assert response.status_code == 400
    assert "nejprve ji vygenerujte" in response.content.decode()


def test_only_valid_vectorizer_options_are_accepted(staff_client: Client, image: Any) -> None:
    ColoringVersionFactory(image=image, status="completed", is_selected=True)

    bad = staff_client.post(
        card_url(image, "svg/"), {"shape_stacking": "none", "group_by": "x"}, headers=HTMX
    )
    good = staff_client.post(
        card_url(image, "svg/"), {"shape_stacking": "cutouts", "group_by": "layer"}, headers=HTMX
    )

    assert bad.status_code == 422
    assert "Vrstvení tvarů musí být" in bad.content.decode()
    assert good.status_code == 200
    assert SvgVersion.objects.get().shape_stacking == "cutouts"


def test_a_completed_version_can_be_selected(staff_client: Client, image: Any) -> None:
    first = ColoringVersionFactory(image=image, version=1, status="completed", is_selected=True)
    second = ColoringVersionFactory(image=image, version=2, status="completed")

    response = staff_client.post(card_url(image, f"coloring/{second.pk}/select/"), headers=HTMX)

    assert response.status_code == 200
    assert list(ColoringVersion.objects.filter(is_selected=True)) == [second]
    assert f'id="coloring-version-{second.pk}"' in response.content.decode()
    first.refresh_from_db()
    assert not first.is_selected


def test_a_version_of_another_photo_is_404(staff_client: Client, image: Any) -> None:
    other = ColoringVersionFactory(status="completed")

    response = staff_client.post(card_url(image, f"coloring/{other.pk}/select/"), headers=HTMX)

    assert response.status_code == 404


def test_a_failed_version_is_retried(staff_client: Client, image: Any) -> None:
    failed = ColoringVersionFactory(image=image, status="error", error_message="RunPod: FAILED")

    response = staff_client.post(card_url(image, f"coloring/{failed.pk}/retry/"), headers=HTMX)

    failed.refresh_from_db()
    assert response.status_code == 200
    assert (failed.status, failed.error_message) == ("queued", "")


def test_only_a_failed_version_can_be_retried(staff_client: Client, image: Any) -> None:
    done = ColoringVersionFactory(image=image, status="completed")

    response = staff_client.post(card_url(image, f"coloring/{done.pk}/retry/"), headers=HTMX)

    assert response.status_code == 400
    assert "Opakovat lze jen verzi ve stavu Chyba." in response.content.decode()


def test_order_level_colouring_answers_with_a_banner_and_the_header(
    staff_client: Client, image: Any
) -> None:
    response = staff_client.post("/orders/1270/generate-coloring/", headers=HTMX)

    page = response.content.decode()
    assert "Generování omalovánek zahájeno." in page
    assert '<div id="order-header" hx-swap-oob="true">' in page
    assert ColoringVersion.objects.count() == 1


def test_order_level_action_with_nothing_to_do_says_why(staff_client: Client) -> None:
    OrderFactory(order_number="#1270")

    response = staff_client.post("/orders/1270/generate-svg/", headers=HTMX)

    assert "Chyba při generování SVG: V objednávce není žádná fotka s hotovou omalovánkou" in (
        response.content.decode()
    )


def test_sync_queues_a_resync(
    staff_client: Client, image: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post("/orders/1270/sync/", headers=HTMX)

    assert "Synchronizace spuštěna." in response.content.decode()
    assert len(callbacks) == 1
    assert OrderEvent.objects.filter(message="Synchronizace ze Shopify vyžádána").exists()


def test_fetch_from_shopify_queues_the_import(staff_client: Client) -> None:
    response = staff_client.post("/orders/fetch-from-shopify/", headers=HTMX)

    assert "Stahování objednávek ze Shopify..." in response.content.decode()


def test_without_htmx_an_action_redirects_back_with_a_message(
    staff_client: Client, image: Any
) -> None:
    response = staff_client.post("/orders/1270/generate-svg/", follow=True)

    assert response.redirect_chain[-1][0] == "/orders/1270/"
    assert "Chyba při generování SVG" in response.content.decode()


def test_order_level_buttons_are_disabled_when_they_cannot_do_anything(
    staff_client: Client,
) -> None:
    order = OrderFactory(order_number="#1270", status=Order.Status.DOWNLOADING)

    page = staff_client.get("/orders/1270/").content.decode()

    assert order.status == "downloading"
    assert page.count(" disabled>") >= 3
    assert "Stahování a zpracování obrázků..." in page


def test_fetch_says_so_when_shopify_is_not_configured(staff_client: Client, settings: Any) -> None:
    settings.SHOPIFY_ACCESS_TOKEN = ""

    response = staff_client.post("/orders/fetch-from-shopify/", headers=HTMX)

    assert (
        "Chyba při načítání z Shopify: SHOPIFY_ACCESS_TOKEN is not set" in response.content.decode()
    )


def test_an_order_that_is_not_from_shopify_cannot_be_synced(staff_client: Client) -> None:
    OrderFactory(order_number="#M1000", shopify_id=None)

    response = staff_client.post("/orders/M1000/sync/", headers=HTMX)

    assert "nepochází ze Shopify" in response.content.decode()
    assert OrderEvent.objects.count() == 0
