"""The only module that talks to the channel layer: live events after commit.

JSON events (the seed's names and payloads) go to the `events` group, which the API's
`/ws/events/` consumer joins:

    {"type": "list_update"}
    {"type": "order_update", "order_number": "1270"}
    {"type": "image_status", "order_number": "1270", "image_id": 123,
     "status_type": "coloring"|"svg", "version_id": 456, "status": "runpod_processing"}
    {"type": "book_status", "order_number": "1270", "line_item_id": 7, "version_id": 3,
     "status": "processing"}

HTML fragments for the staff pages go to `orders` (the list) and `order-<id>` (one
order's detail page), each once per role that may see the order (`role_fragments`):
operators' sockets join the plain groups, printers' `orders-printer` and
`order-<id>-printer`, so a printer receives neither rows of orders they cannot see nor
buttons they cannot use. The receivers below turn the domain's signals into both:
`orders.signals.order_changed` and `processing.signals.version_changed`, whose fragment
(the version's parent, re-rendered) is chosen by kind in `PARENT_FRAGMENTS`.

Sending never raises: a live update that cannot be delivered (Redis down) is logged,
and pages re-fetch their state when their socket reconnects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import receiver
from django.template.loader import render_to_string

from fotomalovanky.permissions import Role, capabilities, status_visible
from orders.models import Image, Order
from orders.selectors import order_list
from orders.signals import order_changed
from processing.signals import version_changed

from .board import board_order
from .books import book_panel
from .cards import card_context, image_card, order_cards
from .review import review_fragments

logger = logging.getLogger(__name__)

EVENTS_GROUP = "events"
LIST_GROUP = "orders"


def order_group(order_id: int) -> str:
    return f"order-{order_id}"


def role_group(group: str, role: Role) -> str:
    """The group of `role`'s sockets among those of `group` (operators: `group` itself)."""
    return group if role is Role.OPERATOR else f"{group}-{role}"


Message = tuple[str, dict[str, Any]]  # (group, message)
# Renders a fragment for one role's capabilities (the templates' `can`).
Render = Callable[[dict[str, bool]], str]


def send_all(messages: list[Message]) -> None:
    """Send a change's messages in one go: one event loop and one Redis connection
    (channels-redis keeps its pools per loop), not one of each per message."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send() -> None:
        for group, message in messages:
            await layer.group_send(group, message)

    try:
        async_to_sync(send)()
    except Exception:  # live updates are best effort, see the module docstring
        logger.warning("Could not send %d live messages", len(messages), exc_info=True)


def json_event(payload: dict[str, Any]) -> Message:
    return EVENTS_GROUP, {"type": "event.json", "event": payload}


def html_fragment(group: str, html: str) -> Message:
    return group, {"type": "html.fragment", "html": html}


def role_fragments(group: str, status: str, render: Render) -> list[Message]:
    """The fragment for each role that sees an order in `status`, rendered with that
    role's capabilities, to that role's sockets of `group`."""
    return [
        html_fragment(role_group(group, role), render(capabilities(role)))
        for role in Role
        if status_visible(role, status)
    ]


@receiver(order_changed, dispatch_uid="fotomalovanky.web.live.order_changed")
def order_changed_broadcast(
    sender: object, order_id: int, order_number: str, created: bool = False, **kwargs: Any
) -> None:
    messages = [
        json_event({"type": "order_update", "order_number": order_number}),
        json_event({"type": "list_update"}),
    ]
    try:
        messages += _order_fragments(order_id, created)
    except Exception:  # a page fragment that fails to render must not stop the events
        logger.exception("Could not render the live fragments of order %s", order_id)
    send_all(messages)


def _order_fragments(order_id: int, created: bool) -> list[Message]:
    order = order_list().get(pk=order_id)

    def row(can: dict[str, bool]) -> str:
        if created:
            # Each open list re-fetches its own page, search and filter (static/js/live.js).
            return f'<div id="orders-signal" hidden data-order="{order_id}"></div>'
        # The board's own row, annotated as the board's rows are (fotomalovanky.web.board).
        context = {"order": board_order(order_id=order_id), "can": can}
        return render_to_string("orders/order_list.html#order-row", context)

    detail = order_cards(order=order)
    context = {"order": order, "detail": detail}
    # The photos' intake findings change with the order (the checks judge the photo set
    # as a whole), so each card's findings ride along, swapped by id like the header.
    findings = "".join(
        render_to_string("orders/partials/card_findings.html", {"card": card})
        for card in detail.cards
    )

    def header(can: dict[str, bool]) -> str:
        html = render_to_string("orders/order_detail.html#order-header", {**context, "can": can})
        return html + findings

    return [
        *role_fragments(LIST_GROUP, order.status, row),
        *role_fragments(order_group(order_id), order.status, header),
    ]


def _image_card(image_id: int) -> Render:
    context = card_context(image_card(image_id=image_id))
    return lambda can: render_to_string("orders/partials/image_card.html", {**context, "can": can})


def _book_panel(line_item_id: int) -> Render:
    context = {"book": book_panel(line_item_id=line_item_id)}
    return lambda can: render_to_string("orders/partials/book_panel.html", {**context, "can": can})


def _svg_fragments(image_id: int) -> Render:
    # A new or chosen SVG also changes whether the photo's book can be built, or is stale.
    line_item_id = Image.objects.values_list("line_item_id", flat=True).get(pk=image_id)
    card, book = _image_card(image_id), _book_panel(line_item_id)
    return lambda can: card(can) + book(can)


def _coloring_fragments(image_id: int) -> Render:
    # A page's status or verdict also changes the review workspace's panel and progress
    # (operators' only: a printer has no review workspace).
    card, review = _image_card(image_id), review_fragments(image_id)
    return lambda can: card(can) + (review if can["operate"] else "")


# What a version change re-renders, by kind: the fragment of the version's parent row
# (its context read once, rendered for each role that sees the order).
# A kind without an entry still gets its JSON event out.
PARENT_FRAGMENTS: dict[str, Callable[[int], Render]] = {
    "coloring": _coloring_fragments,
    "svg": _svg_fragments,
    "book": _book_panel,
}


@receiver(version_changed, dispatch_uid="fotomalovanky.web.live.version_changed")
def version_changed_broadcast(
    sender: object,
    kind: str,
    order_id: int,
    parent_id: int,
    event: dict[str, Any],
    **kwargs: Any,
) -> None:
    """Send the version's JSON event and its parent's fragment (a photo's card)."""
    messages = []
    fragment = PARENT_FRAGMENTS.get(kind)
    try:
        if fragment is not None:
            status = Order.objects.values_list("status", flat=True).get(pk=order_id)
            messages += role_fragments(order_group(order_id), status, fragment(parent_id))
    except Exception:  # as above: the JSON event still goes out
        logger.exception("Could not render the %s fragment of %s", kind, parent_id)
    messages.append(json_event(event))
    send_all(messages)
