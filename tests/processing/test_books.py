"""Books of line items: what is checked before building, idempotent starts, the build,
staleness, and the failures a build can meet (the PDF itself: test_book_pdf.py)."""

from __future__ import annotations

import functools
import io
import threading
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from pypdf import PdfReader

from common.storage import stored_delete, stored_read
from orders.models import LineItem, OrderEvent
from processing import services, tasks
from processing.books import book_layout, book_plan, variant_photo_count
from processing.errors import ProcessingRuleError
from processing.kinds import BOOK
from processing.models import BookVersion, SvgVersion
from processing.pipeline.vector import trace
from tests import factories
from tests.processing.conftest import completed_coloring, downloaded_image, page_png

pytestmark = pytest.mark.django_db
GALLERY = "🖼️ Galerie (vaše fotka vedle omalovánky)"
FULLPAGE = "📄 Celostránková omalovánka (plná stránka pro vybarvování)"


@functools.cache
def page_svg() -> bytes:
    """A real traced colouring page, made once per run."""
    return trace(page_png())


def selected_svg(image: Any) -> SvgVersion:
    coloring = completed_coloring(image, is_selected=True)
    svg = factories.SvgVersionFactory(
        image=image, coloring_version=coloring, version=1, status="completed", is_selected=True
    )
    svg.file.save("page.svg", ContentFile(page_svg()), save=True)
    return svg


def book_line_item(photos: int = 2, *, with_svgs: int | None = None, **fields: Any) -> LineItem:
    """A line item of `photos` downloaded photos, the first `with_svgs` with a chosen SVG."""
    fields = {
        "variant_title": f"Omalovánka / {photos}",
        "layout": GALLERY,
        "position": 1,
        "dedication": "Pro Aničku s láskou",
        **fields,
    }
    line_item = factories.LineItemFactory(**fields)
    for position in range(1, photos + 1):
        image = downloaded_image(line_item=line_item, position=position)
        if with_svgs is None or position <= with_svgs:
            selected_svg(image)
    return line_item


@pytest.mark.parametrize(
    ("raw", "layout", "known"),
    [
        (GALLERY, "gallery", True),
        (GALLERY.replace("\ufe0f", ""), "gallery", True),  # without the variation selector
        (f"  {FULLPAGE} ", "fullpage", True),
        ("Galerie", "gallery", False),  # any other value: BOOK_DEFAULT_LAYOUT
        ("", "gallery", False),
    ],
)
def test_the_layout_comes_from_the_attribute(raw: str, layout: str, known: bool) -> None:
    assert book_layout(raw) == (layout, known)


def test_an_unknown_layout_takes_the_configured_default(settings: Any) -> None:
    settings.BOOK_DEFAULT_LAYOUT = "fullpage"

    assert book_layout("Obrázky") == ("fullpage", False)


@pytest.mark.parametrize(
    ("variant", "count"),
    [("Omalovánka z vlastních fotek / 8", 8), ("Dárek / 16 ", 16), ("4 fotky", None), ("", None)],
)
def test_the_variant_names_the_photo_count(variant: str, count: int | None) -> None:
    assert variant_photo_count(variant) == count


def test_photos_without_a_selected_svg_are_named_and_nothing_is_built() -> None:
    line_item = book_line_item(3, with_svgs=1)

    with pytest.raises(ProcessingRuleError, match=r"Chybí vybrané hotové SVG u fotek 2, 3\."):
        services.book_generate(line_item=line_item, actor="user:jana")

    assert not BookVersion.objects.exists()


def test_another_photo_count_than_the_variant_needs_a_confirmation() -> None:
    line_item = book_line_item(2, variant_title="Omalovánka / 4")

    with pytest.raises(services.BookConfirmationNeeded, match="Položka má 2 fotky"):
        services.book_generate(line_item=line_item, actor="user:jana")
    assert not BookVersion.objects.exists()

    book = services.book_generate(line_item=line_item, actor="user:jana", confirm_incomplete=True)

    assert book.incomplete and book.status == "queued"


def test_two_clicks_give_one_book_in_progress(django_capture_on_commit_callbacks: Any) -> None:
    line_item = book_line_item(2)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.book_generate(line_item=line_item, actor="user:jana")
        second = services.book_generate(line_item=line_item, actor="user:jana")

    assert first.pk == second.pk and BookVersion.objects.count() == 1
    assert first.version == 1 and first.layout == "gallery"
    assert first.sources == list(
        SvgVersion.objects.order_by("image__position").values_list("pk", flat=True)
    )
    queued = [
        c for c in callbacks if getattr(c, "args", ())[:1] == ("processing.tasks.book_build",)
    ]
    assert len(queued) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_give_one_book(settings: Any) -> None:
    line_item = book_line_item(2)
    started, books, errors = threading.Barrier(4), [], []

    def click() -> None:
        try:
            started.wait()
            books.append(services.book_generate(line_item=line_item, actor="user:jana").pk)
        except Exception as exc:  # noqa: BLE001 - the assertion below shows any
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and len(set(books)) == 1
    assert BookVersion.objects.count() == 1


def test_the_build_stores_the_pdf_at_its_path_with_its_page_count() -> None:
    line_item = book_line_item(2)
    book = services.book_generate(line_item=line_item, actor="user:jana")

    assert services.book_build(version_id=book.pk) == "completed"

    book.refresh_from_db()
    assert book.file.name == f"{line_item.order_id}/{line_item.pk}/book/v1/book.pdf"
    assert book.page_count == 2 * 2 + 4
    assert len(PdfReader(io.BytesIO(stored_read(book.file.name))).pages) == book.page_count
    assert services.book_build(version_id=book.pk) == "skipped-completed"
    assert OrderEvent.objects.filter(message__contains="Kniha v1").exists()


def test_its_events_are_book_status_then_order_update() -> None:
    line_item = book_line_item(1)
    book = services.book_generate(line_item=line_item, actor="user:jana")

    assert BOOK.event(book) == {
        "type": "book_status",
        "order_number": line_item.order.number,
        "line_item_id": line_item.pk,
        "version_id": book.pk,
        "status": "queued",
    }


def test_a_book_is_stale_once_the_selection_changes() -> None:
    line_item = book_line_item(2)
    book = services.book_generate(line_item=line_item, actor="user:jana")
    services.book_build(version_id=book.pk)
    book.refresh_from_db()
    assert not book_plan(line_item).is_stale(book)

    image = line_item.images.get(position=2)
    coloring = image.coloring_versions.get()
    newer = factories.SvgVersionFactory(
        image=image, coloring_version=coloring, version=2, status="completed"
    )
    newer.file.save("page.svg", ContentFile(page_svg()), save=True)
    services.version_select(image=image, version=newer, actor="user:jana")

    assert book_plan(line_item).is_stale(book)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda svg: stored_delete(svg.file.name), "chybí v úložišti"),
        (lambda svg: svg.file.save("page.svg", ContentFile(b"<svg"), save=True), "SVG"),
    ],
)
def test_a_missing_or_corrupt_svg_ends_the_build_in_error(damage: Any, message: str) -> None:
    line_item = book_line_item(2)
    book = services.book_generate(line_item=line_item, actor="user:jana")
    damage(SvgVersion.objects.get(image__position=2))

    tasks.book_build.apply(args=[book.pk])

    book.refresh_from_db()
    assert book.status == "error"
    assert message in book.error_message
    assert "Fotka 2" in book.error_message or "fotky 2" in book.error_message
