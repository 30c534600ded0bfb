from __future__ import annotations

from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("media/<path:path>", views.media, name="media"),
]
