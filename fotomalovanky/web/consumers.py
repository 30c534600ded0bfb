"""WebSockets of the staff pages: server-to-browser HTML fragments only.

Every action is an ordinary HTTP POST; these sockets never receive anything. Anyone
who is not a logged-in, active staff member is closed out at once.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from orders.models import Order

from .live import LIST_GROUP, order_group

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class StaffFragmentConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        # getattr: the stubs' lazy user has no `is_staff` (AnonymousUser's is False).
        staff = (
            user and user.is_authenticated and user.is_active and getattr(user, "is_staff", False)
        )
        if not staff:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        group = await self.group_for()
        if group is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def group_for(self) -> str | None:
        return LIST_GROUP

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """The browser has nothing to say here; actions are HTTP POSTs."""

    async def html_fragment(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["html"])


class OrderListConsumer(StaffFragmentConsumer):
    """/ws/orders/: rows of the order list and the "a new order exists" signal."""


class OrderDetailConsumer(StaffFragmentConsumer):
    """/ws/orders/<number>/: the order's header and its photos' cards."""

    async def group_for(self) -> str | None:
        number = self.scope["url_route"]["kwargs"]["number"]
        order_id = await database_sync_to_async(_order_id)(number)
        return order_group(order_id) if order_id else None


def _order_id(number: str) -> int | None:
    return Order.objects.by_number(number).values_list("pk", flat=True).first()
