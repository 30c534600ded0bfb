"""The back office for orders: Shopify data is shown read-only; work is done via actions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from fotomalovanky.web.badges import order_status_badge, payment_status_badge
from fotomalovanky.web.files import file_url
from fotomalovanky.web.manual import manual_order_form
from fotomalovanky.web.views import HtmxHttpRequest
from processing import services as processing
from processing.errors import ProcessingError
from processing.selectors_costs import orders_with_cost_total
from shopify_sync import services as shopify
from shopify_sync.errors import ShopifyError

from .models import Image, LineItem, Order, OrderEvent

SHOPIFY_ORDER_FIELDS = (
    "shopify_id",
    "order_number",
    "customer_name",
    "customer_email",
    "payment_status",
    "shipping_method",
    "created_at",
)
# Telling Shopify that the order shipped (shopify_sync.services.fulfilment): read-only,
# changed by the "mark sent" step and the fulfilment task.
FULFILMENT_FIELDS = (
    "tracking_number",
    "carrier",
    "fulfilment_status",
    "fulfilment_error",
    "shopify_fulfillment_id",
)

# Retention (manage.py purge_photos): when the order's files went; the records stay.
RETENTION_FIELDS = ("photos_purged_at", "books_purged_at")


class BadgeCss:
    css = {"all": ["css/badges.css"]}


def thumbnail(image: Image) -> SafeString:
    """The photo's small preview (falls back to the original), or a dash."""
    url = file_url(image.preview) or file_url(image.file)
    if not url:
        return format_html("{}", "—")
    return format_html('<img class="thumb" src="{}" alt="{}" loading="lazy">', url, str(image))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LineItemInline(ReadOnlyInline):
    model = LineItem
    fields = ("position", "title", "variant_title", "quantity", "dedication", "layout", "photos")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[LineItem]:
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description="Fotky")
    def photos(self, obj: LineItem) -> SafeString:
        images = obj.images.all()
        if not images:
            return format_html("{}", "—")
        return format_html_join(" ", "{}", ((thumbnail(image),) for image in images))


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "actor", "message", "from_status", "to_status")
    readonly_fields = fields
    show_change_link = False


