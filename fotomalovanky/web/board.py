"""The order board: the order list as staff use it all day, sorted by what needs attention.

`ATTENTIONS` declares what needs attention, once. Each entry has its Czech label (the
filter chip), its key in the URL (`?attention=to-print`), its query, the capability of
the staff it is offered to, and the mark its rows carry; its place in the declaration is
its place in the default sort (an order matching several takes the first). Everything
else, the sort, the chips and their counts, the rows' marks, reads the declaration.

Cancelled orders are left out unless the status filter asks for them, and each user
sees only the orders their role may (`permissions.orders_visible`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from fotomalovanky.permissions import (
    VISIBLE_STATUSES,
    AnyUser,
    Capability,
    can,
    orders_visible,
    role_of,
)
from orders.models import LineItem, Order, variant_photo_count
from orders.selectors import order_list
from processing.books import line_items_with_pages, orders_with_books_ready
from processing.selectors import order_failed_work

from .books import copies

Status = Order.Status


@dataclass(frozen=True)
class Hold:
    """One reason an order waits for a staff decision: its query, the same condition on
    one loaded row (the model's property that defines it) and the row's short badge."""

    badge: str
    query: Q
    applies: Callable[[Order], bool]


# Why an order waits for a staff decision, one entry per reason.
HOLD_REASONS: tuple[Hold, ...] = (
    # A change Shopify made after approval ("Použít změny" / "Ponechat"); one that staff
    # kept (`"kept": true`) waits for nobody (`Order.change_pending`).
    Hold(
        "Změna ze Shopify",
        Q(pending_change__isnull=False)
        & ~Q(pending_change={})
        # has_key inside the NOT: a change without "kept" must not make it SQL NULL.
        & ~Q(pending_change__has_key="kept", pending_change__kept=True),
        lambda order: order.change_pending,
    ),
    # The intake checks hold the photos until staff confirm "Generovat i tak"
    # (`Order.hold_waiting`).
    Hold(
        "Kontrola fotek",
        Q(intake_held=True, hold_confirmed_at__isnull=True),
        lambda order: order.hold_waiting,
    ),
)
HOLDS: tuple[Q, ...] = tuple(hold.query for hold in HOLD_REASONS)


def order_held() -> Q:
    held = Q()
    for hold in HOLDS:
        held |= hold
    return held


@dataclass(frozen=True)
class Facts:
    """What attention queries need besides the orders' own rows, read once per board."""

    books_ready: frozenset[int]  # approved orders whose every book is completed and current


@dataclass(frozen=True)
class Attention:
    key: str  # in the URL
    label: str  # the filter chip
    mark: str  # the badge of its rows (left out where the status badge says the same)
    color: str  # of that badge
    capability: Capability  # the filter is offered to staff who can do this
    query: Callable[[Facts], Q]


ATTENTIONS: tuple[Attention, ...] = (
    Attention(
        "errors",
        "Chyby",
        "Chyba",
        "red",
        Capability.OPERATE,
        lambda facts: Q(status=Status.ERROR) | order_failed_work(),
    ),
    Attention(
        "held",
        "Čeká na rozhodnutí",
        "Čeká na rozhodnutí",
        "orange",
        Capability.OPERATE,
        lambda facts: order_held(),
    ),
    Attention(
        "review",
        "Ke kontrole",
        "Ke kontrole",
        "green",
        Capability.OPERATE,
        lambda facts: Q(status=Status.READY_FOR_REVIEW),
    ),
    Attention(
        "no-pdf",
        "Schváleno bez PDF",
        "Bez PDF",
        "yellow",
        Capability.OPERATE,
        lambda facts: Q(status=Status.APPROVED) & ~Q(pk__in=facts.books_ready),
    ),
    Attention(
        "to-print",
        "K tisku",
        "PDF hotové",
        "green",
        Capability.PRINT,
        lambda facts: Q(status=Status.APPROVED, pk__in=facts.books_ready),
    ),
    Attention(
        "to-send",
        "Vytištěno, neodesláno",
        "Vytištěno",
        "blue",
        Capability.PRINT,
        lambda facts: Q(status=Status.PRINTED),
    ),
)
ATTENTION_BY_KEY: Mapping[str, Attention] = {a.key: a for a in ATTENTIONS}
CALM = len(ATTENTIONS)  # the sort place of an order that needs nothing

# The sorts a board offers, by their key in the URL ("" is the default).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Podle potřeby", ("attention_rank", "-created_at", "-pk")),
    "newest": ("Nejnovější", ("-created_at", "-pk")),
}

BOARD_LINE_ITEMS = Prefetch(
    "line_items",
    queryset=line_items_with_pages(LineItem.objects.order_by("position")),
    to_attr="board_line_items",
)


def attentions_for(user: AnyUser | None) -> list[Attention]:
    """The filters offered to `user`: those whose orders they can act on."""
    return [attention for attention in ATTENTIONS if can(user, attention.capability)]


