"""The back office for colouring, SVG and book versions (produced by workers, so read-only)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from fotomalovanky.web.badges import version_status_badge
from orders.admin import BadgeCss

from . import services
from .errors import ProcessingError
from .kinds import kind_of
from .models import BookVersion, ColoringVersion, SvgVersion

VERSION_TIMES = ("created_at", "started_at", "completed_at", "updated_at")
Version = ColoringVersion | SvgVersion


class VersionAdmin(admin.ModelAdmin):
    list_filter = ("status", "backend", "is_selected")
    search_fields = ("image__line_item__order__order_number",)
    list_select_related = ("image__line_item__order",)
    raw_id_fields: ClassVar[tuple[str, ...]] = ("image",)
    date_hierarchy = "created_at"
    list_per_page = 100
    actions: tuple[str, ...] = ("retry", "select")
    Media = BadgeCss

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Versions are produced by workers; staff act on them through actions.
        return False

    @admin.action(description="Zopakovat (verze ve stavu Chyba)")
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.version_retry, "Znovu zařazeno do fronty")

    @admin.action(description="Vybrat tyto verze (u každé fotky jednu dokončenou)")
    def select(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.version_select, "Vybráno")

    def _each(self, request: HttpRequest, queryset: QuerySet, service: Any, done: str) -> None:
        """Call `service` for each version; report successes and each refusal (in Czech)."""
        actor, count = f"user:{request.user.get_username()}", 0
        for version in queryset.select_related(*self.list_select_related):
            parent = getattr(version, kind_of(version).parent)  # a photo, or a book's line item
            try:
                service(image=parent, version=version, actor=actor)
                count += 1
            except ProcessingError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done}: {count}.")

    @admin.display(description="Objednávka", ordering="image__line_item__order__order_number")
    def order_number(self, obj: Version) -> str:
        return obj.image.line_item.order.order_number

    @admin.display(description="Stav", ordering="status")
    def status_badge(self, obj: Version) -> SafeString:
        return version_status_badge(obj.status, obj.get_status_display())

    @admin.display(description="Chyba")
    def short_error(self, obj: Version) -> str:
        message = obj.error_message
        return message if len(message) <= 80 else message[:79] + "…"


@admin.register(ColoringVersion)
class ColoringVersionAdmin(VersionAdmin):
    list_display = (
        "__str__",
        "order_number",
        "image",
        "status_badge",
        "backend",
        "cost",
        "megapixels",
        "steps",
        "is_selected",
        "short_error",
        *VERSION_TIMES[:3],
    )
    readonly_fields = (
        "image",
        "version",
        "file",
        "status",
        "megapixels",
        "steps",
        "backend",
        "runpod_job_id",
        "runpod_submitted_at",
        "runpod_submit_attempts",
        "runpod_interrupted_submits",
        "runpod_execution_ms",
        "runpod_delay_ms",
        "cost",
        "error_message",
        "error_history",
        "recoveries",
        "is_selected",
        *VERSION_TIMES,
    )


@admin.register(SvgVersion)
class SvgVersionAdmin(VersionAdmin):
    list_display = (
        "__str__",
        "order_number",
        "image",
        "status_badge",
        "backend",
        "cost",
        "shape_stacking",
        "group_by",
        "is_selected",
        "short_error",
        *VERSION_TIMES[:3],
    )
    raw_id_fields = ("image", "coloring_version")
    readonly_fields = (
        "image",
        "coloring_version",
        "version",
        "file",
        "status",
        "shape_stacking",
        "group_by",
        "backend",
        "credits_charged",
        "cost",
        "vectorizer_image_token",
        "error_message",
        "error_history",
        "recoveries",
        "is_selected",
        *VERSION_TIMES,
    )


@admin.register(BookVersion)
class BookVersionAdmin(VersionAdmin):
    """A line item's books (PDF); retried by the same action, never selected."""

    list_display = (
        "__str__",
        "order_number",
        "line_item",
        "status_badge",
        "layout",
        "page_count",
        "incomplete",
        "cost",
        *VERSION_TIMES[:3],
    )
    list_filter = ("status", "layout", "incomplete")
    search_fields = ("line_item__order__order_number",)
    list_select_related = ("line_item__order",)
    raw_id_fields = ("line_item",)
    readonly_fields = (
        "line_item",
        "version",
        "file",
        "status",
        "layout",
        "page_count",
        "incomplete",
        "sources",
        "cost",
        "error_message",
        "error_history",
        "recoveries",
        *VERSION_TIMES,
    )
    actions = ("retry",)

    @admin.display(description="Objednávka", ordering="line_item__order__order_number")
    def order_number(self, obj: BookVersion) -> str:  # type: ignore[override]
        return obj.line_item.order.order_number
