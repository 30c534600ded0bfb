"""The webhook inbox in the back office: every delivery, its outcome, and a replay action."""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fotomalovanky.web.badges import badge
from orders.admin import BadgeCss

from .models import ShopifyWebhookEvent
from .services import webhook_replay

Outcome = ShopifyWebhookEvent.Outcome
RAW_BODY_SHOWN = 20_000  # characters of the raw body the admin page shows
OUTCOME_COLORS: dict[str, str] = {
    Outcome.PENDING: "blue",
    Outcome.PROCESSED: "green",
    Outcome.IGNORED: "gray",
    Outcome.STALE: "gray",
    Outcome.FAILED: "red",
}


@admin.register(ShopifyWebhookEvent)
class ShopifyWebhookEventAdmin(admin.ModelAdmin):
    list_display = (
        "received_at",
        "topic",
        "shopify_order_id",
        "outcome_badge",
        "attempts",
        "processed_at",
        "webhook_id",
        "error",
    )
    list_filter = ("outcome", "topic", "shop_domain")
    search_fields = ("webhook_id", "shopify_order_id")
    list_select_related = ()
    date_hierarchy = "received_at"
    readonly_fields = (
        "webhook_id",
        "topic",
        "shop_domain",
        "api_version",
        "shopify_order_id",
        "received_at",
        "processed_at",
        "outcome",
        "attempts",
        "error",
        "pretty_payload",
        "raw_body",
    )
    exclude = ("payload", "body")
    actions = ("replay",)
    Media = BadgeCss

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShopifyWebhookEvent]:
        qs = super().get_queryset(request)
        match = request.resolver_match
        # Payloads are large; the list never shows them.
        in_list = match is not None and (match.url_name or "").endswith("changelist")
        return qs.defer("payload", "body") if in_list else qs

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Výsledek", ordering="outcome")
    def outcome_badge(self, obj: ShopifyWebhookEvent) -> SafeString:
        return badge(obj.get_outcome_display(), OUTCOME_COLORS.get(obj.outcome, "gray"))

    @admin.display(description="Obsah")
    def pretty_payload(self, obj: ShopifyWebhookEvent) -> SafeString:
        if obj.payload is None:  # no JSON: the raw body below is all there is
            return format_html("{}", "—")
        text = json.dumps(obj.payload, indent=2, ensure_ascii=False, sort_keys=True)
        # A class, not style="": the pages' CSP allows no inline styles (badges.css has it).
        return format_html('<pre class="payload">{}</pre>', text)

    @admin.display(description="Tělo, jak přišlo")
    def raw_body(self, obj: ShopifyWebhookEvent) -> SafeString:
        # Shown as text with undecodable bytes escaped; escaped again as HTML by format_html.
        text = bytes(obj.body).decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
        return format_html('<pre class="payload">{}</pre>', text[:RAW_BODY_SHOWN])

    @admin.action(description="Zpracovat znovu", permissions=["view"])
    def replay(self, request: HttpRequest, queryset: QuerySet[ShopifyWebhookEvent]) -> None:
        count = sum(webhook_replay(event_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"Znovu zařazeno ke zpracování: {count}")
