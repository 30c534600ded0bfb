from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Fotomalovánky Admin"
admin.site.site_title = "Fotomalovánky Admin"
admin.site.index_title = "Přehled"

# A database error answers 503 (fotomalovanky/outage.py); anything else Django's 500.
handler500 = "fotomalovanky.outage.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:list", permanent=False)),
    path("admin/", admin.site.urls),
    # POST /api/v1/webhooks/shopify is not here: daphne routes it to its ASGI app ahead
    # of Django (fotomalovanky/asgi.py, fotomalovanky/web/webhook.py).
    path("api/v1/", include("fotomalovanky.api.urls")),
    path("", include("fotomalovanky.web.urls")),
]
