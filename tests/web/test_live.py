"""Live events leave only after commit, with the seed's payloads; a version change also
re-renders its parent's fragment, chosen by the version's kind."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction

from fotomalovanky.web.live import EVENTS_GROUP, order_group
from orders.services import order_changed_notify
from processing.signals import version_changed
from tests.factories import ImageFactory


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


async def _drain(layer: Any, channel: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        try:
            messages.append(await asyncio.wait_for(layer.receive(channel), timeout=0.2))
        except TimeoutError:
            return messages


def _listen(group: str) -> tuple[Any, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def _version_changed(kind: str, order_id: int, parent_id: int, event: dict[str, Any]) -> None:
    version_changed.send(
        sender=object,
        kind=kind,
        order_id=order_id,
        order_number="1270",
        parent_id=parent_id,
        version_id=9,
        status="queued",
        event=event,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["coloring", "svg"])
def test_a_version_change_sends_its_photos_card_and_its_json_event(kind: str) -> None:
    image = ImageFactory(line_item__order__order_number="#1270")
    order_id = image.line_item.order_id
    layer, page = _listen(order_group(order_id))
    _, events = _listen(EVENTS_GROUP)
    event = {"type": "image_status", "image_id": image.pk, "status_type": kind}

    _version_changed(kind, order_id, image.pk, event)

    fragments = async_to_sync(_drain)(layer, page)
    assert [m["type"] for m in fragments] == ["html.fragment"]
    assert fragments[0]["html"].lstrip().startswith(f'<article id="image-{image.pk}"')
    assert async_to_sync(_drain)(layer, events) == [{"type": "event.json", "event": event}]


def test_a_kind_without_a_fragment_still_forwards_its_json_event() -> None:
    layer, page = _listen(order_group(7))
    _, events = _listen(EVENTS_GROUP)
    event = {"type": "book_status", "order_number": "1270", "line_item_id": 3, "version_id": 9}

    _version_changed("book", 7, 3, event)

    assert async_to_sync(_drain)(layer, page) == []
    assert async_to_sync(_drain)(layer, events) == [{"type": "event.json", "event": event}]
