"""WebSockets of the staff pages: server-to-browser HTML fragments only.

Every action is an ordinary HTTP POST; these sockets never receive anything. Anyone
without a role (fotomalovanky/permissions.py) is closed out at once. Each role's sockets
join that role's groups (`live.role_group`): a printer's list socket receives only rows
of the orders a printer sees, and a printer's detail socket opens only for such an order.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from fotomalovanky.permissions import Role, role_of, status_visible
from orders.models import Order

from .live import LIST_GROUP, order_group, role_group

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class StaffFragmentConsumer(AsyncWebsocketConsumer):
    group: str | None = None

    async def connect(self) -> None:
        # role_of reads the user's groups from the database.
        role = await database_sync_to_async(role_of)(self.scope.get("user"))
        if role is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        group = await self.group_for(role)
        if group is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def group_for(self, role: Role) -> str | None:
        return role_group(LIST_GROUP, role)

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

    async def group_for(self, role: Role) -> str | None:
        number = self.scope["url_route"]["kwargs"]["number"]
        order = await database_sync_to_async(_order)(number)
        # An order the role may not see is "not found", as on the page.
        if order is None or not status_visible(role, order[1]):
            return None
        return role_group(order_group(order[0]), role)


def _order(number: str) -> tuple[int, str] | None:
    return Order.objects.by_number(number).values_list("pk", "status").first()
