"""Orders for the lifecycle tests: one whose book is completed and current, at any status."""

from __future__ import annotations

from typing import Any

from orders.models import Order
from processing.models import BookVersion, SvgVersion
from tests import factories


def order_with_book(status: str = Order.Status.READY_FOR_REVIEW, **fields: Any) -> Order:
    """An order of one line item with one photo: its selected, completed SVG and a
    completed book built from that SVG ("PDF hotové")."""
    order = factories.OrderFactory(status=status, **fields)
    line_item = factories.LineItemFactory(order=order, position=1)
    image = factories.ImageFactory(line_item=line_item, position=1, downloaded=True)
    svg = factories.SvgVersionFactory(
        coloring_version__image=image, status="completed", is_selected=True
    )
    book_of(line_item, sources=[svg.pk])
    return order


def book_of(line_item: Any, *, status: str = "completed", sources: list[int]) -> BookVersion:
    number = line_item.book_versions.count() + 1
    return BookVersion.objects.create(
        line_item=line_item, version=number, status=status, layout="gallery", sources=sources
    )


def selected_svg(order: Order) -> SvgVersion:
    return SvgVersion.objects.get(image__line_item__order=order, is_selected=True)
