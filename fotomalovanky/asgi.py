"""ASGI entry point: HTTP through Django (the Shopify webhook directly, its only route),
WebSockets under /ws/ through Channels."""

from __future__ import annotations

import os
from typing import Any

from django.core.asgi import get_asgi_application

from fotomalovanky import webprocess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings")
# Before Django sets up: this process serves requests, which wait only briefly for the
# database (see fotomalovanky/webprocess.py).
webprocess.configure()

# Django must be set up before anything that imports models (consumers, auth).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from fotomalovanky.api.events import websocket_urlpatterns as api_websocket_urlpatterns  # noqa: E402
from fotomalovanky.web.routing import websocket_urlpatterns  # noqa: E402
from fotomalovanky.web.webhook import ShopifyWebhookApp  # noqa: E402

# django.urls' path() is typed for views; Channels' URLRouter takes ASGI apps in their
# place, so the route lists are typed loosely (Any) here.
webhook_app: Any = ShopifyWebhookApp()
django_app: Any = django_asgi_app
staff_sockets: Any = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(list[Any](websocket_urlpatterns)))
)

# Shopify's webhook skips Django's middleware chain (see fotomalovanky/web/webhook.py);
# everything else is Django.
http_routes: list[Any] = [
    path("api/v1/webhooks/shopify", webhook_app),
    re_path(r"", django_app),
]
# The events route brings its own origin and auth stack (fotomalovanky.api.events).
websocket_routes: list[Any] = [*api_websocket_urlpatterns, re_path(r"", staff_sockets)]

application = ProtocolTypeRouter(
    {"http": URLRouter(http_routes), "websocket": URLRouter(websocket_routes)}
)
