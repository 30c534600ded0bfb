"""The project's URLs plus /bench/trivial: the baseline every served benchmark compares to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fotomalovanky.urls import urlpatterns as project_urlpatterns


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status": "ok"}', content_type="application/json")


urlpatterns = [path("bench/trivial", trivial), *project_urlpatterns]
