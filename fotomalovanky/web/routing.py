"""WebSocket routes, all under /ws/ (mounted by fotomalovanky.asgi)."""

from __future__ import annotations

from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/orders/", consumers.OrderListConsumer.as_asgi()),
    path("ws/orders/<slug:number>/", consumers.OrderDetailConsumer.as_asgi()),
]
