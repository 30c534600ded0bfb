"""Live JSON events leave only after commit, with the seed's payloads."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from django.db import connection, transaction

from fotomalovanky.web.live import EVENTS_GROUP
from orders.services import order_changed_notify


async def join_events() -> tuple[object, str]:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(EVENTS_GROUP, channel)
    return layer, channel


@pytest.mark.django_db(transaction=True)
async def test_order_change_sends_order_update_and_list_update_after_commit() -> None:
    layer, channel = await join_events()

    def change() -> None:
        try:
            with transaction.atomic():
                order_changed_notify(order_id=7, order_number="#1270")
        finally:
            # This runs in sync_to_async's executor thread: give its connection back, or
            # (with the PostgreSQL pool) it stays checked out and open past the test run.
            connection.close()

    from asgiref.sync import sync_to_async

    await sync_to_async(change)()

    first = await layer.receive(channel)
    second = await layer.receive(channel)
    assert first == {
        "type": "event.json",
        "event": {"type": "order_update", "order_number": "1270"},
    }
    assert second == {"type": "event.json", "event": {"type": "list_update"}}


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        with pytest.raises(RuntimeError), transaction.atomic():
            order_changed_notify(order_id=7, order_number="#1270")
            raise RuntimeError("rollback")

    assert callbacks == []
