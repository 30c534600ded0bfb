"""The GraphQL client against the fake shop: pagination, retries and error classification."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from shopify_sync.client import QUERIES, ShopifyClient
from shopify_sync.errors import ShopifyNotFoundError, ShopifyPermanentError, ShopifyTransientError
from tests.fakes.server import Reply
from tests.fakes.shopify import TOKEN, FakeShopify, http_error, line_item_node, order_node

# Shopify's Admin schema (2022-07, as published); every field we query exists there and
# in the newer versions we call.
SCHEMA = (
    Path(__file__).resolve().parents[1] / "fixtures" / "shopify" / "shopify-admin-2022-07.graphql"
)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(shop: FakeShopify, *, token: str = TOKEN, **options: object) -> ShopifyClient:
    return ShopifyClient(
        store_url=shop.url, access_token=token, api_version="2025-01", base_delay=0.01, **options
    )  # type: ignore[arg-type]


def test_queries_are_valid_against_shopifys_schema() -> None:
    schema = build_schema(SCHEMA.read_text(), assume_valid=True)

    names = (
        "list_recent_orders.graphql",
        "get_order_details.graphql",
        "get_fulfillment_orders.graphql",
        "create_fulfillment.graphql",
    )
    for name in names:
        assert validate(schema, parse((QUERIES / name).read_text())) == [], name


def test_it_lists_orders_newest_first_across_pages(shopify: FakeShopify) -> None:
    for number, day in [(1001, "01"), (1002, "03"), (1003, "02"), (1004, "05"), (1005, "04")]:
        shopify.add(order_node(number, created_at=f"2026-11-{day}T10:00:00Z"))

    names = [o.name for o in client_for(shopify, page_size=2).orders_recent(limit=4)]

    assert names == ["#1004", "#1005", "#1002", "#1003"]
    assert shopify.operations == ["ListRecentOrders", "ListRecentOrders"]


def test_it_passes_the_search_query(shopify: FakeShopify) -> None:
    shopify.add(order_node(1001, created_at="2026-10-30T10:00:00Z"))
    shopify.add(order_node(1002, created_at="2026-11-02T10:00:00Z"))

    found = list(client_for(shopify).orders_recent(limit=20, query="created_at:>=2026-11-01"))

    assert [o.name for o in found] == ["#1002"]


def test_it_fetches_every_line_item_past_fifty(shopify: FakeShopify) -> None:
    items = [
        line_item_node(9000 + i, {"Fotka 1": f"https://cdn.example.com/{i}.jpg"})
        for i in range(120)
    ]
    shopify.add(order_node(1270, line_items=items))

    order = client_for(shopify).order_get(5_000_001_270)

    assert order.line_items is not None
    assert [li.shopify_line_item_id for li in order.line_items] == [9000 + i for i in range(120)]
    assert shopify.operations == ["GetOrderDetails"] * 3


def test_a_missing_order_is_not_found(shopify: FakeShopify) -> None:
    with pytest.raises(ShopifyNotFoundError, match="no order with id 42"):
        client_for(shopify).order_get(42)


def test_429_is_retried_after_the_retry_after_delay(shopify: FakeShopify) -> None:
    shopify.add(order_node(1001))
    shopify.fail(http_error(429, retry_after="2.0"))
    sleeps = Sleeps()

    orders = list(client_for(shopify, sleep=sleeps).orders_recent(limit=5))

    assert [o.name for o in orders] == ["#1001"]
    assert sleeps == [2.0]


def test_throttled_is_retried_after_the_cost_restore_time(shopify: FakeShopify) -> None:
    shopify.add(order_node(1001))
    shopify.throttle()
    sleeps = Sleeps()

    assert client_for(shopify, sleep=sleeps).order_get(5_000_001_001).name == "#1001"
    assert sleeps == [pytest.approx(1.5)]  # (152 - 2) / 100 per second


@pytest.mark.parametrize("reply", [http_error(500), http_error(503), Reply(drop=True)])
def test_server_errors_and_dropped_connections_are_retried(
    shopify: FakeShopify, reply: Reply
) -> None:
    shopify.add(order_node(1001))
    shopify.fail(reply, reply)
    sleeps = Sleeps()

    assert client_for(shopify, sleep=sleeps).order_get(5_000_001_001).name == "#1001"
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # exponential backoff


def test_it_gives_up_with_a_transient_error_after_the_last_attempt(shopify: FakeShopify) -> None:
    shopify.fail(*[http_error(502)] * 4)

    with pytest.raises(ShopifyTransientError, match="HTTP 502"):
        client_for(shopify, sleep=Sleeps()).order_get(1)
    assert len(shopify.requests) == 4


def test_a_slow_answer_times_out_as_transient(shopify: FakeShopify) -> None:
    shopify.fail(Reply(delay=1.0, body=b"{}"))

    with pytest.raises(ShopifyTransientError, match="unreachable"):
        client_for(shopify, timeout=(1.0, 0.2), max_attempts=1).order_get(1)


def test_a_wrong_token_is_permanent_and_names_the_variable(shopify: FakeShopify) -> None:
    with pytest.raises(ShopifyPermanentError, match="check SHOPIFY_ACCESS_TOKEN"):
        client_for(shopify, token="shpat_wrong").order_get(1)
    assert len(shopify.requests) == 1  # not retried


def test_a_wrong_store_url_is_permanent_and_names_the_variable(shopify: FakeShopify) -> None:
    client = ShopifyClient(
        store_url=shopify.url + "/nope", access_token=TOKEN, api_version="2025-01"
    )

    with pytest.raises(ShopifyPermanentError, match="check SHOPIFY_STORE_URL"):
        client.order_get(1)


def test_an_unreachable_shop_is_transient() -> None:
    client = ShopifyClient(
        store_url="http://127.0.0.1:9", access_token=TOKEN, api_version="2025-01", max_attempts=1
    )

    with pytest.raises(ShopifyTransientError, match="unreachable"):
        client.order_get(1)


def test_other_graphql_errors_are_permanent(shopify: FakeShopify) -> None:
    shopify.fail(Reply(200, b'{"errors": [{"message": "Field \'x\' doesn\'t exist"}]}'))

    with pytest.raises(ShopifyPermanentError, match="doesn't exist"):
        client_for(shopify).order_get(1)


def test_it_sends_the_token_and_the_operation_name(shopify: FakeShopify) -> None:
    list(client_for(shopify).orders_recent(limit=1))

    request = shopify.requests[0]
    assert request.url_path == "/admin/api/2025-01/graphql.json"
    assert request.headers["X-Shopify-Access-Token"] == TOKEN
    assert shopify.operations == ["ListRecentOrders"]
