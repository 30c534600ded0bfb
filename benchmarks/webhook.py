"""The Shopify webhook under load, next to a trivial view on the same server.

Fixed sizes: 2,000 GETs of a trivial Django view (the full middleware chain), sent over
32 keep-alive connections to daphne on loopback; then 2,000 signed deliveries, 30% of
them repeats of an earlier delivery id (Shopify retries), to the webhook's one entry
point on the same daphne (its ASGI app). Prints requests/s, p50 and p99 of both and
their ratio (targets: webhook p99 under 100 ms, throughput at least 70% of the trivial
view's). Then a Celery worker processes the stored deliveries and the script checks
that exactly the unique orders exist and that no valid delivery got a non-2xx.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from _common import current_database_url, describe_machine, setup_django, temporary_database
from _http import HttpRequest, daphne, load, server_env

DELIVERIES = 2000
REPEATED = 0.30
CONCURRENCY = 32
SECRET = "test-webhook-secret"  # settings_test's SHOPIFY_WEBHOOK_SECRET


def payload(number: int) -> bytes:
    return json.dumps(
        {
            "id": 7_000_000 + number,
            "name": f"#{number}",
            "email": f"zakaznik{number}@example.cz",
            "created_at": "2026-11-20T10:00:00+01:00",
            "updated_at": "2026-11-20T10:00:00+01:00",
            "financial_status": "paid",
            "customer": {"first_name": "Jana", "last_name": "Nováková"},
            "shipping_lines": [{"title": "Zásilkovna"}],
            "line_items": [
                {
                    "id": 8_000_000 + number,
                    "title": "Omalovánka z vašich fotek",
                    "quantity": 1,
                    "properties": [{"name": "Věnování", "value": "Pro Aničku"}],
                }
            ],
        }
    ).encode()


def delivery(number: int) -> HttpRequest:
    body = payload(number)
    signature = base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": signature,
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": f"bench-{number}",
        "X-Shopify-Shop-Domain": "fotomalovanky.myshopify.com",
    }
    return HttpRequest("POST", "/api/v1/webhooks/shopify", headers, body)


def deliveries() -> tuple[list[HttpRequest], int]:
    rng = random.Random(1270)
    unique = int(DELIVERIES * (1 - REPEATED))
    sent = [delivery(n) for n in range(1, unique + 1)]
    repeats = [sent[rng.randrange(unique)] for _ in range(DELIVERIES - unique)]
    requests = sent + repeats
    rng.shuffle(requests)
    return requests, unique


def process_with_worker(database_url: str) -> float:
    """Run a Celery worker until every stored delivery is processed; return the seconds."""
    from shopify_sync.models import ShopifyWebhookEvent

    binary = str(Path(sys.executable).parent / "celery")
    started = time.perf_counter()
    worker = subprocess.Popen(
        [binary, "-A", "fotomalovanky", "worker", "-Q", "io", "-c", "2", "-l", "WARNING"],
        env=server_env(database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while ShopifyWebhookEvent.objects.filter(outcome="pending").exists():
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return time.perf_counter() - started


def main() -> None:
    setup_django()
    with temporary_database():
        from common.redis import redis_client
        from fotomalovanky.celery import app
        from orders.models import Order
        from shopify_sync.services.inbox import DRAIN_KEY

        app.control.purge()
        # A drain flag left by an earlier run (or a test on the same Redis) without its
        # purged task would swallow every drain request of this run: the worker waits.
        redis_client().delete(DRAIN_KEY)
        database_url = current_database_url()
        requests, unique = deliveries()
        trivial = [HttpRequest("GET", "/bench/trivial", {})] * DELIVERIES
        with daphne(database_url) as port:
            load(port, [*trivial[:200], delivery(0)], CONCURRENCY)  # warm up both paths
            base = load(port, trivial, CONCURRENCY)
            hooks = load(port, requests, CONCURRENCY)
        worker_seconds = process_with_worker(database_url)
        orders = Order.objects.exclude(order_number="#0").count()
        bad = [s for s in hooks.statuses if not 200 <= s < 300]

        print(
            f"webhook ({describe_machine()}; {DELIVERIES} deliveries, {REPEATED:.0%} repeated, "
            f"{CONCURRENCY} connections)"
        )
        print(base.line("trivial view"))
        print(hooks.line("signed webhook"))
        print(f"  throughput ratio webhook/trivial: {hooks.rps / base.rps:.2f}")
        print(
            f"  non-2xx answers: {len(bad)}; orders afterwards: {orders} (unique deliveries: "
            f"{unique}); worker processed the inbox in {worker_seconds:.1f} s"
        )
        if bad:
            print(f"  statuses of non-2xx answers: {sorted(set(bad))}")
        if bad or orders != unique:
            sys.exit("FAILED: a valid delivery was refused or the orders do not match")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings_test")
    main()
