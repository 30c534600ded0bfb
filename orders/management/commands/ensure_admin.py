"""Make sure an admin account exists; print its credentials the first time."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from orders.services import admin_account_ensure


class Command(BaseCommand):
    help = "Create a superuser when none exists (ADMIN_USERNAME, ADMIN_PASSWORD or generated)."

    def handle(self, *args: Any, **options: Any) -> None:
        account = admin_account_ensure(
            username=os.environ.get("ADMIN_USERNAME", "admin"),
            password=os.environ.get("ADMIN_PASSWORD") or None,
        )
        if not account.created:
            self.stdout.write(f"Admin account: {account.username} (exists)")
            return
        self.stdout.write(self.style.SUCCESS(f"Created the admin account {account.username!r}."))
        if not os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(f"  user: {account.username}  password: {account.password}")
            self.stdout.write("  (shown once; change it in the admin under Uživatelé)")
