"""manage.py issue_api_token <username> [--days N]: print a token for the JSON API."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fotomalovanky.api.auth import ApiTokenConfigError, api_token_issue


class Command(BaseCommand):
    help = (
        "Print a signed token (HS256, API_JWT_SECRET) for an active staff user: "
        "send it as 'Authorization: Bearer <token>' or /ws/events/?token=<token>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="An active staff user.")
        parser.add_argument(
            "--days", type=int, default=30, help="How long the token is valid (default 30)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            token = api_token_issue(username=options["username"], days=options["days"])
        except (ApiTokenConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