class OrderTransitionInline(ReadOnlyInline):
    """The structured status history (from, to, who, when, note), newest first: one query
    for all rows (every column is the event's own)."""

    model = OrderEvent
    verbose_name = "změna stavu"
    verbose_name_plural = "historie stavů"
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderEvent]:
        return super().get_queryset(request).exclude(to_status="")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "order_number",
        "created_at",
        "customer_name",
        "customer_email",
        "item_count",
        "payment_badge",
        "status_badge",
        "cost_total",
        "live_link",
    )
    list_filter = ("status", "payment_status")
    search_fields = ("order_number", "customer_name", "customer_email")
    list_select_related = ()
    date_hierarchy = "created_at"
    list_per_page = 50
    readonly_fields = (
        *SHOPIFY_ORDER_FIELDS,
        "status",
        "status_message",
        "imported_at",
        "updated_at",
        *FULFILMENT_FIELDS,
        *RETENTION_FIELDS,
    )
    fieldsets = (
        ("Shopify", {"fields": SHOPIFY_ORDER_FIELDS}),
        ("Zpracování", {"fields": ("status", "status_message", "imported_at", "updated_at")}),
        ("Odeslání", {"fields": FULFILMENT_FIELDS}),
        ("Uchovávání dat", {"fields": RETENTION_FIELDS}),
    )
    inlines = (LineItemInline, OrderTransitionInline, OrderEventInline)
    actions = (
        "sync_from_shopify",
        "generate_colorings",
        "generate_svgs",
        "generate_books",
        "generate_books_incomplete",
    )
    Media = BadgeCss

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        orders = super().get_queryset(request).annotate(item_count=Count("line_items"))
        return orders_with_cost_total(orders)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Orders come from Shopify, or staff enter them by hand: "add" is the manual-order
        form of /orders/new/ (the same form and service), inside the admin."""
        if not self.has_add_permission(request):
            raise PermissionDenied

        def done(order: Order) -> HttpResponse:
            self.message_user(request, f"Ruční objednávka {order.order_number} vytvořena.")
            return redirect("admin:orders_order_change", order.pk)

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Nová ruční objednávka",
        }
        return manual_order_form(
            cast(HtmxHttpRequest, request),  # django-htmx's middleware serves the admin too
            template="admin/orders/order/manual_add.html",
            context=context,
            done=done,
        )

    @admin.display(description="Položky", ordering="item_count")
    def item_count(self, obj: Order) -> int:
        return obj.item_count  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description=f"Náklady ({settings.COST_CURRENCY})", ordering="cost_total")
    def cost_total(self, obj: Order) -> Decimal:
        # Annotated by get_queryset: the known costs of every version of the order.
        return obj.cost_total  # type: ignore[attr-defined]

    @admin.display(description="Stav platby", ordering="payment_status")
    def payment_badge(self, obj: Order) -> SafeString:
        return payment_status_badge(obj.payment_status)

    @admin.display(description="Stav", ordering="status")
    def status_badge(self, obj: Order) -> SafeString:
        return order_status_badge(obj)

    @admin.display(description="Živě")
    def live_link(self, obj: Order) -> SafeString:
        return format_html('<a href="{}">otevřít</a>', reverse("orders:detail", args=[obj.number]))

    @admin.action(description="Synchronizovat ze Shopify")
    def sync_from_shopify(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, shopify.order_sync_enqueue, "Synchronizace zařazena")

    @admin.action(description="Vygenerovat omalovánky")
    def generate_colorings(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, processing.order_coloring_generate, "Omalovánky zařazeny")

    @admin.action(description="Vygenerovat SVG")
    def generate_svgs(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, processing.order_svg_generate, "SVG zařazena")

    @admin.action(description="Vygenerovat PDF")
    def generate_books(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, processing.order_book_generate, "PDF zařazena")

    # Choosing this action is staff's explicit confirmation of books whose photo count
    # differs from the variant's "… / N" (they are flagged "neúplná kniha").
    @admin.action(description="Vygenerovat PDF i s jiným počtem fotek (neúplné knihy)")
    def generate_books_incomplete(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        service = partial(processing.order_book_generate, confirm_incomplete=True)
        self._each(request, queryset, service, "PDF zařazena")

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Order],
        service: Callable[..., object],
        done: str,
    ) -> None:
        """Call `service` per order; report how many went and each refusal (in Czech)."""
        actor, count = f"user:{request.user.get_username()}", 0
        for order in queryset:
            try:
                service(order=order, actor=actor)
                count += 1
            except (ProcessingError, ShopifyError) as exc:
                self.message_user(request, f"{order}: {exc}", messages.WARNING)
        self.message_user(request, f"{done}: {count}.")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        order = self.get_object(request, object_id)
        live = reverse("orders:detail", args=[order.number]) if order else ""
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "live_url": live}
        )


class ImageInline(ReadOnlyInline):
    model = Image
    fields = ("position", "preview_thumbnail", "original_url", "downloaded_at", "download_error")
    readonly_fields = fields

    @admin.display(description="Náhled")
    def preview_thumbnail(self, obj: Image) -> SafeString:
        return thumbnail(obj)


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "order", "position", "quantity", "dedication", "layout")
    list_filter = ("order__status",)
    search_fields = ("order__order_number", "title", "dedication")
    list_select_related = ("order",)
    raw_id_fields = ("order",)
    readonly_fields = (
        "order",
        "position",
        "shopify_line_item_id",
        "title",
        "variant_title",
        "quantity",
        "dedication",
        "layout",
    )
    inlines = (ImageInline,)
    Media = BadgeCss

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = (
        "preview_thumbnail",
        "__str__",
        "order_number",
        "line_item",
        "downloaded_at",
        "size",
        "download_error",
    )
    list_filter = ("line_item__order__status",)
    search_fields = ("line_item__order__order_number", "original_url")
    list_select_related = ("line_item__order",)
    raw_id_fields = ("line_item",)
    readonly_fields = (
        "preview_thumbnail",
        "line_item",
        "position",
        "original_url",
        "file",
        "preview",
        "content_type",
        "size",
        "sha256",
        "width",
        "height",
        "downloaded_at",
        "download_error",
    )
    Media = BadgeCss

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Náhled")
    def preview_thumbnail(self, obj: Image) -> SafeString:
        return thumbnail(obj)

    @admin.display(description="Objednávka", ordering="line_item__order__order_number")
    def order_number(self, obj: Image) -> str:
        return obj.line_item.order.order_number
