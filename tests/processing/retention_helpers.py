"""Orders for the retention tests: sent (or not) some days ago, with every kind of file
stored, and a snapshot of what storage and the database hold."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from orders.models import Image, Order, OrderEvent
from processing.models import BookVersion, ColoringVersion, SvgVersion
from tests import factories

SENT = Order.Status.SENT
# Each order holds these: an original, its preview, a colouring page, its SVG (the
# photos' four) and a book (PDF).
PHOTO_FILES = 4


def stored_order(
    *, sent_days_ago: float | None, status: str = SENT, number: str | None = None
) -> Order:
    """An order in `status` with one photo and all its files stored; with
    `sent_days_ago`, its history's step into `sent` happened that many days ago."""
    fields = {"order_number": number} if number else {}
    order = factories.OrderFactory(status=status, **fields)
    line_item = factories.LineItemFactory(order=order, position=1)
    image = factories.ImageFactory(line_item=line_item, position=1, downloaded=True)
    image.preview.save("preview.jpg", ContentFile(b"preview-bytes"), save=True)
    coloring = factories.ColoringVersionFactory(
        image=image, version=1, status="completed", is_selected=True
    )
    coloring.file.save("page.png", ContentFile(b"png-page-bytes"), save=True)
    svg = factories.SvgVersionFactory(
        coloring_version=coloring, version=1, status="completed", is_selected=True
    )
    svg.file.save("page.svg", ContentFile(b"<svg></svg>"), save=True)
    book = BookVersion.objects.create(
        line_item=line_item, version=1, status="completed", layout="gallery", sources=[svg.pk]
    )
    book.file.save("book.pdf", ContentFile(b"%PDF-1.7 book"), save=True)
    if sent_days_ago is not None:
        sent_step(order, days_ago=sent_days_ago)
    return order


def sent_step(order: Order, *, days_ago: float, to_status: str = SENT) -> OrderEvent:
    """The history's transition into `to_status`, `days_ago` days back."""
    return OrderEvent.objects.create(
        order=order,
        actor="user:pracovnice",
        message=f"Stav: {Order.Status(to_status).label}",
        from_status=Order.Status.PRINTED if to_status == SENT else SENT,
        to_status=to_status,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def order_file_names(order: Order) -> dict[str, list[str]]:
    """The names the order's rows hold, per kind of file."""
    images = Image.objects.filter(line_item__order=order)
    return {
        "photos": sorted(
            [*images.values_list("file", flat=True), *images.values_list("preview", flat=True)]
        ),
        "colorings": sorted(
            ColoringVersion.objects.filter(image__line_item__order=order).values_list(
                "file", flat=True
            )
        ),
        "svgs": sorted(
            SvgVersion.objects.filter(image__line_item__order=order).values_list("file", flat=True)
        ),
        "books": sorted(
            BookVersion.objects.filter(line_item__order=order).values_list("file", flat=True)
        ),
    }


def all_names(order: Order) -> list[str]:
    return sorted(name for names in order_file_names(order).values() for name in names)


def stored(names: list[str]) -> dict[str, bool]:
    return {name: default_storage.exists(name) for name in names}


def database_state() -> dict[str, Any]:
    """Every row the purge could touch, as plain values."""
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "status", "photos_purged_at", "books_purged_at", "updated_at"
            )
        ),
        "images": list(Image.objects.order_by("pk").values_list("pk", "file", "preview")),
        "colorings": list(ColoringVersion.objects.order_by("pk").values_list("pk", "file")),
        "svgs": list(SvgVersion.objects.order_by("pk").values_list("pk", "file")),
        "books": list(BookVersion.objects.order_by("pk").values_list("pk", "file")),
        "events": list(OrderEvent.objects.order_by("pk").values_list("pk", "message")),
    }
