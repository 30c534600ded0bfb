"""manage.py sync_orders: import orders from Shopify now, with progress and counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.models import Order, order_number_normalize
from shopify_sync.errors import ShopifyError
from shopify_sync.schemas import OrderData
from shopify_sync.services import order_sync, orders_fetch

ACTOR = "command:sync_orders"


class Command(BaseCommand):
    help = "Import recent orders (or one order) from Shopify; photo downloads go to the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="How many orders (default 20).")
        parser.add_argument(
            "--since", type=date.fromisoformat, help="Only orders created on or after YYYY-MM-DD."
        )
        parser.add_argument("--order", help="One order by its number, e.g. 1270.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            if options["order"]:
                self._sync_one(options["order"])
            else:
                self._sync_recent(options["limit"], options["since"])
        except ShopifyError as exc:
            raise CommandError(str(exc)) from exc

    def _sync_one(self, number: str) -> None:
        number = order_number_normalize(number)
        order = Order.objects.by_number(number).first()
        if order is None:
            # Not here yet: find it in Shopify by its name.
            counts = orders_fetch(limit=1, number=number, actor=ACTOR)
            if counts.imported + counts.updated + counts.unchanged == 0:
                raise CommandError(" ".join(counts.errors) or f"Shopify has no order #{number}.")
            self.stdout.write(f"#{number}: imported")
            return
        outcome = order_sync(order_id=order.pk, actor=ACTOR)
        if outcome == "failed":
            order.refresh_from_db()
            raise CommandError(order.status_message)
        self.stdout.write(f"#{number}: {outcome}")

    def _sync_recent(self, limit: int, since: date | None) -> None:
        seen = 0

        def progress(summary: OrderData, outcome: str) -> None:
            nonlocal seen
            seen += 1
            self.stdout.write(f"[{seen}/{limit}] {summary.name}: {outcome}")

        counts = orders_fetch(limit=limit, since=since, actor=ACTOR, progress=progress)
        for error in counts.errors:
            self.stderr.write(error)
        self.stdout.write(
            f"imported {counts.imported}, updated {counts.updated}, "
            f"unchanged {counts.unchanged}, failed {counts.failed}"
        )
