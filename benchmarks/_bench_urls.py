"""The project's URLs plus /bench/trivial: the baseline every served benchmark compares to.

/bench/webhook-django serves the webhook as a plain Django view through the whole
middleware chain, so benchmarks/webhook.py can weigh it against the fast ASGI path.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fotomalovanky.urls import urlpatterns as project_urlpatterns
from shopify_sync.webhooks import shopify_webhook


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/webhook-django", shopify_webhook),
    *project_urlpatterns,
]
