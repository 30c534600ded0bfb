"""Live events after commit with the contract's payloads; order progress and eligibility."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from fotomalovanky.web.live import EVENTS_GROUP
from processing import selectors, services
from tests import factories
from tests.fakes.runpod import FakeRunPod
from tests.processing.conftest import completed_coloring, downloaded_image


async def _drain(layer: Any, channel: str) -> list[dict]:
    events = []
    while True:
        try:
            message = await asyncio.wait_for(layer.receive(channel), timeout=0.2)
        except TimeoutError:
            return events
        events.append(message["event"])


def listen() -> tuple[Any, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(EVENTS_GROUP, channel)
    return layer, channel


@pytest.mark.django_db(transaction=True)
def test_every_committed_status_change_sends_image_status_and_final_ones_order_update(
    runpod: FakeRunPod,
) -> None:
    runpod.script_next("IN_QUEUE", "IN_PROGRESS", "COMPLETED")
    image = downloaded_image()
    number = image.line_item.order.number
    layer, channel = listen()

    version = services.coloring_generate(image=image, actor="user:jana")
    services.coloring_runpod_submit(version_id=version.pk)
    for _ in range(3):
        version.refresh_from_db()
        services.coloring_runpod_poll(version_id=version.pk, poll_seq=version.runpod_poll_seq)
    events = async_to_sync(_drain)(layer, channel)

    statuses = [e["status"] for e in events if e["type"] == "image_status"]
    assert statuses == [
        "queued",
        "runpod_submitting",
        "runpod_submitted",
        "runpod_queued",
        "runpod_processing",
        "completed",
    ]
    assert events[0] == {
        "type": "image_status",
        "order_number": number,
        "image_id": image.pk,
        "status_type": "coloring",
        "version_id": version.pk,
        "status": "queued",
    }
    after_completed = events[
        events.index(next(e for e in events if e.get("status") == "completed")) :
    ]
    assert {"type": "order_update", "order_number": number} in after_completed
    assert {"type": "list_update"} in after_completed


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_change_rolls_back() -> None:
    image = downloaded_image()
    layer, channel = listen()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.coloring_generate(image=image, actor="user:jana")
        raise RuntimeError("rollback")

    assert async_to_sync(_drain)(layer, channel) == []


@pytest.mark.django_db
def test_order_progress_counts_each_image_once_in_aggregate_queries(
    django_assert_num_queries: Any,
) -> None:
    item = factories.LineItemFactory()
    images = [downloaded_image(line_item=item, position=n) for n in range(1, 6)]
    completed_coloring(images[0])
    completed_coloring(images[1])
    factories.ColoringVersionFactory(image=images[1], version=9, status="error")
    factories.ColoringVersionFactory(image=images[2], status="runpod_queued")
    factories.ColoringVersionFactory(image=images[3], status="error")
    factories.ColoringVersionFactory(image=images[3], version=2, status="error")

    with django_assert_num_queries(2):
        progress = selectors.order_progress(order_id=item.order_id)

    assert str(progress.coloring) == "Omalovánky: 2/5 hotovo, 1 zpracovává se, 1 chyba"
    assert str(progress.svg) == "SVG: 0/5 hotovo"


@pytest.mark.django_db
def test_order_buttons_know_whether_they_can_do_anything() -> None:
    item = factories.LineItemFactory()
    image = downloaded_image(line_item=item)
    order_id = item.order_id

    assert selectors.order_can_generate_coloring(order_id=order_id)
    assert not selectors.order_can_generate_svg(order_id=order_id)
    completed_coloring(image)
    assert not selectors.order_can_generate_coloring(order_id=order_id)
    assert selectors.order_can_generate_svg(order_id=order_id)
