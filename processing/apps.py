from __future__ import annotations

from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "processing"
    verbose_name = "Zpracování"

    def ready(self) -> None:
        # kinds declares the kinds of version, which the models' file paths look up.
        # A cancelled order's work stops, stored photos are checked before any paid work,
        # and the autopilot's triggers (a clean intake verdict, a completed version) queue
        # its passes: the receivers only queue tasks.
        from orders.signals import intake_checked, order_transitioned

        from . import kinds  # noqa: F401
        from .services import autopilot
        from .services.cancellation import order_cancelled_listen
        from .services.intake import order_intake_listen
        from .signals import version_changed

        order_transitioned.connect(
            order_cancelled_listen, dispatch_uid="processing.order_cancelled_listen"
        )
        order_transitioned.connect(
            order_intake_listen, dispatch_uid="processing.order_intake_listen"
        )
        intake_checked.connect(
            autopilot.intake_checked_listen, dispatch_uid="processing.autopilot_intake"
        )
        version_changed.connect(
            autopilot.version_changed_listen, dispatch_uid="processing.autopilot_version"
        )
