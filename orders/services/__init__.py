"""Order services."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..models import Order, OrderEvent, order_number_normalize
from ..signals import order_changed, order_transitioned


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
    number = order_number_normalize(order_number)
    transaction.on_commit(
        lambda: order_changed.send_robust(
            sender=Order, order_id=order_id, order_number=number, created=created
        ),
        robust=True,
    )


def order_event_log(*, order_id: int, actor: str, message: str) -> None:
    """Append to the order's audit trail."""
    OrderEvent.objects.create(order_id=order_id, actor=actor, message=message)


@transaction.atomic
def order_status_set(
    *,
    order_id: int,
    status: str,
    actor: str,
    message: str = "",
    expected: Collection[str] | None = None,
    note: str | None = None,
) -> bool:
    """Move an order to `status` if it is currently in one of `expected` (any when None).

    The row is locked while its current status is read, so two workers never both "win"
    the same transition. Returns whether the order changed; when it did, the transition
    is recorded as data (from, to, who, note) and announced after commit. `message`
    becomes the order's status message (shown as a problem); a staff step's remark goes
    in `note` instead (history only, the status message is cleared).
    """
    rows = Order.objects.select_for_update().filter(pk=order_id)
    if expected is not None:
        rows = rows.filter(status__in=list(expected))
    current = rows.values_list("status", "order_number").first()
    if current is None:
        return False
    previous, number = current
    remark = message if note is None else note
    Order.objects.filter(pk=order_id).update(
        status=status, status_message=message, updated_at=timezone.now()
    )
    OrderEvent.objects.create(
        order_id=order_id,
        actor=actor,
        message=f"Stav: {Order.Status(status).label}" + (f" – {remark}" if remark else ""),
        from_status=previous,
        to_status=status,
        note=remark,
    )
    order_changed_notify(order_id=order_id, order_number=number)
    if previous != status:
        transaction.on_commit(
            lambda: order_transitioned.send_robust(
                sender=Order,
                order_id=order_id,
                from_status=previous,
                to_status=status,
                actor=actor,
            ),
            robust=True,
        )
    return True
