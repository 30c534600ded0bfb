"""The scheduled import (`orders_poll`): a sliding `updated_at` window over the fake
Shopify, its watermark, and what it does when Shopify fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from orders.models import Order
from shopify_sync.errors import ShopifyTransientError
from shopify_sync.models import ShopifyPoll
from shopify_sync.services import orders_poll
from tests.fakes.shopify import FakeShopify, http_error, line_item_node, order_node

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def add(shop: FakeShopify, number: int, updated: datetime) -> None:
    photos = {"Fotka 1": f"https://cdn.example.com/{number}.jpg"}
    shop.add(
        order_node(
            number,
            created_at=stamp(updated - timedelta(days=3)),
            updated_at=stamp(updated),
            line_items=[line_item_node(number * 10, photos)],
        )
    )


def list_queries(shop: FakeShopify) -> list[str]:
    bodies = [json.loads(r.body) for r in shop.requests if r.body]
    return [b["variables"]["query"] for b in bodies if b["operationName"] == "ListRecentOrders"]


def poll_row() -> ShopifyPoll:
    return ShopifyPoll.objects.get()


@pytest.fixture(autouse=True)
def _polling(settings: Any) -> None:
    settings.SHOPIFY_POLL_MINUTES = 15
    settings.SHOPIFY_POLL_OVERLAP_MINUTES = 10
    settings.SHOPIFY_POLL_FIRST_HOURS = 48


def test_the_first_poll_imports_what_changed_within_its_look_back(shopify: FakeShopify) -> None:
    add(shopify, 1001, NOW - timedelta(hours=1))
    add(shopify, 1002, NOW - timedelta(hours=47))
    add(shopify, 1003, NOW - timedelta(hours=49))

    with time_machine.travel(NOW, tick=False):
        outcome = orders_poll()

    assert outcome == "imported=2 updated=0 unchanged=0 failed=0"
    assert sorted(Order.objects.values_list("order_number", flat=True)) == ["#1001", "#1002"]
    assert list_queries(shopify) == [f"updated_at:>='{stamp(NOW - timedelta(hours=48))}'"]
    row = poll_row()
    assert (row.watermark, row.last_run_at, row.claimed_until) == (NOW, NOW, None)


def test_the_next_poll_starts_at_the_watermark_less_the_overlap(shopify: FakeShopify) -> None:
    with time_machine.travel(NOW, tick=False):
        orders_poll()
    add(shopify, 1004, NOW + timedelta(minutes=5))
    add(shopify, 1005, NOW - timedelta(minutes=5))  # saved while the last poll ran
    shopify.requests.clear()

    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        outcome = orders_poll()

    assert outcome.startswith("imported=2 ")
    assert list_queries(shopify) == [f"updated_at:>='{stamp(NOW - timedelta(minutes=10))}'"]
    assert poll_row().watermark == NOW + timedelta(minutes=15)


def test_an_order_seen_again_in_the_overlap_is_unchanged(shopify: FakeShopify) -> None:
    add(shopify, 1001, NOW - timedelta(minutes=5))
    with time_machine.travel(NOW, tick=False):
        orders_poll()

    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert orders_poll() == "imported=0 updated=0 unchanged=1 failed=0"
    assert Order.objects.count() == 1


def test_refused_credentials_are_recorded_and_keep_the_watermark(
    shopify: FakeShopify, settings: Any
) -> None:
    ShopifyPoll.objects.create(pk=1, watermark=NOW - timedelta(hours=1))
    shopify.fail(http_error(401))

    with time_machine.travel(NOW, tick=False):
        outcome = orders_poll()

    assert outcome.startswith("failed Shopify refused the access token")
    row = poll_row()
    assert row.watermark == NOW - timedelta(hours=1)
    assert "SHOPIFY_ACCESS_TOKEN" in row.last_error and row.claimed_until is None


def test_an_unreachable_shopify_raises_for_the_tasks_retry_and_frees_the_poll(
    shopify: FakeShopify, settings: Any
) -> None:
    settings.SHOPIFY_RETRY_BASE_DELAY = 0
    shopify.fail(*[http_error(503)] * 4)

    with time_machine.travel(NOW, tick=False), pytest.raises(ShopifyTransientError):
        orders_poll()

    row = poll_row()
    assert (row.watermark, row.last_outcome, row.claimed_until) == (None, "retry", None)


def test_an_order_that_fails_is_tried_again_next_time(shopify: FakeShopify) -> None:
    add(shopify, 1001, NOW - timedelta(minutes=5))
    shopify.fail(http_error(404), operation="GetOrderDetails")

    with time_machine.travel(NOW, tick=False):
        assert orders_poll().endswith("failed=1")

    assert poll_row().watermark is None
    with time_machine.travel(NOW + timedelta(minutes=15), tick=False):
        assert orders_poll().startswith("imported=1 ")
    assert poll_row().watermark == NOW + timedelta(minutes=15)


def test_a_poll_at_its_limit_leaves_the_watermark_for_the_rest(
    shopify: FakeShopify, settings: Any
) -> None:
    settings.SHOPIFY_POLL_LIMIT = 2
    for number in (1001, 1002, 1003):
        add(shopify, number, NOW - timedelta(minutes=number - 1000))

    with time_machine.travel(NOW, tick=False):
        orders_poll()

    assert Order.objects.count() == 2 and poll_row().watermark is None


def test_a_poll_while_another_runs_does_nothing(shopify: FakeShopify) -> None:
    ShopifyPoll.objects.create(pk=1, claimed_until=NOW + timedelta(minutes=5))

    with time_machine.travel(NOW, tick=False):
        assert orders_poll() == "busy"
    assert shopify.requests == []


def test_a_poll_whose_worker_died_is_taken_over(shopify: FakeShopify) -> None:
    ShopifyPoll.objects.create(pk=1, claimed_until=NOW - timedelta(seconds=1))

    with time_machine.travel(NOW, tick=False):
        assert orders_poll().startswith("imported=0 ")


def test_it_is_off_at_zero_minutes(shopify: FakeShopify, settings: Any) -> None:
    settings.SHOPIFY_POLL_MINUTES = 0

    assert orders_poll() == "off"
    assert shopify.requests == [] and not ShopifyPoll.objects.exists()
