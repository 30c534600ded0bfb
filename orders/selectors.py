"""Reads of the orders app shared by pages, admin and the API."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from .models import DraftPhoto, LineItem, Order, order_number_normalize


def order_list(*, q: str = "", status: str = "") -> QuerySet[Order]:
    """Orders newest first with their number of line items, searched and filtered.

    The count is a correlated subquery, not a JOIN with GROUP BY: the database then
    counts line items only for the rows of the page, whatever the number of orders.
    """
    items = (
        LineItem.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    orders = Order.objects.annotate(item_count=Coalesce(Subquery(items), 0)).order_by(
        "-created_at", "-pk"
    )
    if status:
        orders = orders.filter(status=status)
    q = q.strip()
    if q:
        number = order_number_normalize(q)
        orders = orders.filter(
            Q(order_number__icontains=number)
            | Q(customer_name__icontains=q)
            | Q(customer_email__icontains=q)
        )
    return orders


def order_get_by_number(number: str) -> Order:
    """The order shown at /orders/<number>/ (number without "#"); Http404 if none."""
    order = Order.objects.by_number(number).first()
    if order is None:
        raise Http404("Objednávka nenalezena.")
    return order


def draft_photos_get(*, draft: uuid.UUID, ids: Iterable[int]) -> dict[int, DraftPhoto]:
    """The photos of a manual order's draft among `ids`, by id (others are left out)."""
    return DraftPhoto.objects.filter(draft=draft).in_bulk(list(ids))
