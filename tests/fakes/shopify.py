"""A fake Shopify: the Admin GraphQL endpoint and a webhook sender.

The GraphQL fake dispatches on `operationName` (ListRecentOrders, GetOrderDetails,
GetFulfillmentOrders, CreateFulfillment), requires X-Shopify-Access-Token, paginates
orders and line items with cursors, filters the list by `created_at:>=`, `updated_at:>=`
and `name:` as Shopify's search does, and plays a script of failures: `fail(Reply(...))`
answers the next request with that reply (429 with Retry-After, 5xx, slow answers,
dropped connections), `throttle()` answers with the GraphQL THROTTLED error; with
`operation=` either waits for the next request of that operation.

Fulfilments: `add_fulfillment_orders(order_gid, ...)` gives an order its fulfillment
orders; CreateFulfillment checks its input as Shopify does (open fulfillment orders of
one location, quantities within what remains), closes what it fulfilled, and records
its `fulfillment` variable in `fulfillments`; `reject_fulfillment(message)` answers the
next one with userErrors.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections import deque
from datetime import datetime
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
    cancelled_at: str | None = None,
) -> dict[str, Any]:
    shopify_id = 5_000_000_000 + number
    return {
        "cancelledAt": cancelled_at,
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


def fulfillment_order_node(
    number: int,
    lines: list[tuple[int, int]],
    *,
    status: str = "OPEN",
    location: int = 1,
) -> dict[str, Any]:
    """A fulfillment order: `lines` are (fulfillment order line item number, remaining)."""
    return {
        "id": f"gid://shopify/FulfillmentOrder/{number}",
        "status": status,
        "assignedLocation": {"location": {"id": f"gid://shopify/Location/{location}"}},
        "lineItems": [
            {"id": f"gid://shopify/FulfillmentOrderLineItem/{line}", "remainingQuantity": left}
            for line, left in lines
        ],
    }


class FakeShopify(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, dict[str, Any]] = {}  # by GID
        self.script: deque[Reply | str] = deque()
        self.operation_script: dict[str, deque[Reply | str]] = {}
        self.fulfillment_orders: dict[str, list[dict[str, Any]]] = {}  # by order GID
        self.fulfillments: list[dict[str, Any]] = []  # CreateFulfillment's accepted input

    # --- arranging ---

    def add(self, node: dict[str, Any]) -> dict[str, Any]:
        self.orders[node["id"]] = copy.deepcopy(node)
        return self.orders[node["id"]]

    def fail(self, *replies: Reply, operation: str | None = None) -> None:
        self._script_for(operation).extend(replies)

    def throttle(self, times: int = 1, operation: str | None = None) -> None:
        self._script_for(operation).extend(["THROTTLED"] * times)

    def add_fulfillment_orders(self, order_gid: str, *nodes: dict[str, Any]) -> None:
        self.fulfillment_orders.setdefault(order_gid, []).extend(copy.deepcopy(nodes))

    def reject_fulfillment(self, *messages: str) -> None:
        payload = {"fulfillment": None, "userErrors": [_user_error(m) for m in messages]}
        self._script_for("CreateFulfillment").append(
            _json({"data": {"fulfillmentCreateV2": payload}})
        )

    def _script_for(self, operation: str | None) -> deque[Reply | str]:
        if operation is None:
            return self.script
        return self.operation_script.setdefault(operation, deque())

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
        body = json.loads(request.body)
        operation = body.get("operationName")
        script = self.script or self.operation_script.get(operation)
        if script:
            scripted = script.popleft()
            return _throttled() if scripted == "THROTTLED" else scripted  # type: ignore[return-value]
        variables = body.get("variables") or {}
        if operation == "ListRecentOrders":
            return _json({"data": {"orders": self._list(variables)}})
        if operation == "GetOrderDetails":
            return _json({"data": {"order": self._details(variables)}})
        if operation == "GetFulfillmentOrders":
            return _json({"data": {"order": self._fulfillment_orders(variables["id"])}})
        if operation == "CreateFulfillment":
            return _json({"data": {"fulfillmentCreateV2": self._fulfil(variables["fulfillment"])}})
        return _json({"errors": [{"message": "Unknown operation"}]})

    def _fulfillment_orders(self, order_gid: str) -> dict[str, Any] | None:
        if order_gid not in self.orders and order_gid not in self.fulfillment_orders:
            return None
        nodes = [
            {
                **fo,
                "lineItems": {
                    "pageInfo": {"hasNextPage": len(fo["lineItems"]) > 50},
                    "nodes": fo["lineItems"][:50],
                },
            }
            for fo in self.fulfillment_orders.get(order_gid, [])[:10]
        ]
        return {"id": order_gid, "fulfillmentOrders": {"nodes": nodes}}

    def _fulfil(self, fulfillment: dict[str, Any]) -> dict[str, Any]:
        """fulfillmentCreateV2 as Shopify answers it, with its userErrors' wording."""
        known = {fo["id"]: fo for fos in self.fulfillment_orders.values() for fo in fos}
        groups = fulfillment["lineItemsByFulfillmentOrder"]
        targets = [known.get(group["fulfillmentOrderId"]) for group in groups]
        if None in targets:
            return _refused("Fulfillment order does not exist.")
        if any(fo["status"] not in ("OPEN", "IN_PROGRESS") for fo in targets):  # type: ignore[index]
            return _refused("Fulfillment order is not in an open state.")
        if len({fo["assignedLocation"]["location"]["id"] for fo in targets}) > 1:  # type: ignore[index]
            return _refused("Fulfillment orders must belong to the same location.")
        before = copy.deepcopy(self.fulfillment_orders)
        for group, fo in zip(groups, targets, strict=True):
            error = _take(fo, group.get("fulfillmentOrderLineItems"))  # type: ignore[arg-type]
            if error:
                self.fulfillment_orders = before  # all or nothing, as in Shopify
                return _refused(error)
        self.fulfillments.append(copy.deepcopy(fulfillment))
        gid = f"gid://shopify/Fulfillment/{len(self.fulfillments)}"
        return {"fulfillment": {"id": gid, "status": "SUCCESS"}, "userErrors": []}

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


