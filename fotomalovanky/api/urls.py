"""URLs of the API, included at /api/v1/: ninja's, with JSON errors for what ninja
leaves to Django (a wrong method, an unknown path)."""

from __future__ import annotations

from django.urls import re_path

from .errors import json_errors_urlpatterns, not_found
from .v1 import api

app_name = "api"

urlpatterns = [
    *json_errors_urlpatterns(api.urls[0]),
    re_path(r"", not_found),
]
