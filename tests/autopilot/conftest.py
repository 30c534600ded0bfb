"""Fixtures of the autopilot's tests: holding back the intake checks' trigger, the fakes
of the processing tests (RunPod, Vectorizer.ai), and orders built in the state a test
starts from."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from orders.models import Image, Order
from processing.models import BookVersion, ColoringVersion, SvgVersion
from tests import factories
from tests.autopilot.intake import intake_later  # noqa: F401  (a fixture)
from tests.processing.conftest import runpod, vectorizer  # noqa: F401  (fixtures)


def clean_order(photos: int = 3, *, items: int = 1, **fields: Any) -> Order:
    """An order whose photos are stored and whose intake checks hold nothing back."""
    defaults: dict[str, Any] = {
        "status": Order.Status.READY_FOR_REVIEW,
        "intake_checked_at": timezone.now(),
    }
    order = factories.OrderFactory(**{**defaults, **fields})
    for position in range(1, items + 1):
        item = factories.LineItemFactory(order=order, position=position)
        for number in range(1, photos + 1):
            factories.ImageFactory(line_item=item, position=number, downloaded=True)
    return order


def images_of(order: Order) -> list[Image]:
    return list(Image.objects.filter(line_item__order=order).order_by("line_item", "position"))


def coloring(image: Image, **fields: Any) -> ColoringVersion:
    """A colouring of `image` (completed and selected unless told otherwise)."""
    number = image.coloring_versions.count() + 1
    values = {"status": "completed", "is_selected": True, "backend": "local", **fields}
    return ColoringVersion.objects.create(image=image, version=number, **values)


def svg(source: ColoringVersion, **fields: Any) -> SvgVersion:
    number = source.image.svg_versions.count() + 1
    values = {"status": "completed", "is_selected": True, "backend": "local", **fields}
    return SvgVersion.objects.create(
        image=source.image, coloring_version=source, version=number, **values
    )


def pages_done(order: Order) -> list[SvgVersion]:
    """Every photo with a selected completed colouring and SVG; the SVGs in photo order."""
    return [svg(coloring(image)) for image in images_of(order)]


def book(order: Order, sources: list[int], **fields: Any) -> BookVersion:
    item = order.line_items.get()
    number = item.book_versions.count() + 1
    values = {"status": "completed", "layout": "gallery", "sources": sources, **fields}
    return BookVersion.objects.create(line_item=item, version=number, **values)