def _take(fo: dict[str, Any], lines: list[dict[str, Any]] | None) -> str | None:
    """Fulfil `lines` of `fo` (all of it when None); Shopify's error, or None."""
    remaining = {line["id"]: line for line in fo["lineItems"]}
    wanted = (
        lines
        if lines is not None
        else [{"id": i, "quantity": line["remainingQuantity"]} for i, line in remaining.items()]
    )
    for item in wanted:
        line = remaining.get(item["id"])
        if line is None or not 0 < item["quantity"] <= line["remainingQuantity"]:
            return "Invalid fulfillment order line item quantity requested."
    for item in wanted:
        remaining[item["id"]]["remainingQuantity"] -= item["quantity"]
    if all(line["remainingQuantity"] == 0 for line in fo["lineItems"]):
        fo["status"] = "CLOSED"
    return None


def _user_error(message: str) -> dict[str, Any]:
    return {"field": ["fulfillment"], "message": message}


def _refused(message: str) -> dict[str, Any]:
    return {"fulfillment": None, "userErrors": [_user_error(message)]}


def _summary(node: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "name",
        "legacyResourceId",
        "createdAt",
        "updatedAt",
        "cancelledAt",
        "email",
        "displayFinancialStatus",
        "shippingLine",
    )
    summary = {k: node.get(k) for k in keys}
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
        elif term.startswith("updated_at:>="):
            # Shopify's quoted timestamp: compared to the second, as Shopify does.
            since = _instant(term.removeprefix("updated_at:>=").strip("'\""))
            if _instant(node["updatedAt"]) < since:
                return False
        elif term.startswith("name:") and node["name"] != term.removeprefix("name:"):
            return False
    return True


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


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
