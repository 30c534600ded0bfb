from __future__ import annotations

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = "Zpracování"

    def ready(self) -> None:
        # kinds declares the kinds of version, which the models' file paths look up.
        from . import kinds  # noqa: F401
