"""The only module that calls Shopify: the Admin GraphQL API through gql.

Every call has explicit timeouts. Transient failures (network, HTTP 429 and 5xx, the
GraphQL THROTTLED error) are retried here with exponential backoff, honouring Shopify's
Retry-After or its query-cost restore rate; what still fails is raised as
ShopifyTransientError so the calling Celery task can retry later. Permanent failures
(401/403, a wrong store URL, a malformed answer) are raised at once as
ShopifyPermanentError with one sentence naming what to fix.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import (
    TransportError,
    TransportProtocolError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.requests import RequestsHTTPTransport

from .errors import (
    ShopifyAuthError,
    ShopifyError,
    ShopifyNotFoundError,
    ShopifyPermanentError,
    ShopifyTransientError,
    ShopifyUserError,
)
from .schemas import (
    FulfillmentOrderData,
    LineItemData,
    OrderData,
    OrdersPage,
    fulfillment_order_from_graphql,
    line_item_from_graphql,
    order_from_graphql,
)

QUERIES = Path(__file__).resolve().parent / "queries"
LIST_RECENT_ORDERS = gql((QUERIES / "list_recent_orders.graphql").read_text())
GET_ORDER_DETAILS = gql((QUERIES / "get_order_details.graphql").read_text())
GET_FULFILLMENT_ORDERS = gql((QUERIES / "get_fulfillment_orders.graphql").read_text())
CREATE_FULFILLMENT = gql((QUERIES / "create_fulfillment.graphql").read_text())
PAGE_SIZE_MAX = 250  # Shopify's limit for `first`


class _Transport(RequestsHTTPTransport):
    """gql's requests transport, but an HTTP error status always wins over the body.

    Shopify answers 401 and 429 with a JSON body `{"errors": "..."}`, which stock gql
    would report as a GraphQL error and so lose the status code we classify by.
    """

    def _prepare_result(self, response: Any) -> Any:
        self.response_headers = response.headers
        self._raise_transport_server_error_if_status_more_than_400(response)
        return super()._prepare_result(response)


class ShopifyClient:
    def __init__(
        self,
        *,
        store_url: str,
        access_token: str,
        api_version: str,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_attempts: int = 4,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        page_size: int = PAGE_SIZE_MAX,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = f"{store_url.rstrip('/')}/admin/api/{api_version}/graphql.json"
        self.transport = _Transport(
            url=self.url,
            headers={"X-Shopify-Access-Token": access_token},
            timeout=timeout,  # type: ignore[arg-type]  # requests takes (connect, read)
            retries=0,
        )
        self.gql = Client(transport=self.transport, fetch_schema_from_transport=False)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.page_size = page_size
        self.sleep = sleep

    # Reference: https://shopify.dev/docs/api/admin-graphql/2025-01/queries/orders
    def orders_list(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> OrdersPage:
        """One page of orders, newest first, optionally filtered by Shopify's search syntax."""
        data = self._execute(
            LIST_RECENT_ORDERS,
            {"first": first, "after": after, "query": query},
            "ListRecentOrders",
        )
        connection = data["orders"]
        return OrdersPage(
            orders=tuple(order_from_graphql(edge["node"]) for edge in connection["edges"]),
            has_next_page=bool(connection["pageInfo"]["hasNextPage"]),
            end_cursor=connection["pageInfo"].get("endCursor"),
        )

    def orders_recent(self, *, limit: int, query: str | None = None) -> Iterator[OrderData]:
        """Up to `limit` orders, newest first, following Shopify's cursors across pages."""
        after, remaining = None, limit
        while remaining > 0:
            page = self.orders_list(first=min(remaining, self.page_size), after=after, query=query)
            yield from page.orders[:remaining]
            remaining -= len(page.orders)
            if not page.has_next_page or not page.orders:
                return
            after = page.end_cursor

    # Reference: https://shopify.dev/docs/api/admin-graphql/2025-01/queries/order
    def order_get(self, shopify_id: int) -> OrderData:
        """One order with every line item (50 a page, all pages). Raises ShopifyNotFoundError."""
        variables: dict[str, Any] = {"id": f"gid://shopify/Order/{shopify_id}"}
        items: list[LineItemData] = []
        while True:
            node = self._execute(GET_ORDER_DETAILS, variables, "GetOrderDetails")["order"]
            if node is None:
                raise ShopifyNotFoundError(f"Shopify has no order with id {shopify_id}.")
            connection = node["lineItems"]
            items.extend(line_item_from_graphql(edge["node"]) for edge in connection["edges"])
            if not connection["pageInfo"]["hasNextPage"]:
                return order_from_graphql(node, tuple(items))
            variables["lineItemsAfter"] = connection["pageInfo"]["endCursor"]

    # Reference: https://shopify.dev/docs/api/admin-graphql/2025-01/objects/FulfillmentOrder
    def fulfillment_orders_get(self, shopify_id: int) -> tuple[FulfillmentOrderData, ...]:
        """The order's fulfillment orders that the token's scopes let us see.

        Raises ShopifyNotFoundError when Shopify has no such order.
        """
        variables = {"id": f"gid://shopify/Order/{shopify_id}"}
        node = self._execute(GET_FULFILLMENT_ORDERS, variables, "GetFulfillmentOrders")["order"]
        if node is None:
            raise ShopifyNotFoundError(f"Shopify has no order with id {shopify_id}.")
        nodes = node["fulfillmentOrders"]["nodes"]
        return tuple(fulfillment_order_from_graphql(fo) for fo in nodes)

    # Reference: https://shopify.dev/docs/api/admin-graphql/2025-01/mutations/fulfillmentCreateV2
    def fulfillment_create(
        self,
        *,
        fulfillment_orders: Sequence[FulfillmentOrderData],
        tracking_number: str = "",
        carrier: str = "",
        notify_customer: bool = True,
    ) -> str:
        """Fulfil what remains of `fulfillment_orders` (one location); the fulfillment's GID.

        Sent once, without the retries of `_execute`: after a timeout or a dropped
        connection we cannot know whether Shopify created the fulfilment, so the caller
        reads the fulfillment orders again before trying anew. Raises ShopifyUserError
        with Shopify's messages when it refuses (userErrors).
        """
        variables = {
            "fulfillment": fulfillment_input(
                fulfillment_orders, tracking_number, carrier, notify_customer
            )
        }
        payload = self._execute_once(CREATE_FULFILLMENT, variables, "CreateFulfillment")[
            "fulfillmentCreateV2"
        ]
        errors = tuple(str(e.get("message") or e) for e in payload.get("userErrors") or [])
        if errors:
            raise ShopifyUserError(errors)
        if not (payload.get("fulfillment") or {}).get("id"):
            raise ShopifyPermanentError("Shopify answered without the new fulfillment's id.")
        return str(payload["fulfillment"]["id"])

    def _execute(
        self, document: GraphQLRequest, variables: Mapping[str, Any], operation: str
    ) -> dict[str, Any]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._execute_once(document, variables, operation)
            except ShopifyTransientError as exc:
                if attempt == self.max_attempts:
                    raise
                self.sleep(self._delay(attempt, exc.retry_after))
        raise AssertionError("unreachable")

    def _execute_once(
        self, document: GraphQLRequest, variables: Mapping[str, Any], operation: str
    ) -> dict[str, Any]:
        request = GraphQLRequest(
            document, variable_values=dict(variables), operation_name=operation
        )
        try:
            return self.gql.execute(request)
        except (TransportError, OSError) as exc:
            raise self._map_error(exc) from exc

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        backoff = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security

    def _map_error(self, exc: Exception) -> ShopifyError:
        headers: Mapping[str, str] = self.transport.response_headers or {}
        if isinstance(exc, TransportServerError):
            return http_error(exc.code, headers, self.url)
        if isinstance(exc, TransportQueryError):
            return query_error(exc)
        if isinstance(exc, TransportProtocolError):
            return ShopifyPermanentError(
                f"Shopify's answer at {self.url} was not GraphQL: check SHOPIFY_STORE_URL."
            )
        return ShopifyTransientError(f"Shopify is unreachable at {self.url}: {exc}")


