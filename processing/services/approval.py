"""Approving an order: the lifecycle step that needs every book done and current.

`orders` holds the lifecycle (orders.services.lifecycle) but cannot see books; this
service checks them, with the order's row locked, then takes the step there.
"""

from __future__ import annotations

from django.db import transaction

from orders.models import Order
from orders.services.lifecycle import (
    APPROVE,
    LifecycleError,
    User,
    order_status_lock,
    step_permit,
    step_take,
    wrong_status,
)
from processing.books import order_books


def order_approve(*, order: Order, user: User, note: str = "") -> None:
    """ready_for_review → approved (operator). Raises LifecycleForbidden for another
    role, and LifecycleError when the order is elsewhere or any book is missing, in
    progress, failed or stale ("zastaralé PDF"), naming each; then nothing changed."""
    step_permit(user, APPROVE)
    with transaction.atomic():
        status = order_status_lock(order.pk)
        if status != APPROVE.source:
            raise wrong_status(APPROVE, status)
        books = order_books(order.pk)
        if not books.ready:
            raise LifecycleError("Objednávku nelze schválit: " + " ".join(books.problems))
        step_take(order_id=order.pk, step=APPROVE, user=user, note=note)
