"""The sample order: the command and the list's button make a manual order from the
photos shipped in orders/sample/."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from orders.models import LAYOUT_FULLPAGE, LAYOUT_GALLERY, Image, Order
from orders.services.sample import SAMPLE_PHOTOS

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_every_shipped_photo_has_its_source_and_licence_in_the_readme() -> None:
    readme = (SAMPLE_PHOTOS / "README.md").read_text()
    photos = sorted(p.name for p in SAMPLE_PHOTOS.iterdir() if p.suffix == ".jpg")

    assert photos == ["astronaut.jpg", "chelsea.jpg", "coffee.jpg", "rocket-portrait.jpg"]
    for name in photos:
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}`"))
        assert "public domain" in row or "CC0" in row
    assert sum(p.stat().st_size for p in SAMPLE_PHOTOS.iterdir()) < 300_000


def test_the_command_makes_a_gallery_book_of_4_and_a_full_page_book_of_2() -> None:
    out = StringIO()

    call_command("create_sample_order", stdout=out)

    order = Order.objects.get()
    assert f"Created the sample order {order.order_number}." in out.getvalue()
    assert f"/orders/{order.number}/" in out.getvalue()
    assert order.is_manual and order.status == Order.Status.READY_FOR_REVIEW
    gallery, fullpage = order.line_items.order_by("position")
    assert (gallery.layout, gallery.variant_title, gallery.images.count()) == (
        LAYOUT_GALLERY,
        "Omalovánka z vlastních fotek / 4",
        4,
    )
    assert "Aničku" in gallery.dedication and "narozeninám" in gallery.dedication
    assert (fullpage.layout, fullpage.images.count()) == (LAYOUT_FULLPAGE, 2)
    images = Image.objects.filter(line_item=gallery).order_by("position")
    assert [(i.width, i.height) for i in images] == [(512, 512), (451, 300), (285, 427), (600, 400)]
    assert all(i.is_downloaded and i.preview for i in images)


def test_a_second_run_makes_another_one_unless_asked_for_none_more() -> None:
    call_command("create_sample_order", stdout=StringIO())
    call_command("create_sample_order", stdout=StringIO())
    out = StringIO()

    call_command("create_sample_order", "--if-none", stdout=out)

    assert list(Order.objects.order_by("order_number").values_list("order_number", flat=True)) == [
        "#M1000",
        "#M1001",
    ]
    assert "A sample order exists: #M1001 (nothing created)" in out.getvalue()


def test_the_list_button_creates_one_and_leads_to_it(staff_client: Client) -> None:
    page = staff_client.get("/orders/").content.decode()
    assert 'hx-post="/orders/create-sample/"' in page
    assert "Vytvořit ukázkovou objednávku" in page

    response = staff_client.post("/orders/create-sample/", headers=HTMX)

    assert response["HX-Redirect"] == "/orders/M1000/"
    detail = staff_client.get("/orders/M1000/").content.decode()
    assert "Ukázková objednávka #M1000 je připravená." in detail
    assert len(re.findall(r'<article id="image-\d+" class="card">', detail)) == 6


def test_the_button_without_htmx_redirects_and_is_post_and_staff_only(
    staff_client: Client, plain_client: Client
) -> None:
    assert staff_client.get("/orders/create-sample/").status_code == 405
    assert plain_client.post("/orders/create-sample/").status_code == 302
    assert not Order.objects.exists()

    response = staff_client.post("/orders/create-sample/")

    assert (response.status_code, response["Location"]) == (302, "/orders/M1000/")
