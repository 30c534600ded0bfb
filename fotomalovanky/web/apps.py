from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "fotomalovanky.web"
    label = "web"
    verbose_name = "Rozhraní pro obsluhu"

    def ready(self) -> None:
        # `checks` registers the deployment checks that recognise our sync-only middleware;
        # `live` connects the receivers that turn the domain's committed changes into live
        # events.
        from .. import checks  # noqa: F401
        from ..permissions import roles_sync
        from . import live  # noqa: F401

        # post_migrate comes once per app with models; the last one comes after every
        # app's permissions were created.
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(roles_sync, sender=last, dispatch_uid="roles_sync")