def fulfillment_input(
    fulfillment_orders: Sequence[FulfillmentOrderData],
    tracking_number: str,
    carrier: str,
    notify_customer: bool,
) -> dict[str, Any]:
    """FulfillmentV2Input: every line with its remaining quantity, tracking when known."""
    groups = []
    for fo in fulfillment_orders:
        group: dict[str, Any] = {"fulfillmentOrderId": fo.id}
        if not fo.lines_truncated:  # else Shopify fulfils every line of it (none listed)
            group["fulfillmentOrderLineItems"] = [
                {"id": line.id, "quantity": line.remaining_quantity}
                for line in fo.lines
                if line.remaining_quantity > 0
            ]
        groups.append(group)
    data: dict[str, Any] = {
        "notifyCustomer": notify_customer,
        "lineItemsByFulfillmentOrder": groups,
    }
    tracking = {
        key: value for key, value in (("number", tracking_number), ("company", carrier)) if value
    }
    if tracking:
        data["trackingInfo"] = tracking
    return data


def http_error(code: int | None, headers: Mapping[str, str], url: str) -> ShopifyError:
    """Classify an HTTP error status from Shopify."""
    if code in (401, 403):
        return ShopifyAuthError(
            f"Shopify refused the access token (HTTP {code}): check SHOPIFY_ACCESS_TOKEN "
            "and that the app has the read_orders scope."
        )
    if code == 429:
        return ShopifyTransientError(
            "Shopify rate-limited us (HTTP 429).", retry_after=retry_after_seconds(headers)
        )
    if code is None or code >= 500:
        return ShopifyTransientError(f"Shopify had a server error (HTTP {code}).")
    return ShopifyPermanentError(
        f"Shopify answered HTTP {code} at {url}: check SHOPIFY_STORE_URL and SHOPIFY_API_VERSION."
    )


