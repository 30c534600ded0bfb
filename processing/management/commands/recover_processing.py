"""`manage.py recover_processing`: the minutely recovery sweep, now, with a report."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from processing.services import processing_recover


class Command(BaseCommand):
    help = (
        "Resume colouring and SVG versions whose work was interrupted (the same sweep "
        "Celery beat runs every minute) and print what was done."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lines = processing_recover()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Obnoveno verzí: {len(lines)}." if lines else "Nic k obnovení.")
