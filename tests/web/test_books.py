"""The book of each line item on the detail page: its checks, its button, its PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from processing import services
from processing.models import BookVersion
from tests import factories
from tests.processing.test_books import book_line_item, page_svg

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def detail(client: Client, line_item: Any) -> str:
    return client.get(f"/orders/{line_item.order.number}/").content.decode()


def book_url(line_item: Any) -> str:
    return f"/orders/{line_item.order.number}/line-items/{line_item.pk}/book/"


def built(line_item: Any) -> BookVersion:
    book = services.book_generate(line_item=line_item, actor="user:jana")
    services.book_build(version_id=book.pk)
    book.refresh_from_db()
    return book


def test_the_button_is_off_and_says_which_photos_lack_an_svg(staff_client: Client) -> None:
    line_item = book_line_item(3, with_svgs=2, quantity=3, layout="Na výšku")

    html = detail(staff_client, line_item)

    assert "Chybí vybrané hotové SVG u fotky 3." in html
    assert f'id="book-{line_item.pk}"' in html
    assert "3 výtisky" in html
    assert "neznámé rozvržení" in html and "(použije se Galerie)" in html


def test_a_click_starts_one_book_and_answers_with_its_panel(staff_client: Client) -> None:
    line_item = book_line_item(2)

    first = staff_client.post(book_url(line_item), headers=HTMX)
    second = staff_client.post(book_url(line_item), headers=HTMX)

    assert first.status_code == second.status_code == 200
    assert "Generuji PDF..." in second.content.decode()
    assert BookVersion.objects.count() == 1


def test_another_photo_count_is_built_only_when_confirmed(staff_client: Client) -> None:
    line_item = book_line_item(2, variant_title="Omalovánka / 4")

    refused = staff_client.post(book_url(line_item), headers=HTMX)
    assert refused.status_code == 400
    assert "Položka má 2 fotky, varianta počítá s 4." in refused.content.decode()
    assert not BookVersion.objects.exists()

    confirmed = staff_client.post(book_url(line_item), {"confirm_incomplete": "1"}, headers=HTMX)

    assert confirmed.status_code == 200
    assert BookVersion.objects.get().incomplete


def test_the_order_button_builds_every_ready_book(staff_client: Client) -> None:
    line_item = book_line_item(1)
    other = factories.LineItemFactory(order=line_item.order, position=2)  # no photos

    response = staff_client.post(f"/orders/{line_item.order.number}/generate-pdf/", headers=HTMX)

    assert "Generování PDF zahájeno." in response.content.decode()
    assert list(BookVersion.objects.values_list("line_item", flat=True)) == [line_item.pk]
    assert not other.book_versions.exists()


def test_the_pdf_opens_inline_under_the_order_and_position(staff_client: Client) -> None:
    line_item = book_line_item(1)
    book = built(line_item)

    html = detail(staff_client, line_item)
    link = f"/media/{book.file.name}?name={line_item.order.number}-{line_item.position}.pdf"
    assert link in html

    response = staff_client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="{line_item.order.number}-{line_item.position}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()  # as the server does; the test client leaves it to the caller


def test_a_download_name_that_is_not_a_plain_file_name_is_ignored(
    staff_client: Client,
) -> None:
    book = built(book_line_item(1))

    response = staff_client.get(f"/media/{book.file.name}?name=a%22%0d%0aX:1.pdf")
    response.close()

    assert response.status_code == 200
    assert "X:1" not in response.get("Content-Disposition", "")


def test_stale_and_incomplete_books_say_so(staff_client: Client) -> None:
    line_item = book_line_item(2, variant_title="Omalovánka / 3")
    book = services.book_generate(line_item=line_item, actor="user:jana", confirm_incomplete=True)
    services.book_build(version_id=book.pk)
    assert "neúplná kniha" in detail(staff_client, line_item)
    assert "zastaralé PDF" not in detail(staff_client, line_item)

    image = line_item.images.get(position=1)
    newer = factories.SvgVersionFactory(
        image=image, coloring_version=image.coloring_versions.get(), version=2, status="completed"
    )
    newer.file.save("page.svg", ContentFile(page_svg()), save=True)
    services.version_select(image=image, version=newer, actor="user:jana")

    assert "zastaralé PDF" in detail(staff_client, line_item)


def test_only_staff_build_books(plain_client: Client, client: Client) -> None:
    line_item = book_line_item(1)

    for visitor in (plain_client, client):
        response = visitor.post(book_url(line_item), headers=HTMX)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not BookVersion.objects.exists()


def test_emoji_the_font_cannot_print_are_named_beside_the_book(staff_client: Client) -> None:
    line_item = book_line_item(1, dedication="Pro Aničku 🎉 ❤")

    html = detail(staff_client, line_item)

    assert "písmo knihy neumí, a v knize chybí: 🎉" in html
