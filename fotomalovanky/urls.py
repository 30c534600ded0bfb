from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from shopify_sync.webhooks import shopify_webhook

admin.site.site_header = "Fotomalovánky Admin"
admin.site.site_title = "Fotomalovánky Admin"
admin.site.index_title = "Přehled"

# A database error answers 503 (fotomalovanky/outage.py); anything else Django's 500.
handler500 = "fotomalovanky.outage.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list", permanent=False)),
    path("admin/", admin.site.urls),
    # The webhook is a plain Django view (raw body, HMAC): ahead of the API's catch-all 404.
    path("api/v1/webhooks/shopify", shopify_webhook, name="shopify-webhook"),
    path("api/v1/", include("fotomalovanky.api.urls")),
    path("", include("fotomalovanky.web.urls")),
]
