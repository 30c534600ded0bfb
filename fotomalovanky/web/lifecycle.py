"""The order's lifecycle on its page: approve, printed, sent, undo, and Shopify's change.

Thin htmx POSTs (CSRF-checked) that call one service each and answer like the other
order actions (`actions.outcome`: a banner and the refreshed order header, which holds
the lifecycle panel). The panel itself (`lifecycle_panel`) shows only the buttons the
user's role may use; a panel pushed over the WebSocket has no user, so it asks for its
own copy (`lifecycle_panel_view`) as soon as it arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from fotomalovanky.permissions import (
    AnyUser,
    Capability,
    can,
    forbidden,
    order_get_visible,
    requires,
)
from orders.errors import OrdersError
from orders.models import Order, OrderEvent
from orders.services.lifecycle import (
    STEP_FROM,
    LifecycleForbidden,
    order_mark_printed,
    order_mark_sent,
    order_step_undo,
    step_allowed,
    step_to_undo,
)
from processing.books import books_readiness, order_books
from processing.services import order_approve
from shopify_sync import services as shopify
from shopify_sync.errors import ShopifyError

from .actions import actor, outcome
from .cards import OrderCards
from .views import HtmxHttpRequest

HISTORY_LIMIT = 50
# The button of each step, by the step's name.
STEP_BUTTONS = {
    "approve": ("orders:approve", "Schválit objednávku"),
    "print": ("orders:mark-printed", "Označit jako vytištěné"),
    "send": ("orders:mark-sent", "Označit jako odeslané"),
}


def lifecycle_panel(
    order: Order, user: AnyUser | None, detail: OrderCards | None = None
) -> dict[str, Any]:
    """What templates/orders/partials/lifecycle.html shows; `user` None: no buttons (a
    WebSocket push, which then fetches the user's own panel). With the page's `detail`
    the books are read from the rows it loaded (one query in all: the history)."""
    step = STEP_FROM.get(order.status)
    undo = step_to_undo(order.status)
    history = OrderEvent.objects.filter(order=order).exclude(to_status="")[:HISTORY_LIMIT]
    books = (
        books_readiness(item.line_item for item in detail.line_items)
        if detail is not None
        else order_books(order.pk)
    )
    return {
        "order": order,
        "books": books,
        "history": list(history),
        "personal": user is not None,
        "step": step,
        "step_button": STEP_BUTTONS[step.name] if step else None,
        "can_step": bool(user and step and step_allowed(user, step)),
        "undo": undo,
        "can_undo": bool(user and undo and step_allowed(user, undo)),
        "change": order.pending_change if order.change_pending and not _cancelled(order) else None,
        "can_decide": bool(user and can(user, Capability.OPERATE)),
    }


def _cancelled(order: Order) -> bool:
    return order.status == Order.Status.CANCELLED


def _visible_order(request: HtmxHttpRequest, number: str) -> Order:
    """The order, if the user's role may see it (a printer: approved and later)."""
    return order_get_visible(request.user, number)


@require_GET
@requires(Capability.VIEW)
def lifecycle_panel_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    order = _visible_order(request, number)
    context = lifecycle_panel(order, request.user)
    return render(request, "orders/partials/lifecycle.html", {"lifecycle": context})


def _lifecycle_action(
    request: HtmxHttpRequest, number: str, service: Callable[[Order], object], ok: str
) -> HttpResponse:
    order = _visible_order(request, number)
    try:
        service(order)
    except LifecycleForbidden:
        return forbidden(request)
    except (OrdersError, ShopifyError) as exc:
        return outcome(request, order, "error", str(exc))
    return outcome(request, order, "success", ok)


def _note(request: HtmxHttpRequest) -> str:
    return request.POST.get("note", "")


@require_POST
@requires(Capability.OPERATE)
def order_approve_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _lifecycle_action(
        request,
        number,
        lambda order: order_approve(order=order, user=request.user, note=_note(request)),
        "Objednávka schválena.",
    )


@require_POST
@requires(Capability.PRINT)
def order_mark_printed_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _lifecycle_action(
        request,
        number,
        lambda order: order_mark_printed(order=order, user=request.user, note=_note(request)),
        "Objednávka označena jako vytištěná.",
    )


@require_POST
@requires(Capability.OPERATE)
def order_mark_sent_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    def send(order: Order) -> None:
        order_mark_sent(
            order=order,
            user=request.user,
            tracking_number=request.POST.get("tracking_number", ""),
            carrier=request.POST.get("carrier", ""),
            note=_note(request),
        )

    return _lifecycle_action(request, number, send, "Objednávka označena jako odeslaná.")


@require_POST
@requires(Capability.PRINT)
def order_undo_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    """Printers may undo "printed" only; the service refuses them the other steps (403)."""
    return _lifecycle_action(
        request,
        number,
        lambda order: order_step_undo(order=order, user=request.user, note=_note(request)),
        "Poslední krok vrácen zpět.",
    )


@require_POST
@requires(Capability.OPERATE)
def order_change_apply_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _lifecycle_action(
        request,
        number,
        lambda order: shopify.order_change_apply(order=order, actor=actor(request)),
        "Změny ze Shopify použity, objednávka se vrací ke kontrole.",
    )


@require_POST
@requires(Capability.OPERATE)
def order_change_keep_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    return _lifecycle_action(
        request,
        number,
        lambda order: shopify.order_change_keep(order=order, actor=actor(request)),
        "Změny ze Shopify ponechány bez použití.",
    )
