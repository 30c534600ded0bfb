"""`manage.py recover_processing`: the minutely recovery sweep, now, with a report."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from processing.services import intake_checks_recover, processing_recover
from shopify_sync.services import shopify_sweep


class Command(BaseCommand):
    help = (
        "Resume interrupted work now, as Celery beat does every minute: colouring and SVG "
        "versions, photo downloads, intake checks never run and unprocessed Shopify webhooks; "
        "print what was done."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # A command is an interface layer: it may call both apps' services.
        lines = processing_recover()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Obnoveno verzí: {len(lines)}." if lines else "Nic k obnovení.")
        checks = intake_checks_recover()
        for line in checks:
            self.stdout.write(line)
        self.stdout.write(f"Kontroly fotek znovu zařazeny: {len(checks)}.")
        self.stdout.write(f"Shopify: {shopify_sweep()}")
