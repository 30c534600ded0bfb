"""WebSocket routes, all under /ws/ (mounted by fotomalovanky.asgi)."""

from __future__ import annotations

from django.urls import path

from . import consumers

# django.urls.path is typed for views; Channels' URLRouter takes ASGI apps in its place.
websocket_urlpatterns = [
    path("ws/orders/", consumers.OrderListConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/orders/<slug:number>/", consumers.OrderDetailConsumer.as_asgi()),  # type: ignore[arg-type]
]
