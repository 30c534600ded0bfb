"""The autopilot end to end on real parts, with no staff action.

A signed webhook goes to the project's ASGI application in this process (tests/asgi.py,
no daphne); a real Celery worker (a thread of this process, on real Redis) imports the
order, downloads its photos from the fake photo host, and runs whatever the autopilot
starts on the fake RunPod and Vectorizer.ai, and the books locally. The intake checks
run for real on the stored photos: print-size copies of the test photos pass them, the
originals (smaller than the hold size) are held.

"Nothing happened" is asserted after a barrier: the worker takes `io` tasks one at a
time in order, so once a pass queued after them has recorded itself, every earlier
task has run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from common.queueing import enqueue
from orders.models import Order, OrderEvent
from processing.models import AutopilotRun, BookVersion, ColoringVersion, SvgVersion
from processing.services.autopilot import (
    autopilot_sweep,
    order_autopilot_advance,
    order_autopilot_set,
)
from tests.asgi import asgi_call
from tests.autopilot.conftest import clean_order
from tests.autopilot.intake import IntakeLater
from tests.fakes.photos import FakePhotoHost
from tests.fakes.runpod import FakeRunPod
from tests.fakes.shopify import FakeShopify, fixture, line_item_node, order_node, webhook_headers
from tests.fakes.vectorizer import FakeVectorizer
from tests.processing.test_integration import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PHOTOS = ("chelsea.jpg", "rocket.png", "coffee.jpg", "astronaut.jpg")
ADVANCE = "processing.tasks.order_autopilot_advance"


@dataclass
class Shop:
    photo_host: FakePhotoHost
    runpod: FakeRunPod
    vectorizer: FakeVectorizer

    def photo_urls(self, size: str = "print") -> list[str]:
        """The four photos at print size ("print") or as small as they are ("photos")."""
        return [self.photo_host.url_for(f"/{size}/{name}") for name in PHOTOS]

    def webhook(self, *, topic: str = "orders/create", size: str = "print", **changes: Any) -> None:
        """A signed delivery of a four-photo order, changed by `changes`."""
        payload = fixture("webhook_order.json")
        properties = [
            {"name": f"Fotka (4)-{n}", "value": url}
            for n, url in enumerate(self.photo_urls(size), start=1)
        ]
        payload["line_items"][0]["properties"] = properties
        payload.update(changes)
        body = json.dumps(payload).encode()
        headers = webhook_headers(
            body, secret="test-webhook-secret", topic=topic, webhook_id=f"wh-{topic}"
        )
        response = asgi_call("POST", "/api/v1/webhooks/shopify", body=body, headers=headers)
        assert response.status_code == 200


@pytest.fixture
def shop(
    celery_worker: Any,
    photo_host: FakePhotoHost,
    runpod: FakeRunPod,
    vectorizer: FakeVectorizer,
    settings: Any,
) -> Shop:
    settings.AUTOPILOT = True
    settings.RUNPOD_POLL_INTERVAL = 0.05
    return Shop(photo_host, runpod, vectorizer)


def the_order() -> Order:
    return Order.objects.get(order_number="#1270")


def book_completed() -> bool:
    statuses = set(BookVersion.objects.values_list("status", flat=True))
    assert "error" not in statuses, list(BookVersion.objects.values_list("error_message"))
    return statuses == {"completed"}


def waits(order_id: Callable[[], int], waiting: str) -> Callable[[], bool]:
    return lambda: AutopilotRun.objects.filter(order_id=order_id(), waiting=waiting).exists()


def barrier() -> None:
    """Wait until every task queued so far has run (see the module's docstring)."""
    marker = Order.objects.create(order_number="#BARRIER", autopilot=True)
    enqueue(ADVANCE, marker.pk)
    wait_for(lambda: AutopilotRun.objects.filter(order=marker).exists())


def assert_untouched(shop: Shop) -> None:
    assert shop.runpod.run_calls == 0 and shop.vectorizer.received == []
    assert not ColoringVersion.objects.exists() and not BookVersion.objects.exists()


def test_a_clean_webhook_order_ends_with_its_book_built_and_waiting_for_approval(
    shop: Shop,
) -> None:
    shop.webhook()

    wait_for(book_completed, timeout=120)
    wait_for(waits(lambda: the_order().pk, "review"))

    order = the_order()
    assert order.status == Order.Status.READY_FOR_REVIEW
    book = BookVersion.objects.get()
    assert book.page_count and not book.incomplete
    selected = SvgVersion.objects.filter(is_selected=True, status="completed")
    assert book.sources == list(selected.order_by("image__position").values_list("pk", flat=True))
    assert len(shop.runpod.submissions) == 4 and len(shop.vectorizer.received) == 4
    assert not OrderEvent.objects.filter(actor__startswith="user:").exists()
    assert AutopilotRun.objects.get(order=order).detail == "Knihy hotové, čeká na schválení."


def test_passes_after_the_book_submit_no_photo_twice(shop: Shop) -> None:
    shop.webhook()
    wait_for(book_completed, timeout=120)

    order_id = the_order().pk
    assert order_autopilot_advance(order_id=order_id) == "waiting-review"
    assert order_autopilot_advance(order_id=order_id) == "waiting-review"
    autopilot_sweep()
    barrier()

    assert shop.runpod.run_calls == 4 and len(shop.vectorizer.received) == 4
    assert ColoringVersion.objects.count() == SvgVersion.objects.count() == 4
    assert BookVersion.objects.count() == 1


def test_a_held_order_ends_with_no_runpod_job_submitted(shop: Shop) -> None:
    shop.webhook(size="photos")  # every photo is under the hold size
    wait_for(lambda: Order.objects.filter(intake_held=True).exists(), timeout=30)

    autopilot_sweep()
    wait_for(waits(lambda: the_order().pk, "held"))
    barrier()

    assert_untouched(shop)


def test_a_cancelled_order_ends_with_no_runpod_job_submitted(
    shop: Shop, intake_later: IntakeLater
) -> None:
    shop.webhook()
    wait_for(lambda: Order.objects.filter(status="ready_for_review").exists())
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    shop.webhook(topic="orders/cancelled", cancelled_at=later, updated_at=later)
    wait_for(lambda: the_order().status == Order.Status.CANCELLED)

    # The intake verdict arrives late, and the sweep runs: neither starts anything.
    intake_later.verdict(the_order().pk)
    autopilot_sweep()
    barrier()

    assert order_autopilot_advance(order_id=the_order().pk) == "skipped-cancelled"
    assert_untouched(shop)


def test_an_order_only_the_scheduled_import_sees_is_processed_the_same_way(
    shop: Shop, shopify: FakeShopify
) -> None:
    moment = (timezone.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    photos = {f"Fotka (4)-{n}": url for n, url in enumerate(shop.photo_urls(), start=1)}
    items = [line_item_node(14010000000001, photos, variantTitle="4 fotky")]
    shopify.add(order_node(1270, created_at=moment, updated_at=moment, line_items=items))

    enqueue("shopify_sync.tasks.orders_poll")

    wait_for(book_completed, timeout=120)
    wait_for(waits(lambda: the_order().pk, "review"))
    assert OrderEvent.objects.filter(actor="shopify:poll", message__contains="importována")
    assert the_order().status == Order.Status.READY_FOR_REVIEW
    assert len(shop.runpod.submissions) == 4


def test_with_the_autopilot_off_in_settings_nothing_starts(shop: Shop, settings: Any) -> None:
    settings.AUTOPILOT = False
    shop.webhook()
    wait_for(lambda: Order.objects.filter(intake_checked_at__isnull=False).exists())

    assert autopilot_sweep() == 0
    barrier()

    assert order_autopilot_advance(order_id=the_order().pk) == "off"
    assert_untouched(shop)


def test_with_the_orders_own_switch_off_nothing_starts(
    shop: Shop, intake_later: IntakeLater
) -> None:
    shop.webhook()
    wait_for(lambda: Order.objects.filter(status="ready_for_review").exists())
    order_autopilot_set(order_id=the_order().pk, value="off", actor="user:jana")

    assert intake_later.verdict(the_order().pk) == "clear"
    autopilot_sweep()
    barrier()

    assert_untouched(shop)
    assert not AutopilotRun.objects.filter(order=the_order()).exists()


def test_two_passes_at_once_start_each_photo_once(settings: Any) -> None:
    """Two completions of one order arrive together: the order's row lock serialises
    their passes, and the second finds the first one's colourings."""
    settings.AUTOPILOT = True
    settings.COLORING_BACKEND = "local"
    order = clean_order(4)
    start = threading.Barrier(2)
    results: list[str] = []

    def one_pass() -> None:
        start.wait()
        try:
            results.append(order_autopilot_advance(order_id=order.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["started coloring=4", "waiting-work"]
    assert ColoringVersion.objects.filter(image__line_item__order=order).count() == 4
