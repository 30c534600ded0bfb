"""WebSocket routes, all under /ws/ (mounted by fotomalovanky.asgi)."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import consumers

# django.urls.path is typed for views; Channels' URLRouter takes ASGI apps in their place.
order_list: Any = consumers.OrderListConsumer.as_asgi()
order_detail: Any = consumers.OrderDetailConsumer.as_asgi()

websocket_urlpatterns = [
    path("ws/orders/", order_list),
    path("ws/orders/<slug:number>/", order_detail),
]