def statuses_for(user: AnyUser | None) -> list[tuple[str, str]]:
    """The status filter's choices: the statuses of orders `user` may see."""
    role = role_of(user)
    visible = VISIBLE_STATUSES[role] if role is not None else frozenset()
    return [
        (value, label) for value, label in Status.choices if visible is None or value in visible
    ]


def board_facts(orders: QuerySet[Order]) -> Facts:
    approved = orders.filter(status=Status.APPROVED)
    return Facts(books_ready=frozenset(orders_with_books_ready(approved)))


def with_attention(orders: QuerySet[Order], facts: Facts) -> QuerySet[Order]:
    """`orders` annotated with `attention_rank`: the place in `ATTENTIONS` of the first
    attention each matches (`CALM` for none), and with their line items' pages."""
    rank = Case(
        *(When(a.query(facts), then=Value(i)) for i, a in enumerate(ATTENTIONS)),
        default=Value(CALM),
        output_field=IntegerField(),
    )
    return orders.annotate(attention_rank=rank).prefetch_related(BOARD_LINE_ITEMS)


def board_order(*, order_id: int) -> Order:
    """One board row's order (for the live push), annotated as the board's rows are."""
    orders = order_list().filter(pk=order_id)
    return with_attention(orders, board_facts(orders)).get()


@dataclass
class Board:
    """One user's board for a request's filters: its orders and its filter chips."""

    user: AnyUser | None
    q: str = ""
    status: str = ""
    attention: str = ""
    sort: str = ""

    @classmethod
    def from_params(cls, user: AnyUser | None, params: Mapping[str, str]) -> Board:
        """The board asked for; unknown or not offered values are dropped, not refused."""
        status, attention, sort = (params.get(name, "") for name in ("status", "attention", "sort"))
        board = cls(user=user, q=params.get("q", ""))
        if status in dict(statuses_for(user)):
            board.status = status
        if attention in {a.key for a in attentions_for(user)}:
            board.attention = attention
        if sort in SORTS:
            board.sort = sort
        return board

    @cached_property
    def base(self) -> QuerySet[Order]:
        """Searched, status-filtered and visible orders, before the attention filter."""
        orders = order_list(q=self.q, status=self.status)
        if self.status != Status.CANCELLED:
            orders = orders.exclude(status=Status.CANCELLED)
        return orders_visible(self.user, orders)

    @cached_property
    def facts(self) -> Facts:
        return board_facts(self.base)

    @cached_property
    def orders(self) -> QuerySet[Order]:
        orders = with_attention(self.base, self.facts)
        if self.attention:
            orders = orders.filter(ATTENTION_BY_KEY[self.attention].query(self.facts))
        return orders.order_by(*SORTS[self.sort][1])

    @cached_property
    def chips(self) -> list[Chip]:
        """ "All", then the offered filters, each with how many orders it would show (in
        one query). An active chip leads back to all."""
        offered = attentions_for(self.user)
        counts = self.base.aggregate(
            all=Count("pk"),
            **{f"n{i}": Count("pk", filter=a.query(self.facts)) for i, a in enumerate(offered)},
        )
        chips = [Chip("Vše", counts["all"], not self.attention, self.query(attention=""))]
        for i, a in enumerate(offered):
            active = a.key == self.attention
            query = self.query(attention="" if active else a.key)
            chips.append(Chip(a.label, counts[f"n{i}"], active, query))
        return chips

    def query(self, **changes: str) -> str:
        """This board's URL query with `changes` (empty values left out)."""
        params = {"q": self.q, "status": self.status, "attention": self.attention}
        params |= {"sort": self.sort, **changes}
        return urlencode({key: value for key, value in params.items() if value})

    @property
    def statuses(self) -> list[tuple[str, str]]:
        return statuses_for(self.user)

    @property
    def sorts(self) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _) in SORTS.items()]

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.attention)


@dataclass(frozen=True)
class Chip:
    label: str
    count: int
    active: bool
    query: str  # where a click leads


def row_attention(order: Order) -> Attention | None:
    """The attention an annotated board row matches first, if any."""
    rank: int = getattr(order, "attention_rank", CALM)
    return ATTENTIONS[rank] if rank < CALM else None


@dataclass(frozen=True)
class BookLine:
    """One line item on a board row: "kniha 1/2 · 8/8 · 3 výtisky"."""

    number: int
    of: int
    pages: int
    expected: int  # the variant's N, else its photos
    copies: str


def book_lines(order: Order) -> list[BookLine]:
    items: list[Any] = getattr(order, "board_line_items", [])
    return [
        BookLine(
            number=n,
            of=len(items),
            pages=item.page_count,
            expected=variant_photo_count(item.variant_title) or item.photo_count,
            copies=copies(item.quantity),
        )
        for n, item in enumerate(items, start=1)
    ]


def hold_badges(order: Order) -> list[str]:
    """Why a board row's order waits for staff ("Kontrola fotek", "Změna ze Shopify")."""
    return [hold.badge for hold in HOLD_REASONS if hold.applies(order)]
