from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from shopify_sync.webhooks import shopify_webhook

from . import views

admin.site.site_header = "Fotomalovánky Admin"
admin.site.site_title = "Fotomalovánky Admin"
admin.site.index_title = "Přehled"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/health", views.health, name="health"),
    path("api/v1/webhooks/shopify", shopify_webhook, name="shopify-webhook"),
    path("", include("orders.urls")),
]
