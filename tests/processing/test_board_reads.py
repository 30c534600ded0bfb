"""The reads the order board takes from processing: which orders have every book
completed and current ("PDF hotové"), which hold failed work, and each line item's
pages, on real books built from real SVGs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from orders.models import LineItem, Order
from processing import services
from processing.books import line_items_with_pages, orders_with_books_ready
from processing.models import BookVersion
from processing.selectors import order_failed_work
from tests import factories
from tests.processing.test_books import book_line_item, page_svg

pytestmark = pytest.mark.django_db


def built(line_item: LineItem) -> BookVersion:
    """The line item's book, really built (the PDF rendered and stored)."""
    book = services.book_generate(line_item=line_item, actor="user:jana")
    services.book_build(version_id=book.pk)
    book.refresh_from_db()
    assert book.status == "completed"
    return book


def reselect(line_item: LineItem, position: int) -> None:
    """Staff choose another SVG for a photo: a book built before is now stale."""
    image = line_item.images.get(position=position)
    coloring = image.coloring_versions.get()
    newer = factories.SvgVersionFactory(
        image=image, coloring_version=coloring, version=2, status="completed"
    )
    newer.file.save("page.svg", ContentFile(page_svg()), save=True)
    services.version_select(image=image, version=newer, actor="user:jana")


def ready(*orders: Order) -> set[int]:
    return orders_with_books_ready(Order.objects.filter(pk__in=[o.pk for o in orders]))


def test_an_order_whose_every_book_is_built_and_current_is_ready() -> None:
    first = book_line_item(2)
    second = book_line_item(1, order=first.order, position=2)
    built(first), built(second)

    assert ready(first.order) == {first.order.pk}


def test_a_stale_missing_or_unfinished_book_makes_the_order_not_ready() -> None:
    stale = book_line_item(2)
    built(stale)
    reselect(stale, 2)
    half = book_line_item(1)  # one book built, its second line item has none
    built(half)
    book_line_item(1, order=half.order, position=2)
    running = book_line_item(1)
    services.book_generate(line_item=running, actor="user:jana")  # queued, not built
    empty = factories.OrderFactory()  # no line items: nothing to print

    assert ready(stale.order, half.order, running.order, empty) == set()


def test_a_rebuilt_book_makes_a_stale_order_ready_again() -> None:
    line_item = book_line_item(2)
    built(line_item)
    reselect(line_item, 1)
    assert ready(line_item.order) == set()

    built(line_item)

    assert ready(line_item.order) == {line_item.order.pk}


def test_the_ready_orders_take_five_queries_however_many(
    django_assert_num_queries: Any,
) -> None:
    orders = []
    for _ in range(3):
        line_item = book_line_item(1)
        built(line_item)
        orders.append(line_item.order)

    with django_assert_num_queries(5):
        assert ready(*orders) == {order.pk for order in orders}


def failed(**fields: Any) -> set[str]:
    return set(
        Order.objects.filter(order_failed_work(), **fields).values_list("order_number", flat=True)
    )


def test_failed_work_is_a_photo_or_book_with_nothing_done_since() -> None:
    factories.ColoringVersionFactory(status="error", image__line_item__order__order_number="#1")
    factories.SvgVersionFactory(
        status="error", coloring_version__image__line_item__order__order_number="#2"
    )
    # #3: a failed colouring that a later completed one replaced is history.
    replaced = factories.ColoringVersionFactory(
        status="error", image__line_item__order__order_number="#3"
    )
    factories.ColoringVersionFactory(image=replaced.image, version=2, status="completed")
    # #4: a failed one being tried again is not (yet) failed work.
    retried = factories.ColoringVersionFactory(
        status="error", image__line_item__order__order_number="#4"
    )
    factories.ColoringVersionFactory(image=retried.image, version=2, status="queued")
    book = book_line_item(1, order=factories.OrderFactory(order_number="#5"))
    BookVersion.objects.create(line_item=book, version=1, status="error", layout="gallery")

    assert failed() == {"#1", "#2", "#5"}


def test_each_line_item_counts_its_photos_and_those_with_a_page() -> None:
    line_item = book_line_item(3, with_svgs=2, variant_title="Omalovánka / 4")
    factories.ImageFactory(line_item=line_item, position=4)  # no versions at all

    row = line_items_with_pages(LineItem.objects.filter(pk=line_item.pk)).get()

    assert (row.photo_count, row.page_count) == (4, 2)
