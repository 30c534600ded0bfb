"""The middleware chain stays sync-only: one thread hand-off per request under daphne."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string


def test_every_middleware_in_the_chain_is_sync_only(settings: Any) -> None:
    # An async-capable MiddlewareMixin costs two hand-offs of its own per request
    # (fotomalovanky/middleware.py), e.g. django-csp's middleware if named directly.
    capable = [
        path for path in settings.MIDDLEWARE if getattr(import_string(path), "async_capable", False)
    ]

    assert capable == []
