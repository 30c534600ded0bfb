"""Orders: list, detail, one image of an order, re-sync and the batch import."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from orders.models import Order
from shopify_sync.errors import ShopifyPermanentError
from shopify_sync.services import order_sync_enqueue, orders_fetch_enqueue

from . import selectors
from .auth import OPERATE, VIEW, actor, caller
from .params import ImageId, OrderNumber
from .schemas import ImageOut, OrderDetailOut, OrderListOut, StatusOut, responses

router = Router(tags=["orders"])

MAX_SKIP = 2**31 - 1


@router.get("/orders", auth=VIEW, response=responses(OrderListOut, 422), summary="List orders")
def order_list(
    request: HttpRequest,
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    status: Order.Status | None = None,
) -> dict[str, object]:
    """Newest first; `total` counts every order that matches `status`."""
    orders, total = selectors.order_page(
        skip=skip, limit=limit, status=status, user=caller(request)
    )
    return {"orders": orders, "total": total}


# Registered before /orders/{order_number}/…: "fetch-from-shopify" is not an order number.
@router.post(
    "/orders/fetch-from-shopify",
    auth=OPERATE,
    response=responses(StatusOut, 422),
    summary="Import orders",
)
def orders_fetch(
    request: HttpRequest, limit: Annotated[int, Query(ge=1, le=250)] = 20
) -> dict[str, str]:
    """Queue the import of the newest `limit` orders from Shopify; answers at once."""
    orders_fetch_enqueue(limit=limit, actor=actor(request))
    return {"status": "queued", "message": f"Načítání posledních {limit} objednávek ze Shopify."}


@router.get(
    "/orders/{order_number}", auth=VIEW, response=responses(OrderDetailOut, 404), summary="Order"
)
def order_detail(request: HttpRequest, order_number: OrderNumber) -> Order:
    """The order with its line items, their photos and every version of each."""
    return selectors.order_detail_get(number=order_number, user=caller(request))


@router.get(
    "/orders/{order_number}/images/{image_id}",
    auth=VIEW,
    response=responses(ImageOut, 404),
    summary="One photo of an order",
)
def order_image(request: HttpRequest, order_number: OrderNumber, image_id: ImageId) -> object:
    user = caller(request)
    return selectors.order_image_get(number=order_number, image_id=image_id, user=user)


@router.post(
    "/orders/{order_number}/sync",
    auth=OPERATE,
    response=responses(StatusOut, 400, 404),
    summary="Re-sync an order",
)
def order_sync(request: HttpRequest, order_number: OrderNumber) -> dict[str, str]:
    """Queue a fresh copy of the order from Shopify (line items, photos, metadata).

    400 with the reason when it cannot be: an order that does not come from Shopify (a
    manual order, `#M…`), or Shopify is not configured."""
    order = selectors.order_get(number=order_number)
    try:
        order_sync_enqueue(order=order, actor=actor(request))
    except ShopifyPermanentError as exc:
        raise HttpError(400, str(exc)) from exc
    return {
        "status": "queued",
        "message": f"Objednávka {order.order_number} se synchronizuje ze Shopify.",
    }
