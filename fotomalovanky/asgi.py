"""ASGI entry point: HTTP through Django (the Shopify webhook directly, its only route),
WebSockets under /ws/ through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings")

# Django must be set up before anything that imports models (consumers, auth).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from fotomalovanky.api.events import websocket_urlpatterns as api_websocket_urlpatterns  # noqa: E402
from fotomalovanky.web.webhook import ShopifyWebhookApp  # noqa: E402
from processing.routing import websocket_urlpatterns  # noqa: E402

# Shopify's webhook skips Django's middleware chain (see fotomalovanky/web/webhook.py);
# everything else is Django.
http_application = URLRouter(
    [
        path("api/v1/webhooks/shopify", ShopifyWebhookApp()),
        re_path(r"", django_asgi_app),
    ]
)

application = ProtocolTypeRouter(
    {
        "http": http_application,
        # The events route brings its own origin and auth stack (fotomalovanky.api.events).
        "websocket": URLRouter(
            [
                *api_websocket_urlpatterns,
                re_path(
                    r"",
                    AllowedHostsOriginValidator(
                        AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
                    ),
                ),
            ]
        ),
    }
)
