"""Who may do what: the two staff roles, enforced on the server for every route.

Every page, htmx action, stored file, API endpoint and WebSocket asks this module, never
`is_staff` or a group name of its own. A role is a Django group with one of the two
permissions on `orders.Order` (created by the data migration `orders/0006_roles`);
superusers hold every permission and are therefore operators.

- *operator*: everything.
- *printer*: sees approved and later orders, downloads their PDFs and ZIPs, and marks
  them printed. Never generates, selects, approves, nor sees settings, costs or the
  webhook inbox.

A staff member with neither permission has no role and is refused like a non-staff user.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, PermissionsMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase

from orders.models import Order
from orders.selectors import order_get_by_number

OPERATE_PERMISSION = "orders.operate_orders"
PRINT_PERMISSION = "orders.print_orders"

AnyUser = AbstractBaseUser | AnonymousUser


class Role(enum.StrEnum):
    OPERATOR = "operator"
    PRINTER = "printer"


class Capability(enum.StrEnum):
    """What a route needs. Each route asks for exactly one."""

    VIEW = "view"  # see orders (a printer only approved and later ones) and their files
    PRINT = "print"  # download books and ZIPs, mark printed (and undo that)
    OPERATE = "operate"  # everything else: generate, select, review, approve, send, settings


# The group of each role (the data migration creates them with these names).
ROLE_GROUPS = {Role.OPERATOR: "Operátor", Role.PRINTER: "Tiskař"}

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.OPERATOR: frozenset(Capability),
    Role.PRINTER: frozenset({Capability.VIEW, Capability.PRINT}),
}

# The orders each role sees; None: all of them.
VISIBLE_STATUSES: dict[Role, frozenset[str] | None] = {
    Role.OPERATOR: None,
    Role.PRINTER: frozenset({Order.Status.APPROVED, Order.Status.PRINTED, Order.Status.SENT}),
}

FORBIDDEN = "K této akci nemáte oprávnění."


def role_of(user: AnyUser | None) -> Role | None:
    """The user's role, or None for anonymous, inactive, non-staff or role-less users."""
    # Anonymous users hold no PermissionsMixin; `is_staff` is on Django's User.
    if not isinstance(user, PermissionsMixin) or not user.is_authenticated:
        return None
    if not user.is_active or not getattr(user, "is_staff", False):
        return None
    if user.has_perm(OPERATE_PERMISSION):
        return Role.OPERATOR
    if user.has_perm(PRINT_PERMISSION):
        return Role.PRINTER
    return None


def can(user: AnyUser | None, capability: Capability) -> bool:
    role = role_of(user)
    return role is not None and capability in CAPABILITIES[role]


def orders_visible(user: AnyUser | None, orders: QuerySet[Order]) -> QuerySet[Order]:
    """`orders` narrowed to those the user may see (none without a role)."""
    role = role_of(user)
    if role is None:
        return orders.none()
    statuses = VISIBLE_STATUSES[role]
    return orders if statuses is None else orders.filter(status__in=statuses)


def status_visible(role: Role | None, status: str) -> bool:
    """Whether `role` sees an order in `status` (the live push asks this per role)."""
    if role is None:
        return False
    statuses = VISIBLE_STATUSES[role]
    return statuses is None or status in statuses


def order_visible(user: AnyUser | None, order: Order) -> bool:
    return status_visible(role_of(user), order.status)


def order_get_visible(user: AnyUser | None, number: str) -> Order:
    """The order at /orders/<number>/ if the user may see it; Http404 otherwise, so a
    printer cannot tell an order not yet approved from one that does not exist."""
    order = order_get_by_number(number)
    if not order_visible(user, order):
        raise Http404("Objednávka nenalezena.")
    return order


def file_visible(user: AnyUser | None, path: str) -> bool:
    """Whether the user may fetch the stored file at `path`. Files of an order live
    under its id (`{order_id}/…`, ARCHITECTURE.md's storage layout) and follow the
    order's visibility; anything else (`drafts/…` of manual orders) is operators' only."""
    if can(user, Capability.OPERATE):
        return True
    head = path.split("/", 1)[0]
    if not head.isdigit():
        return False
    order = Order.objects.filter(pk=int(head)).only("status").first()
    return order is not None and order_visible(user, order)


def capabilities(role: Role | None) -> dict[str, bool]:
    """`{"view": …, "print": …, "operate": …}` for templates (`{% if can.operate %}`): the
    pages offer only the buttons their viewer may use."""
    held = CAPABILITIES[role] if role is not None else frozenset()
    return {capability.value: capability in held for capability in Capability}


def forbidden(request: HttpRequest) -> HttpResponse:
    """A staff member without the capability: 403 with the Czech reason (also for htmx)."""
    return HttpResponse(FORBIDDEN, status=403, content_type="text/plain; charset=utf-8")


def requires(capability: Capability) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a page or htmx view: anonymous and non-staff users get the login page,
    staff without `capability` a 403."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not can(request.user, capability):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return staff_member_required(checked)

    return decorate


def roles_sync(**kwargs: Any) -> None:
    """Create the role groups and grant their permissions (post_migrate, and after a
    test database is flushed): operators get every permission that exists, printers
    only `orders.print_orders`."""
    from django.contrib.auth.models import Group, Permission

    app, codename = PRINT_PERMISSION.split(".")
    operator, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role.OPERATOR])
    operator.permissions.set(Permission.objects.all())
    printer, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role.PRINTER])
    printer.permissions.set(
        Permission.objects.filter(content_type__app_label=app, codename=codename)
    )
