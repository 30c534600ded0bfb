"""Create a sample order from the photos shipped in orders/sample/ (no Shopify needed)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from orders.services.sample import sample_order_create, sample_order_exists


class Command(BaseCommand):
    help = (
        "Create a sample manual order (a gallery book of 4 photos and a full-page book of 2) "
        "to try colouring, SVG and the PDF book without a Shopify shop."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-none",
            action="store_true",
            help="only when no sample order exists yet (for set-up scripts run more than once)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = sample_order_exists() if options["if_none"] else None
        if existing is not None:
            self.stdout.write(f"A sample order exists: {existing.order_number} (nothing created)")
            return
        order = sample_order_create(actor="command:create_sample_order")
        self.stdout.write(self.style.SUCCESS(f"Created the sample order {order.order_number}."))
        self.stdout.write(
            f'  open /orders/{order.number}/ and start with "Vygenerovat jednotlivé omalovánky"'
        )
