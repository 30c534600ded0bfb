"""WSGI entry point (unused by default: daphne serves HTTP and WebSockets via asgi.py).

It serves neither WebSockets nor the Shopify webhook, whose one entry point is an ASGI
app (fotomalovanky/web/webhook.py).
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from fotomalovanky import webprocess

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings")
# Requests wait only briefly for the database (see fotomalovanky/webprocess.py).
webprocess.configure()

application = get_wsgi_application()
