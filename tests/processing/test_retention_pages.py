"""After a purge the pages say the files were purged, the file view answers 410, the admin
shows the dates, and work that needs the photo is refused in Czech with nothing changed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.contrib.admin.utils import display_for_value
from django.test import Client
from django.urls import reverse

from orders.models import Image, Order
from processing import services as processing
from processing.errors import ProcessingRuleError
from processing.models import BookVersion, ColoringVersion, SvgVersion
from processing.retention import purge_date
from processing.services import orders_purge
from tests import factories
from tests.processing.retention_helpers import database_state, order_file_names, stored_order

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
REFUSAL = "Soubory objednávky byly {date} smazány (uchovávání dat)"


def purged(*, include_books: bool = False) -> tuple[Order, dict[str, list[str]]]:
    """A sent order (#2001) whose files were purged, with the names its rows held."""
    order = stored_order(sent_days_ago=31, number="#2001")
    names = order_file_names(order)
    orders_purge(days=30, include_books=include_books, actor="command:purge_photos")
    return Order.objects.get(pk=order.pk), names


def refusal(order: Order) -> str:
    assert order.photos_purged_at is not None
    return REFUSAL.format(date=purge_date(order.photos_purged_at))


def media(name: str) -> str:
    return reverse("orders:media", kwargs={"path": name})


def test_the_order_page_says_the_files_were_purged_instead_of_showing_images(
    staff_client: Client,
) -> None:
    order, names = purged()
    image = Image.objects.get(line_item__order=order)

    page = staff_client.get("/orders/2001/").content.decode()

    date = purge_date(order.photos_purged_at)  # type: ignore[arg-type]
    assert f"Soubory smazány {date} (knihy ponechány)" in page
    card = page[page.index(f'id="image-{image.pk}"') :]
    card = card[: card.index("</article>")]
    # The photo's frame and both version panels, each in place of a picture.
    assert card.count(f"Soubory smazány {date}") == 3
    assert "<img" not in card
    assert "↻ Zopakovat" not in card
    for name in names["photos"] + names["colorings"] + names["svgs"]:
        assert media(name) not in page
    # The book was kept: still offered.
    assert "Otevřít PDF v1" in page


def test_the_book_panel_says_so_when_the_books_were_purged_too(staff_client: Client) -> None:
    order, _ = purged(include_books=True)

    page = staff_client.get("/orders/2001/").content.decode()

    date = purge_date(order.books_purged_at)  # type: ignore[arg-type]
    book = page[page.index('class="book"') :]
    assert f"Soubory smazány {date}" in book[: book.index("</div>")]
    assert "Otevřít PDF" not in page
    assert f"Soubory smazány {date} (i knihy)" in page


def test_the_card_refresh_says_so_too(staff_client: Client) -> None:
    order, _ = purged()
    image = Image.objects.get(line_item__order=order)

    card = staff_client.get(f"/orders/2001/images/{image.pk}/").content.decode()

    assert f"Soubory smazány {purge_date(order.photos_purged_at)}" in card  # type: ignore[arg-type]
    assert "<img" not in card


def test_the_file_view_answers_410_in_czech_for_a_purged_file(staff_client: Client) -> None:
    order, names = purged()

    for name in names["photos"] + names["colorings"] + names["svgs"]:
        response = staff_client.get(media(name))
        assert response.status_code == 410, name
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == (
            f"Soubor byl {purge_date(order.photos_purged_at)} smazán podle pravidel "  # type: ignore[arg-type]
            "uchovávání dat; záznam objednávky zůstává."
        )
        assert response["Cache-Control"] == "private, no-store"
    # The kept book is still served.
    book = staff_client.get(media(names["books"][0]))
    assert book.status_code == 200
    assert b"".join(book.streaming_content) == b"%PDF-1.7 book"  # type: ignore[attr-defined]


def test_the_file_view_answers_410_for_a_purged_book(staff_client: Client) -> None:
    _, names = purged(include_books=True)

    assert staff_client.get(media(names["books"][0])).status_code == 410


def test_the_file_view_says_nothing_of_purged_files_to_non_staff(
    client: Client, plain_client: Client
) -> None:
    _, names = purged()

    assert client.get(media(names["photos"][0])).status_code == 302
    assert plain_client.get(media(names["photos"][0])).status_code == 302


def test_generating_a_colouring_of_a_purged_photo_is_refused_in_czech(
    staff_client: Client,
) -> None:
    order, _ = purged()
    image = Image.objects.get(line_item__order=order)
    rows = database_state()

    response = staff_client.post(
        f"/orders/2001/images/{image.pk}/coloring/",
        {"megapixels": "1", "steps": "4"},
        headers=HTMX,
    )

    assert response.status_code == 400
    assert refusal(order) in response.content.decode()
    assert database_state() == rows


def test_generating_an_svg_of_a_purged_photo_is_refused_in_czech(staff_client: Client) -> None:
    order, _ = purged()
    image = Image.objects.get(line_item__order=order)
    count = SvgVersion.objects.count()

    response = staff_client.post(
        f"/orders/2001/images/{image.pk}/svg/",
        {"shape_stacking": "stacked", "group_by": "color"},
        headers=HTMX,
    )

    assert response.status_code == 400
    assert refusal(order) in response.content.decode()
    assert SvgVersion.objects.count() == count


def test_retrying_a_failed_version_of_a_purged_order_is_refused_in_czech(
    staff_client: Client,
) -> None:
    order = stored_order(sent_days_ago=31, number="#2001")
    image = Image.objects.get(line_item__order=order)
    failed = factories.ColoringVersionFactory(
        image=image, version=2, status="error", error_message="RunPod: úloha selhala"
    )
    orders_purge(days=30, actor="command:purge_photos")
    order.refresh_from_db()
    rows = database_state()

    response = staff_client.post(
        f"/orders/2001/images/{image.pk}/coloring/{failed.pk}/retry/", headers=HTMX
    )

    assert response.status_code == 400
    assert refusal(order) in response.content.decode()
    assert database_state() == rows
    assert ColoringVersion.objects.get(pk=failed.pk).status == "error"


@pytest.mark.parametrize(
    ("path", "failed"),
    [
        ("generate-coloring/", "Chyba při generování omalovánek"),
        ("generate-svg/", "Chyba při generování SVG"),
    ],
)
def test_the_order_level_buttons_refuse_a_purged_order_in_czech(
    staff_client: Client, path: str, failed: str
) -> None:
    order, _ = purged()
    rows = database_state()

    response = staff_client.post(f"/orders/2001/{path}", headers=HTMX)

    assert f"{failed}: {refusal(order)}" in response.content.decode()
    assert database_state() == rows


def test_a_new_book_of_a_purged_order_is_refused_in_czech() -> None:
    order, _ = purged()
    line_item = order.line_items.get()
    count = BookVersion.objects.count()

    for start in (
        lambda: processing.order_book_generate(order=order, actor="user:pracovnice"),
        lambda: processing.book_generate(
            line_item=line_item, actor="user:pracovnice", confirm_incomplete=True
        ),
    ):
        with pytest.raises(ProcessingRuleError, match="smazány"):
            start()

    assert BookVersion.objects.count() == count


def test_the_admin_shows_the_purge_dates(admin_client_: Client) -> None:
    order, _ = purged(include_books=True)

    page = admin_client_.get(reverse("admin:orders_order_change", args=[order.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Uchovávání dat" in text
    assert "Fotky smazány" in text and "Knihy smazány" in text
    shown: Any = display_for_value(order.photos_purged_at, "—")
    assert str(shown) in text


@pytest.mark.parametrize("include_books", [False, True])
def test_the_zip_of_a_purged_order_holds_only_what_was_kept(
    staff_client: Client, include_books: bool
) -> None:
    purged(include_books=include_books)

    response = staff_client.get("/orders/2001/export.zip")

    assert response.status_code == 200
    zipped = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert zipped.testzip() is None
    names = zipped.namelist()
    assert [name.rsplit("/", 1)[-1] for name in names] == ([] if include_books else ["2001-1.pdf"])
