from __future__ import annotations

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = "Zpracování"

    def ready(self) -> None:
        # broadcast connects the receivers that turn committed changes into live events;
        # kinds declares the kinds of version, which the models' file paths look up.
        from . import broadcast, kinds  # noqa: F401
