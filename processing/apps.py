from __future__ import annotations

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = "Zpracování"

    def ready(self) -> None:
        # Connects the receivers that turn committed changes into live events.
        from . import broadcast  # noqa: F401
