"""Listeners to `orders` signals: each calls one service of this app."""

from __future__ import annotations

from typing import Any

from orders.models import Order

from .services import fulfilment_request, fulfilment_withdraw


def order_transitioned(
    sender: Any, *, order_id: int, from_status: str, to_status: str, **kwargs: Any
) -> None:
    """Marked sent: tell Shopify (when wanted). "Sent" undone: stop a notice not yet sent."""
    if to_status == Order.Status.SENT:
        fulfilment_request(order_id=order_id)
    elif from_status == Order.Status.SENT:
        fulfilment_withdraw(order_id=order_id)
