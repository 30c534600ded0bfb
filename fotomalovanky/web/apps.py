from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "fotomalovanky.web"
    label = "web"
    verbose_name = "Rozhraní pro obsluhu"

    def ready(self) -> None:
        # `checks` registers the deployment checks that recognise our sync-only middleware;
        # `live` connects the receivers that turn the domain's committed changes into live
        # events.
        from .. import checks  # noqa: F401
        from . import live  # noqa: F401
