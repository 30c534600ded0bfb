"""Reads of the JSON API: every list and detail in a fixed number of queries.

Orders come from `orders.selectors` (the pages' list and number lookup: `/orders/1270`
is order "#1270"); this adds what only the API shows at once. Reads take the asking
`user`: a printer sees only the orders their role may (fotomalovanky/permissions.py),
and anything else is missing to them. Anything missing is Http404 with a Czech
sentence, which the API answers as `{"detail": ...}`.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from fotomalovanky.permissions import (
    AnyUser,
    Capability,
    can,
    order_get_visible,
    order_visible,
    orders_visible,
)
from orders.models import Image, LineItem, Order
from orders.selectors import order_get_by_number, order_list
from processing.kinds import V, VersionKind
from processing.models import ColoringVersion, SvgVersion
from processing.selectors_costs import order_cost_total, orders_with_cost_total

IMAGE_NOT_FOUND = "Fotka nenalezena."
VERSION_NOT_FOUND = "Verze nenalezena."


def images_with_versions() -> QuerySet[Image]:
    """Images with both version lists, each sorted by version (two extra queries in all)."""
    return Image.objects.order_by("position", "pk").prefetch_related(
        Prefetch("coloring_versions", queryset=ColoringVersion.objects.order_by("version")),
        Prefetch("svg_versions", queryset=SvgVersion.objects.order_by("version")),
    )


def order_page(
    *, skip: int, limit: int, status: str | None, user: AnyUser
) -> tuple[list[Order], int]:
    """One page of the orders `user` sees, newest first, with `item_count` (and
    `cost_total` for operators, in the same query); and how many match in all."""
    orders = orders_visible(user, order_list(status=status or ""))
    page = orders_with_cost_total(orders) if can(user, Capability.OPERATE) else orders
    return list(page[skip : skip + limit]), orders.count()


def order_get(*, number: str) -> Order:
    return order_get_by_number(number)


def order_detail_get(*, number: str, user: AnyUser) -> Order:
    """The order with its line items (by position), their images and all versions."""
    order = order_get_visible(user, number)
    line_items = LineItem.objects.order_by("position", "pk").prefetch_related(
        Prefetch("images", queryset=images_with_versions())
    )
    prefetch_related_objects([order], Prefetch("line_items", queryset=line_items))
    if can(user, Capability.OPERATE):
        order.cost_total = order_cost_total(order_id=order.pk)  # type: ignore[attr-defined]
    return order


def image_get(*, image_id: int) -> Image:
    """The image with its line item and order (what the services need)."""
    image = Image.objects.select_related("line_item__order").filter(pk=image_id).first()
    if image is None:
        raise Http404(IMAGE_NOT_FOUND)
    return image


def order_image_get(*, number: str, image_id: int, user: AnyUser) -> Image:
    """An image of the order `number` with both version lists."""
    order = order_get_visible(user, number)
    image = images_with_versions().filter(pk=image_id, line_item__order=order).first()
    if image is None:
        raise Http404(IMAGE_NOT_FOUND)
    return image


def image_versions(*, image_id: int, kind: VersionKind[V], user: AnyUser) -> list[V]:
    """All versions of one kind of an existing image `user` may see, by version number."""
    image = Image.objects.select_related("line_item__order").filter(pk=image_id).first()
    if image is None or not order_visible(user, image.line_item.order):
        raise Http404(IMAGE_NOT_FOUND)
    versions = kind.model._default_manager.filter(**{kind.parent_id_field: image_id})
    return list(versions.order_by("version"))


def version_get(*, version_id: int, kind: VersionKind[V]) -> V:
    """A version with its image, line item and order (what the services need)."""
    version = kind.versions().filter(pk=version_id).first()
    if version is None:
        raise Http404(VERSION_NOT_FOUND)
    return version
