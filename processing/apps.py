from __future__ import annotations

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = "Zpracování"

    def ready(self) -> None:
        # kinds declares the kinds of version, which the models' file paths look up.
        # A cancelled order's work stops, and stored photos are checked before any paid
        # work (the receivers only queue a task).
        from orders.signals import order_transitioned

        from . import kinds  # noqa: F401
        from .services.cancellation import order_cancelled_listen
        from .services.intake import order_intake_listen

        order_transitioned.connect(
            order_cancelled_listen, dispatch_uid="processing.order_cancelled_listen"
        )
        order_transitioned.connect(
            order_intake_listen, dispatch_uid="processing.order_intake_listen"
        )
