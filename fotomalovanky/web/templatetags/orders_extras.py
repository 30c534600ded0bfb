"""Template helpers of the staff pages: badges, staff-only file URLs, Czech plurals."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils.safestring import SafeString

from fotomalovanky.web import badges
from fotomalovanky.web.files import file_url
from orders.models import Order
from processing.kinds import kind_of
from processing.models import BookLayout, ColoringVersion, VersionBase
from processing.outputs import flag_labels as output_flag_labels

register = template.Library()


@register.simple_tag
def order_badge(order: Order) -> SafeString:
    return badges.order_status_badge(order)


@register.simple_tag
def payment_badge(payment_status: str) -> SafeString:
    return badges.payment_status_badge(payment_status)


@register.simple_tag
def version_badge(version: VersionBase) -> SafeString:
    status = kind_of(version).status(version.status)
    return badges.version_status_badge(status, status.label)


@register.simple_tag
def verdict_badge(version: VersionBase) -> SafeString:
    """The page's verdict ("Schváleno", "Zamítnuto: Ořez"); empty for any other version."""
    if not isinstance(version, ColoringVersion):
        return SafeString("")
    return badges.verdict_badge(version)


@register.filter
def media_url(field: FieldFile | None) -> str:
    return file_url(field)


@register.filter
def colouring_books(count: int) -> str:
    """1 omalovánka, 2–4 omalovánky, 0 or 5+ omalovánek."""
    if count == 1:
        return "1 omalovánka"
    return f"{count} omalovánky" if 2 <= count <= 4 else f"{count} omalovánek"


@register.filter
def shopify_admin_url(order: Order) -> str:
    """The order in Shopify's admin, or "" without a store handle or a Shopify id."""
    if not settings.SHOPIFY_STORE_HANDLE or order.shopify_id is None:
        return ""
    return (
        f"https://admin.shopify.com/store/{settings.SHOPIFY_STORE_HANDLE}/orders/{order.shopify_id}"
    )


@register.filter
def book_layout_label(layout: str) -> str:
    """ "Galerie" or "Celostránková" for a book layout's value."""
    return str(BookLayout(layout).label)


@register.filter
def flag_labels(codes: list[str]) -> str:
    """The Czech labels of a version's output flags, joined: "Téměř prázdná stránka …"."""
    return "; ".join(output_flag_labels(codes or []))
