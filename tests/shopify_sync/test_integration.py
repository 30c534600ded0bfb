"""End to end on real parts: the app served by daphne, a real Celery worker on real Redis.

A signed webhook is posted over HTTP; the worker processes the stored delivery, imports
the order and downloads its photos from the fake photo host onto disk. And when the
web process's broker is down, the delivery is stored and answered all the same, and the
sweep gets it processed once the broker is back.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
from django.utils import timezone

from orders.models import Image, Order
from shopify_sync.models import ShopifyWebhookEvent
from shopify_sync.services import shopify_sweep
from tests.fakes.photos import PHOTOS, FakePhotoHost
from tests.fakes.shopify import fixture, webhook_headers
from tests.live import DaphneServer, daphne

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SECRET = "test-webhook-secret"


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.05)


def post_webhook(base_url: str, payload: dict[str, Any], webhook_id: str) -> requests.Response:
    body = json.dumps(payload).encode()
    headers = webhook_headers(body, secret=SECRET, topic="orders/create", webhook_id=webhook_id)
    return requests.post(
        f"{base_url}/api/v1/webhooks/shopify", data=body, headers=headers, timeout=10
    )


@contextmanager
def web(settings: Any, log: Path, **env: str) -> Iterator[DaphneServer]:
    """daphne serving the app on the test database, with this process's Redis."""
    with daphne(
        settings_module="fotomalovanky.settings_test",
        env={"REDIS_URL": settings.REDIS_URL, **env},
        log=log,
    ) as server:
        yield server


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def order_ready() -> bool:
    return Order.objects.filter(status__in=["ready_for_review", "error"]).exists()


def test_a_signed_webhook_ends_with_the_order_and_its_photos_on_disk(
    celery_worker: object, photo_host: FakePhotoHost, storage: Path, settings: Any, tmp_path: Path
) -> None:
    payload = fixture("webhook_order.json", photo_host.url_for("/photos"))

    with web(settings, tmp_path / "daphne.log") as server:
        response = post_webhook(server.url, payload, "wh-live-1")

    assert response.status_code == 200
    wait_until(order_ready)
    order = Order.objects.get()
    assert (order.order_number, order.status, order.payment_status) == (
        "#1270",
        "ready_for_review",
        "PAID",
    )
    images = list(Image.objects.order_by("position"))
    assert [i.content_type for i in images] == ["image/jpeg", "image/png"]
    assert (storage / images[0].file.name).read_bytes() == (PHOTOS / "chelsea.jpg").read_bytes()
    assert (storage / images[1].preview.name).stat().st_size > 0
    assert ShopifyWebhookEvent.objects.get().outcome == "processed"


def test_with_the_broker_down_the_delivery_is_kept_and_the_sweep_processes_it(
    celery_worker: object, photo_host: FakePhotoHost, settings: Any, tmp_path: Path
) -> None:
    payload = fixture("webhook_order.json", photo_host.url_for("/photos"))
    # Celery prefers CELERY_BROKER_URL from the environment to its settings.
    broker_down = f"redis://127.0.0.1:{closed_port()}/0"

    with web(settings, tmp_path / "daphne.log", CELERY_BROKER_URL=broker_down) as server:
        response = post_webhook(server.url, payload, "wh-live-2")

    assert response.status_code == 200
    assert ShopifyWebhookEvent.objects.get().outcome == "pending"
    assert Order.objects.count() == 0

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True):
        report = shopify_sweep()

    assert report.webhooks == 1
    wait_until(order_ready)
    assert Order.objects.get().status == "ready_for_review"
    assert ShopifyWebhookEvent.objects.get().outcome == "processed"
