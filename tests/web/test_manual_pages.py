"""The "Nová objednávka" page: plain and htmx posts, Czech messages, nothing typed is lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fotomalovanky.web.live import EVENTS_GROUP, LIST_GROUP
from orders.models import LAYOUT_FULLPAGE, LAYOUT_GALLERY, DraftPhoto, Image, Order, OrderEvent
from tests.factories import OrderFactory
from tests.fakes.photos import PHOTOS
from tests.web.test_live import _drain, _listen

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def photo(name: str, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or name, (PHOTOS / name).read_bytes())


def form(draft: str = "", **fields: Any) -> dict[str, Any]:
    return {
        "draft": draft,
        "lines": "1",
        "customer_name": "Jana Nováková",
        "customer_email": "jana@example.cz",
        "items-0-title": "Omalovánka z vlastních fotek",
        "items-0-variant_title": "Omalovánka z vlastních fotek / 8",
        "items-0-dedication": "Pro Aničku ❤",
        "items-0-layout": LAYOUT_FULLPAGE,
        "items-0-quantity": "3",
        "action": "create",
        **fields,
    }


def draft_of(page: str) -> str:
    match = re.search(r'name="draft" value="([0-9a-f-]{36})"', page)
    assert match, "the form carries its draft id"
    return match[1]


def test_anonymous_and_non_staff_users_cannot_open_or_post(
    client: Client, plain_client: Client
) -> None:
    for visitor in (client, plain_client):
        for response in (visitor.get("/orders/new/"), visitor.post("/orders/new/", form())):
            assert response.status_code == 302
            assert response["Location"].startswith("/admin/login/")
    assert not Order.objects.exists()


def test_the_list_links_to_the_form_and_the_form_is_empty_with_both_layouts(
    staff_client: Client,
) -> None:
    assert 'href="/orders/new/"' in staff_client.get("/orders/").content.decode()

    page = staff_client.get("/orders/new/").content.decode()

    assert "<h1>Nová objednávka</h1>" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="items-0-uploads" multiple' in page
    assert f'<option value="{LAYOUT_GALLERY}" selected>' in page
    assert f'<option value="{LAYOUT_FULLPAGE}">' in page
    draft_of(page)


def test_a_plain_post_creates_the_order_and_leads_to_it(staff_client: Client) -> None:
    data = form(**{"items-0-uploads": [photo("chelsea.jpg"), photo("astronaut.heic")]})

    response = staff_client.post("/orders/new/", data)

    assert response.status_code == 302
    assert response["Location"] == "/orders/M1000/"
    order = Order.objects.get()
    item = order.line_items.get()
    assert (item.quantity, item.dedication, item.layout) == (3, "Pro Aničku ❤", LAYOUT_FULLPAGE)
    assert Image.objects.filter(line_item=item).count() == 2
    page = staff_client.get(response["Location"]).content.decode()
    assert "Ruční objednávka #M1000 vytvořena." in page


def test_an_htmx_post_answers_with_a_client_redirect(staff_client: Client) -> None:
    response = staff_client.post(
        "/orders/new/", form(**{"items-0-uploads": [photo("coffee.jpg")]}), headers=HTMX
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/orders/M1000/"


def test_a_bad_file_is_named_and_everything_typed_is_kept(staff_client: Client) -> None:
    uploads = [photo("chelsea.jpg"), photo("not-an-image.jpg", as_name="dovolena.pdf")]

    response = staff_client.post("/orders/new/", form(**{"items-0-uploads": uploads}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "„dovolena.pdf“: Soubor není obrázek" in page
    assert "znovu je vybírat nemusíte" in page  # the accepted photo stays uploaded
    assert 'value="Jana Nováková"' in page and 'value="jana@example.cz"' in page
    assert 'value="Omalovánka z vlastních fotek / 8"' in page and 'value="3"' in page
    assert ">Pro Aničku ❤</textarea>" in page
    assert f'<option value="{LAYOUT_FULLPAGE}" selected>' in page
    kept = DraftPhoto.objects.get()
    assert f'name="items-0-photos" value="{kept.pk}"' in page
    assert "chelsea.jpg" in page and kept.preview.name in page
    assert not Order.objects.exists()


def test_the_second_post_needs_only_the_fixed_file(staff_client: Client) -> None:
    first = staff_client.post(
        "/orders/new/",
        form(**{"items-0-uploads": [photo("chelsea.jpg"), photo("truncated.jpg")]}),
        headers=HTMX,
    )
    assert "poškozený nebo neúplný" in first.content.decode()
    assert first.content.decode().lstrip().startswith("<form")  # htmx gets the form alone
    kept = DraftPhoto.objects.get()

    response = staff_client.post(
        "/orders/new/",
        form(
            draft=draft_of(first.content.decode()),
            **{"items-0-photos": [str(kept.pk)], "items-0-uploads": [photo("coffee.jpg")]},
        ),
        headers=HTMX,
    )

    assert response["HX-Redirect"] == "/orders/M1000/"
    widths = Image.objects.order_by("position").values_list("width", flat=True)
    assert list(widths) == [451, 600]


def test_field_errors_are_shown_in_czech_beside_their_fields(staff_client: Client) -> None:
    data = form(customer_name="", **{"items-0-variant_title": "Kniha", "items-0-quantity": "0"})

    page = staff_client.post("/orders/new/", data).content.decode()

    assert "Vyplňte jméno zákazníka." in page
    assert "Varianta musí končit počtem fotek v knize (1 až 16)" in page
    assert "Počet výtisků musí být celé číslo od 1 do 100." in page
    assert "Nahrajte aspoň jednu fotku." in page
    assert not Order.objects.exists()


def test_adding_a_line_keeps_the_chosen_photos_and_removing_one_drops_it(
    staff_client: Client,
) -> None:
    added = staff_client.post(
        "/orders/new/",
        form(action="add-line", **{"items-0-uploads": [photo("chelsea.jpg"), photo("coffee.jpg")]}),
        headers=HTMX,
    ).content.decode()

    assert 'name="lines" value="2"' in added and "Položka 2" in added
    assert "Vyplňte" not in added  # an edit is not a submission: no field errors yet
    first, second = DraftPhoto.objects.order_by("pk")
    removed = staff_client.post(
        "/orders/new/",
        form(
            draft=draft_of(added),
            action=f"remove-photo:0:{first.pk}",
            **{"items-0-photos": [str(first.pk), str(second.pk)]},
        ),
        headers=HTMX,
    ).content.decode()

    assert f'name="items-0-photos" value="{second.pk}"' in removed
    assert f'name="items-0-photos" value="{first.pk}"' not in removed
    assert not Order.objects.exists()


def test_an_order_with_two_line_items(staff_client: Client) -> None:
    data = form(
        lines="2",
        **{
            "items-0-uploads": [photo("chelsea.jpg")],
            "items-1-title": "Druhá kniha",
            "items-1-variant_title": "Omalovánka z vlastních fotek / 4",
            "items-1-layout": LAYOUT_GALLERY,
            "items-1-quantity": "1",
            "items-1-uploads": [photo("rocket.jpg"), photo("coffee.jpg")],
        },
    )

    assert staff_client.post("/orders/new/", data).status_code == 302

    items = Order.objects.get().line_items.order_by("position")
    assert [(i.title, i.images.count()) for i in items] == [
        ("Omalovánka z vlastních fotek", 1),
        ("Druhá kniha", 2),
    ]


def test_a_manual_order_offers_no_shopify_sync_or_link(staff_client: Client) -> None:
    OrderFactory(order_number="#1270", shopify_id=5861201002761)
    OrderFactory(order_number="#M1000", shopify_id=None)

    shopify_page = staff_client.get("/orders/1270/").content.decode()
    manual_page = staff_client.get("/orders/M1000/").content.decode()
    listing = staff_client.get("/orders/").content.decode()

    assert "Stáhnout ze Shopify" in shopify_page and "Otevřít ve Shopify" in shopify_page
    assert "Stáhnout ze Shopify" not in manual_page
    assert "Otevřít ve Shopify" not in manual_page
    assert "/orders/M1000/sync/" not in manual_page
    assert 'badge badge-purple">Ruční' in manual_page
    row = listing[listing.index('href="/orders/M1000/"') :].split("</tr>")[0]
    assert "Ruční" in row and "Otevřít ve Shopify" not in row


@pytest.mark.parametrize("configured", [True, False])
def test_the_sync_action_refuses_a_manual_order_in_czech(
    staff_client: Client, settings: Any, configured: bool
) -> None:
    if not configured:
        settings.SHOPIFY_ACCESS_TOKEN = ""  # the order's nature is said first all the same
    OrderFactory(order_number="#M1000", shopify_id=None)

    response = staff_client.post("/orders/M1000/sync/", headers=HTMX)

    assert "Objednávka #M1000 nepochází ze Shopify (je zadaná ručně)" in response.content.decode()
    assert not OrderEvent.objects.exists()


def test_a_new_manual_order_is_announced_like_an_imported_one(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    layer, page = _listen(LIST_GROUP)
    _, events = _listen(EVENTS_GROUP)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post("/orders/new/", form(**{"items-0-uploads": [photo("coffee.jpg")]}))

    order = Order.objects.get()
    fragments = async_to_sync(_drain)(layer, page)
    assert f'<div id="orders-signal" hidden data-order="{order.pk}">' in fragments[0]["html"]
    sent = [m["event"] for m in async_to_sync(_drain)(layer, events)]
    assert {"type": "list_update"} in sent
    assert {"type": "order_update", "order_number": "M1000"} in sent
