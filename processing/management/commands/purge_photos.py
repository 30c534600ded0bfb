"""`manage.py purge_photos --days 30`: purge the stored files of orders sent long ago."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.storage import StorageUnavailable
from processing.errors import ProcessingValidationError
from processing.services import orders_purge

ACTOR = "command:purge_photos"


class Command(BaseCommand):
    help = (
        "Remove the photos, previews, colourings and SVGs (with --include-books also the "
        "PDF books) of orders sent more than --days days ago; the records stay. "
        "--dry-run only lists what would go."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, required=True, help="Orders sent more than this many days ago."
        )
        parser.add_argument(
            "--include-books", action="store_true", help="Remove the books (PDF) too."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go; change nothing."
        )
        parser.add_argument(
            "--max-orders", type=int, help="At most this many orders in one run (oldest first)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = orders_purge(
                days=options["days"],
                include_books=options["include_books"],
                dry_run=options["dry_run"],
                max_orders=options["max_orders"],
                actor=ACTOR,
            )
        except (ProcessingValidationError, StorageUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        for order in report.orders:
            self.stdout.write(order.line)
        if report.dry_run:
            self.stdout.write("Zkušební běh (--dry-run): nic se nesmazalo.")
        self.stdout.write(report.summary)
