"""Order services."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Order
from .signals import order_changed


@dataclass(frozen=True)
class AdminAccount:
    username: str
    created: bool
    password: str | None  # only when it was just created and must be shown once


@transaction.atomic
def admin_account_ensure(*, username: str, password: str | None) -> AdminAccount:
    """Make sure an active superuser exists; create `username` when none does.

    Idempotent: an existing superuser is left as it is (its password is never reset).
    A missing password is generated and returned so the caller can show it once.
    """
    user_model = get_user_model()
    existing = user_model.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if existing is not None:
        return AdminAccount(username=existing.get_username(), created=False, password=None)
    password = password or secrets.token_urlsafe(12)
    user_model.objects.create_superuser(username=username, email="", password=password)
    return AdminAccount(username=username, created=True, password=password)


def order_changed_notify(*, order_id: int, order_number: str, created: bool = False) -> None:
    """Send `orders.signals.order_changed` once the current transaction commits.

    Outside a transaction it is sent at once. A failing listener never undoes the
    change that was just committed (robust), it is only logged.
    """
    number = order_number.lstrip("#")
    transaction.on_commit(
        lambda: order_changed.send_robust(
            sender=Order, order_id=order_id, order_number=number, created=created
        ),
        robust=True,
    )
