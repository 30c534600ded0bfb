"""manage.py sync_orders and the fetch services behind it and the UI buttons."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from orders.models import Image, LineItem, Order
from shopify_sync.services import order_sync, orders_fetch
from tests.fakes.shopify import FakeShopify, http_error, line_item_node, order_node

pytestmark = pytest.mark.django_db


def add_orders(shop: FakeShopify, *numbers: int) -> None:
    for index, number in enumerate(numbers):
        photos = {"Fotka 1": f"https://cdn.example.com/{number}.jpg"}
        shop.add(
            order_node(
                number,
                created_at=f"2026-11-{10 + index:02d}T10:00:00Z",
                line_items=[line_item_node(number * 10, photos)],
            )
        )


def sync(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sync_orders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_recent_orders_with_progress_and_counts(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001, 1002, 1003)

    out, _ = sync("--limit", "2")

    assert "[1/2] #1003: imported" in out
    assert "[2/2] #1002: imported" in out
    assert out.strip().endswith("imported 2, updated 0, unchanged 0, failed 0")
    assert sorted(Order.objects.values_list("order_number", flat=True)) == ["#1002", "#1003"]
    assert LineItem.objects.count() == Image.objects.count() == 2


def test_a_second_run_finds_everything_unchanged_without_detail_queries(
    shopify: FakeShopify,
) -> None:
    add_orders(shopify, 1001, 1002)
    sync()
    Image.objects.update(downloaded_at=dt.datetime(2026, 11, 12, tzinfo=dt.UTC))
    shopify.requests.clear()

    out, _ = sync()

    assert out.strip().endswith("imported 0, updated 0, unchanged 2, failed 0")
    assert shopify.operations == ["ListRecentOrders"]


def test_a_changed_order_is_updated(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001)
    sync()
    node = shopify.orders["gid://shopify/Order/5000001001"]
    node.update(displayFinancialStatus="REFUNDED", updatedAt="2026-11-20T10:00:00Z")

    out, _ = sync()

    assert "#1001: updated" in out
    assert Order.objects.get().payment_status == "REFUNDED"


def test_since_filters_by_creation_date(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001, 1002, 1003)  # created on the 10th, 11th, 12th

    sync("--since", "2026-11-11")

    assert sorted(Order.objects.values_list("order_number", flat=True)) == ["#1002", "#1003"]


def test_one_order_by_number(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001, 1270, 1300)

    out, _ = sync("--order", "1270")
    again, _ = sync("--order", "#1270")

    assert "#1270: imported" in out
    assert "#1270: unchanged" in again
    assert list(Order.objects.values_list("order_number", flat=True)) == ["#1270"]


def test_an_unknown_order_number_is_a_clear_error(shopify: FakeShopify) -> None:
    with pytest.raises(CommandError, match="Shopify has no order #999"):
        sync("--order", "999")


def test_one_failing_order_is_counted_and_the_rest_goes_on(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001, 1002)

    def progress(summary: Any, outcome: str) -> None:
        if summary.name == "#1002":  # the newest is done: make the next detail query fail
            shopify.fail(http_error(404))

    counts = orders_fetch(limit=5, actor="test", progress=progress)

    assert (counts.imported, counts.failed) == (1, 1)
    assert "#1001" in counts.errors[0]


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SHOPIFY_ACCESS_TOKEN", "", "SHOPIFY_ACCESS_TOKEN is not set"),
        ("SHOPIFY_STORE_URL", "", "SHOPIFY_STORE_URL is not set"),
        ("SHOPIFY_ACCESS_TOKEN", "shpat_wrong", "check SHOPIFY_ACCESS_TOKEN"),
    ],
)
def test_missing_or_wrong_credentials_stop_it_with_one_sentence(
    shopify: FakeShopify, settings: Any, setting: str, value: str, message: str
) -> None:
    setattr(settings, setting, value)

    with pytest.raises(CommandError, match=message):
        sync()


def test_an_unreachable_shop_stops_it_with_one_sentence(settings: Any) -> None:
    settings.SHOPIFY_STORE_URL = "http://127.0.0.1:9"
    settings.SHOPIFY_RETRY_BASE_DELAY = 0.01

    with pytest.raises(CommandError, match="unreachable"):
        sync()


def test_order_sync_of_an_order_shopify_lost_marks_it_failed(shopify: FakeShopify) -> None:
    add_orders(shopify, 1001)
    sync()
    del shopify.orders["gid://shopify/Order/5000001001"]

    assert order_sync(order_id=Order.objects.get().pk, actor="test") == "failed"

    order = Order.objects.get()
    assert order.status == Order.Status.ERROR
    assert "no order with id 5000001001" in order.status_message


def test_the_command_exits_non_zero_when_credentials_are_missing() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "sync_orders"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "READ_DOTENV": "false",
            "SHOPIFY_STORE_URL": "",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: SHOPIFY_STORE_URL is not set: Shopify cannot be reached without it."
    )
