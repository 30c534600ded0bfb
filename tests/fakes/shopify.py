"""A fake Shopify: the Admin GraphQL endpoint and a webhook sender.

The GraphQL fake dispatches on `operationName` (ListRecentOrders, GetOrderDetails),
requires X-Shopify-Access-Token, paginates orders and line items with cursors, and
plays a script of failures: `fail(Reply(...))` answers the next request with that
reply (429 with Retry-After, 5xx, slow answers, dropped connections), `throttle()`
answers with the GraphQL THROTTLED error.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections import deque
from pathlib import Path
from typing import Any

from .server import FakeServer, Reply, Request

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"
API_PATH = "/admin/api/2025-01/graphql.json"
TOKEN = "shpat_test"
LINE_ITEMS_PAGE = 50
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def fixture(name: str, photo_host: str = "https://photos.example.com") -> dict[str, Any]:
    """A JSON fixture with PHOTO_HOST replaced by a photo host's URL."""
    text = (FIXTURES / name).read_text(encoding="utf-8").replace("PHOTO_HOST", photo_host)
    return json.loads(text)


def order_node(
    number: int,
    *,
    created_at: str = "2026-01-20T13:03:00Z",
    updated_at: str | None = None,
    line_items: list[dict[str, Any]] | None = None,
    financial: str | None = "PAID",
    email: str | None = "zakaznik@example.cz",
    customer: dict[str, str] | None = None,
) -> dict[str, Any]:
    shopify_id = 5_000_000_000 + number
    return {
        "id": f"gid://shopify/Order/{shopify_id}",
        "name": f"#{number}",
        "legacyResourceId": str(shopify_id),
        "createdAt": created_at,
        "updatedAt": updated_at or created_at,
        "email": email,
        "displayFinancialStatus": financial,
        "displayFulfillmentStatus": "UNFULFILLED",
        "customer": customer if customer is not None else {"firstName": "Eva", "lastName": "Malá"},
        "shippingLine": {"title": "Zásilkovna"},
        "lineItems": line_items if line_items is not None else [],
    }


def line_item_node(
    item_id: int, photos: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    attributes = [{"key": key, "value": value} for key, value in (photos or {}).items()]
    return {
        "id": f"gid://shopify/LineItem/{item_id}",
        "title": extra.get("title", "Omalovánka z vašich fotek"),
        "variantTitle": extra.get("variantTitle"),
        "quantity": extra.get("quantity", 1),
        "originalUnitPriceSet": {"shopMoney": {"amount": "799.0", "currencyCode": "CZK"}},
        "customAttributes": attributes,
    }


class FakeShopify(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, dict[str, Any]] = {}  # by GID
        self.script: deque[Reply | str] = deque()

    # --- arranging ---

    def add(self, node: dict[str, Any]) -> dict[str, Any]:
        self.orders[node["id"]] = copy.deepcopy(node)
        return self.orders[node["id"]]

    def fail(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def throttle(self, times: int = 1) -> None:
        self.script.extend(["THROTTLED"] * times)

    @property
    def operations(self) -> list[str]:
        return [json.loads(r.body)["operationName"] for r in self.requests if r.body]

    # --- answering ---

    def handle(self, request: Request) -> Reply:
        if request.url_path != API_PATH or request.method != "POST":
            return Reply(404, b'{"errors":"Not Found"}')
        if request.headers.get("X-Shopify-Access-Token") != TOKEN:
            return _json(
                {"errors": INVALID_TOKEN},
                401,
            )
        if self.script:
            scripted = self.script.popleft()
            return _throttled() if scripted == "THROTTLED" else scripted  # type: ignore[return-value]
        body = json.loads(request.body)
        variables = body.get("variables") or {}
        if body.get("operationName") == "ListRecentOrders":
            return _json({"data": {"orders": self._list(variables)}})
        if body.get("operationName") == "GetOrderDetails":
            return _json({"data": {"order": self._details(variables)}})
        return _json({"errors": [{"message": "Unknown operation"}]})

    def _list(self, variables: dict[str, Any]) -> dict[str, Any]:
        nodes = sorted(self.orders.values(), key=lambda n: n["createdAt"], reverse=True)
        nodes = [n for n in nodes if _matches(n, variables.get("query"))]
        start = int(variables.get("after") or 0)
        page = nodes[start : start + int(variables["first"])]
        end = start + len(page)
        return {
            "pageInfo": {"hasNextPage": end < len(nodes), "endCursor": str(end) if page else None},
            "edges": [{"node": _summary(n)} for n in page],
        }

    def _details(self, variables: dict[str, Any]) -> dict[str, Any] | None:
        node = self.orders.get(variables["id"])
        if node is None:
            return None
        items = node["lineItems"]
        start = int(variables.get("lineItemsAfter") or 0)
        page = items[start : start + LINE_ITEMS_PAGE]
        end = start + len(page)
        details = {k: v for k, v in node.items() if k != "lineItems"}
        details["lineItems"] = {
            "pageInfo": {"hasNextPage": end < len(items), "endCursor": str(end) if page else None},
            "edges": [{"node": item} for item in page],
        }
        return details


def _summary(node: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "name",
        "legacyResourceId",
        "createdAt",
        "updatedAt",
        "email",
        "displayFinancialStatus",
        "shippingLine",
    )
    summary = {k: node[k] for k in keys}
    customer = node.get("customer")
    summary["customer"] = (
        {"firstName": customer.get("firstName"), "lastName": customer.get("lastName")}
        if customer
        else None
    )
    return summary


def _matches(node: dict[str, Any], query: str | None) -> bool:
    for term in (query or "").split():
        if term.startswith("created_at:>="):
            if node["createdAt"][:10] < term.removeprefix("created_at:>="):
                return False
        elif term.startswith("name:") and node["name"] != term.removeprefix("name:"):
            return False
    return True


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status, json.dumps(data).encode(), {"Content-Type": "application/json", **(headers or {})}
    )


def _throttled() -> Reply:
    return _json(
        {
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
            "extensions": {
                "cost": {
                    "requestedQueryCost": 152,
                    "throttleStatus": {
                        "maximumAvailable": 2000,
                        "currentlyAvailable": 2,
                        "restoreRate": 100,
                    },
                }
            },
        }
    )


def http_error(status: int, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return _json({"errors": f"HTTP {status}"}, status, headers)


# --- webhooks, signed as Shopify signs them ---


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_headers(
    body: bytes,
    *,
    secret: str,
    topic: str = "orders/create",
    webhook_id: str = "wh-1",
    signature: str | None = None,
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": sign(body, secret) if signature is None else signature,
        "X-Shopify-Topic": topic,
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Shop-Domain": "fotomalovanky.myshopify.com",
        "X-Shopify-API-Version": "2025-01",
    }