def query_error(exc: TransportQueryError) -> ShopifyError:
    """GraphQL-level errors: THROTTLED is transient (like 429), anything else permanent."""
    errors = exc.errors or []
    throttled = [e for e in errors if (e.get("extensions") or {}).get("code") == "THROTTLED"]
    if throttled:
        return ShopifyTransientError(
            "Shopify throttled the query (THROTTLED).", retry_after=throttle_wait(exc)
        )
    messages = "; ".join(str(e.get("message", e)) for e in errors) or str(exc)
    return ShopifyPermanentError(f"Shopify rejected the query: {messages}")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except ValueError:
        return None


def throttle_wait(exc: TransportQueryError) -> float | None:
    """Seconds until the query's cost is restored, from Shopify's throttleStatus."""
    cost = (exc.extensions or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        missing = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.0, missing / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def settings_check() -> None:
    """Raise ShopifyPermanentError naming the first missing Shopify setting."""
    for name in ("SHOPIFY_STORE_URL", "SHOPIFY_ACCESS_TOKEN"):
        if not getattr(settings, name):
            raise ShopifyPermanentError(f"{name} is not set: Shopify cannot be reached without it.")


def get_client() -> ShopifyClient:
    """The client for the configured shop. Raises ShopifyPermanentError naming a missing setting."""
    settings_check()
    return _client_for(
        settings.SHOPIFY_STORE_URL,
        settings.SHOPIFY_ACCESS_TOKEN,
        settings.SHOPIFY_API_VERSION,
        settings.SHOPIFY_RETRY_BASE_DELAY,
    )


@lru_cache(maxsize=4)
def _client_for(store_url: str, token: str, version: str, base_delay: float) -> ShopifyClient:
    # Cached per configuration, so a changed setting (tests, reconfiguration) gets its own.
    return ShopifyClient(
        store_url=store_url, access_token=token, api_version=version, base_delay=base_delay
    )
