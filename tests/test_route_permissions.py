"""Every route answers each role as ROUTES says: anonymous, non-staff, printer, operator.

The routes are discovered, not listed by hand: every Django URL pattern of the project
(the admin only through a fixed sample, it has hundreds), every operation of the JSON
API, and every WebSocket route. A route without an entry in ROUTES fails
`test_every_route_has_an_entry`, and an entry without a route fails it too.

Path parameters are filled from two real orders: one a printer may see (approved) and one
a printer may not (ready for review); `hidden` is what a printer gets for the second. An
unsafe request that a role is refused changes nothing and queues nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fotomalovanky.api.events import websocket_urlpatterns as events_urlpatterns
from fotomalovanky.api.v1 import api
from fotomalovanky.permissions import Role
from fotomalovanky.web.routing import websocket_urlpatterns
from orders.models import Order, OrderEvent
from processing.models import BookVersion, ColoringVersion, SvgVersion
from tests import factories

LOGIN = "login"  # a redirect to the staff login
ACCEPTED = "accepted"  # a WebSocket that stays open
ROLES = ("anonymous", "non-staff", "printer", "operator")
Outcome = int | str


@dataclass(frozen=True)
class Route:
    """What each role gets (in ROLES' order); `hidden`: a printer, for the order that a
    printer may not see; `params`: a path parameter filled from another fixture value."""

    method: str
    answers: tuple[Outcome, Outcome, Outcome, Outcome]
    hidden: Outcome | None = None
    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


def web(method: str, printer: Outcome, operator: Outcome, hidden: Outcome | None = None) -> Route:
    """A page, htmx action or file: anonymous and non-staff users go to the login."""
    return Route(method, (LOGIN, LOGIN, printer, operator), hidden)


def api_op(method: str, printer: int, operator: int, hidden: int | None = None, **kw: Any) -> Route:
    """A JSON API operation: 401 without credentials, 403 for a non-staff session."""
    return Route(method, (401, 403, printer, operator), hidden, **kw)


def ws(printer: Outcome, events: bool = False, hidden: Outcome | None = None) -> Route:
    refused = 4401 if events else 4403
    return Route("WS", (refused, 4403, printer, ACCEPTED), hidden)


GET, POST = "GET", "POST"
# Operators' answers: 302 is an action's redirect back (no htmx); 400 a rule that refuses
# the action now (e.g. a retry of a version not in error), after the role was let in.
ROUTES: dict[str, Route] = {
    # --- pages, htmx actions, files (fotomalovanky/web/urls.py) ---
    "/": Route(GET, (302, 302, 302, 302)),  # a plain redirect to the list
    "orders:list": web(GET, 200, 200),
    "orders:dashboard": web(GET, 403, 200),  # costs and rates: operators' only
    "orders:fetch": web(POST, 403, 302),
    "orders:print-batch": Route(POST, (LOGIN, LOGIN, 200, 200), hidden=302),
    "orders:new": web(GET, 403, 200),
    "orders:create-sample": web(POST, 403, 302),
    "orders:detail": web(GET, 200, 200, hidden=404),
    "orders:sync": web(POST, 403, 302, hidden=403),
    "orders:export": web(GET, 200, 200, hidden=404),
    "orders:generate-coloring": web(POST, 403, 302, hidden=403),
    "orders:generate-svg": web(POST, 403, 302, hidden=403),
    "orders:generate-pdf": web(POST, 403, 302, hidden=403),
    "orders:book-generate": web(POST, 403, 302, hidden=403),
    "orders:fulfil-retry": web(POST, 403, 302, hidden=403),
    "orders:lifecycle": web(GET, 200, 200, hidden=404),
    "orders:approve": web(POST, 403, 302, hidden=403),
    "orders:mark-printed": web(POST, 302, 302, hidden=404),  # printers print
    "orders:mark-sent": web(POST, 403, 302, hidden=403),
    # The step to undo from "approved" is the approval: operators' only.
    "orders:undo": web(POST, 403, 302, hidden=404),
    "orders:change-apply": web(POST, 403, 302, hidden=403),
    "orders:change-keep": web(POST, 403, 302, hidden=403),
    # The intake hold: operators' only (the fixtures' orders are not held, so refused).
    "orders:hold-confirm": web(POST, 403, 302, hidden=403),
    "orders:hold-email-sent": web(POST, 403, 302, hidden=403),
    # The autopilot: everyone who sees the order sees its panel; operators switch it.
    "orders:autopilot": web(POST, 403, 302, hidden=403),
    "orders:autopilot-panel": web(GET, 200, 200, hidden=404),
    # The review workspace and its verdicts: operators' only.
    "orders:review": web(GET, 403, 200, hidden=403),
    "orders:review-verdict": web(POST, 403, 302, hidden=403),
    "orders:image-card": web(GET, 200, 200, hidden=404),
    "orders:image-coloring": web(POST, 403, 302, hidden=403),
    "orders:image-svg": web(POST, 403, 302, hidden=403),
    "orders:version-select": web(POST, 403, 302, hidden=403),
    "orders:version-retry": web(POST, 403, 302, hidden=403),
    "orders:media": web(GET, 200, 200, hidden=404),
    # --- the API's own Django patterns ---
    "api:openapi-json": web(GET, 200, 200),
    "api:openapi-view": web(GET, 200, 200),
    "api:api-root": Route(GET, (404, 404, 404, 404)),
    "/api/v1/": Route(GET, (404, 404, 404, 404)),  # any other path under the API
    # --- JSON API operations ---
    "GET /api/v1/health": Route(GET, (200, 200, 200, 200)),
    "GET /api/v1/orders": api_op(GET, 200, 200),
    "POST /api/v1/orders/fetch-from-shopify": api_op(POST, 403, 200),
    "GET /api/v1/orders/{order_number}": api_op(GET, 200, 200, hidden=404),
    "GET /api/v1/orders/{order_number}/images/{image_id}": api_op(GET, 200, 200, hidden=404),
    "POST /api/v1/orders/{order_number}/sync": api_op(POST, 403, 200, hidden=403),
    # Every photo already has its colouring: nothing to queue.
    "POST /api/v1/orders/{order_number}/generate-coloring": api_op(POST, 403, 400, hidden=403),
    "POST /api/v1/images/{image_id}/generate-coloring": api_op(POST, 403, 200, hidden=403),
    "GET /api/v1/images/{image_id}/coloring-versions": api_op(GET, 200, 200, hidden=404),
    "POST /api/v1/orders/{order_number}/generate-svg": api_op(POST, 403, 400, hidden=403),
    "POST /api/v1/images/{image_id}/generate-svg": api_op(POST, 403, 200, hidden=403),
    "GET /api/v1/images/{image_id}/svg-versions": api_op(GET, 200, 200, hidden=404),
    "POST /api/v1/coloring-versions/{version_id}/retry": api_op(POST, 403, 400, hidden=403),
    "POST /api/v1/svg-versions/{version_id}/retry": api_op(
        POST, 403, 400, hidden=403, params={"version_id": "svg_id"}
    ),
    "POST /api/v1/images/{image_id}/select-coloring/{version_id}": api_op(
        POST, 403, 200, hidden=403
    ),
    "POST /api/v1/images/{image_id}/select-svg/{version_id}": api_op(
        POST, 403, 200, hidden=403, params={"version_id": "svg_id"}
    ),
    "POST /api/v1/orders/{order_number}/generate-pdf": api_op(POST, 403, 200, hidden=403),
    "POST /api/v1/line-items/{line_item_id}/generate-pdf": api_op(POST, 403, 200, hidden=403),
    "GET /api/v1/line-items/{line_item_id}/book-versions": api_op(GET, 200, 200, hidden=404),
    # --- WebSockets ---
    "ws/orders/": ws(ACCEPTED),
    "ws/orders/<slug:number>/": ws(ACCEPTED, hidden=4404),
    "ws/events/": ws(4403, events=True),  # every order's events: operators only
    # --- the admin (a fixed sample): printers see none of the back office ---
    "admin:index": web(GET, 200, 200),
    "admin:orders_order_changelist": web(GET, 403, 200),
    "admin:shopify_sync_shopifywebhookevent_changelist": web(GET, 403, 200),
    "admin:processing_coloringversion_changelist": web(GET, 403, 200),
    "admin:processing_svgversion_changelist": web(GET, 403, 200),
    "admin:processing_bookversion_changelist": web(GET, 403, 200),
}
ADMIN_SAMPLE = {key for key in ROUTES if key.startswith("admin:")}


# --- discovery ---


def api_operations() -> Iterator[tuple[str, str]]:
    """(key, view name) of every operation of the JSON API."""
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} /api/v1{path}", operation.view_func.__name__


def django_patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """(key, pattern) of every URL pattern outside the admin: its namespaced name, or
    for an unnamed one its path."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
            yield from django_patterns(pattern.url_patterns, route, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern
        else:
            yield f"/{route}", pattern


def discovered() -> set[str]:
    operations = dict(api_operations())
    ninja_names = {f"api:{name}" for name in operations.values()}
    keys = {key for key, _ in django_patterns(get_resolver().url_patterns)} - ninja_names
    sockets = {str(p.pattern) for p in [*websocket_urlpatterns, *events_urlpatterns]}
    return keys | set(operations) | sockets | ADMIN_SAMPLE


def test_every_route_has_an_entry() -> None:
    routes = discovered()

    assert sorted(routes - set(ROUTES)) == [], "routes without an entry in ROUTES"
    assert sorted(set(ROUTES) - routes) == [], "entries of ROUTES for no route"


# --- the world the requests act on ---


def order_fixture(number: str, status: str) -> dict[str, Any]:
    """An order with a downloaded photo, two completed colourings (v1 selected), two
    completed SVGs (v1 selected) and a completed book; its path parameters."""
    order = factories.OrderFactory(order_number=f"#{number}", status=status)
    line_item = factories.LineItemFactory(order=order, position=1, title="Kniha")
    image = factories.ImageFactory(line_item=line_item, position=1, downloaded=True)
    colorings = [
        factories.ColoringVersionFactory(
            image=image,
            version=n,
            status="completed",
            is_selected=n == 1,
            file=ContentFile(b"png", name="page.png"),
        )
        for n in (1, 2)
    ]
    svgs = [
        factories.SvgVersionFactory(
            coloring_version=colorings[0],
            version=n,
            status="completed",
            is_selected=n == 1,
            file=ContentFile(b"<svg/>", name="page.svg"),
        )
        for n in (1, 2)
    ]
    BookVersion.objects.create(
        line_item=line_item,
        version=1,
        status="completed",
        layout="gallery",
        file=ContentFile(b"%PDF-1.4 test", name="book.pdf"),
    )
    return {
        "order": order,
        "number": number,
        "order_number": number,
        "image_id": image.pk,
        "line_item_id": line_item.pk,
        "kind": "coloring",
        "version_id": colorings[1].pk,
        "svg_id": svgs[1].pk,
        "path": image.file.name,
    }


@pytest.fixture
def world(db: None) -> dict[str, dict[str, Any]]:
    return {
        "shown": order_fixture("1301", Order.Status.APPROVED),
        "hidden": order_fixture("1302", Order.Status.READY_FOR_REVIEW),
    }


def users() -> dict[str, Any]:
    return {
        "anonymous": None,
        "non-staff": factories.UserFactory(username="zakaznik", is_staff=False),
        "printer": factories.UserFactory(username="tiskar", is_staff=True, role=Role.PRINTER),
        "operator": factories.UserFactory(username="pracovnice", is_staff=True, role=Role.OPERATOR),
    }


def cases() -> Iterator[Any]:
    """(key, role, which order) for every answer ROUTES expects."""
    for key, route in ROUTES.items():
        for index, role in enumerate(ROLES):
            yield pytest.param(key, role, "shown", route.answers[index], id=f"{key}-{role}")
        if route.hidden is not None:
            yield pytest.param(key, "printer", "hidden", route.hidden, id=f"{key}-hidden")


def url(key: str, route: Route, values: dict[str, Any]) -> str:
    def value(name: str) -> Any:
        return values[route.params.get(name, name)]

    if key.startswith(("GET ", "POST ")):
        path = key.split(" ", 1)[1]
        for name in ("order_number", "image_id", "version_id", "line_item_id"):
            path = path.replace("{" + name + "}", str(value(name))) if name in path else path
        return path
    if key.startswith("/"):
        return key if key != "/api/v1/" else "/api/v1/no-such-endpoint"
    pattern = dict(django_patterns(get_resolver().url_patterns)).get(key)
    names = list(pattern.pattern.converters) if pattern is not None else []
    return reverse(key, kwargs={name: value(name) for name in names})


def state() -> tuple[Any, ...]:
    """What an unsafe request could change."""
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        OrderEvent.objects.count(),
        *(
            list(model.objects.order_by("pk").values_list("pk", "status", "is_selected"))
            for model in (ColoringVersion, SvgVersion)
        ),
        BookVersion.objects.count(),
    )


def outcome(response: Any) -> Outcome:
    if response.status_code == 302 and response["Location"].startswith("/admin/login/"):
        return LOGIN
    return int(response.status_code)


HTTP_CASES = [case for case in cases() if ROUTES[case.values[0]].method != "WS"]
WS_CASES = [case for case in cases() if ROUTES[case.values[0]].method == "WS"]


@pytest.mark.parametrize(("key", "role", "which", "expected"), HTTP_CASES)
def test_each_role_gets_its_answer(
    key: str,
    role: str,
    which: str,
    expected: Outcome,
    world: dict[str, dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    route, values = ROUTES[key], world[which]
    client, user = Client(), users()[role]
    if user is not None:
        client.force_login(user)
    send: dict[str, Any] = {}
    if key == "orders:print-batch":
        send = {"data": {"orders": [values["order"].pk]}}
    elif key.startswith("POST /api/"):
        send = {"content_type": "application/json"}  # an empty body: the defaults
    before = state()

    with django_capture_on_commit_callbacks() as callbacks:
        response = getattr(client, route.method.lower())(url(key, route, values), **send)

    # Read to the end, so that a streamed stored file is closed.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert outcome(response) == expected, body[:300]
    if route.method == "POST" and expected in (LOGIN, 401, 403, 404):
        assert state() == before
        assert callbacks == []


async def ws_answer(path: str, user: Any) -> Outcome:
    """Through the project's whole ASGI application, with the user's session cookie."""
    from fotomalovanky.asgi import application

    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        client = Client()
        await sync_to_async(client.force_login)(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        headers.append((b"cookie", f"{cookie.key}={cookie.value}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    if not connected:
        return int(code or 0)
    # /ws/events/ accepts first, then closes at once with its reason's code.
    if not await communicator.receive_nothing(timeout=0.3):
        message = await communicator.receive_output(timeout=2)
        if message["type"] == "websocket.close":
            return int(message["code"])
    await communicator.disconnect()
    return ACCEPTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("key", "role", "which", "expected"), WS_CASES)
async def test_each_role_gets_its_websocket_answer(
    key: str, role: str, which: str, expected: Outcome
) -> None:
    shown = await sync_to_async(order_fixture)("1301", Order.Status.APPROVED)
    hidden = await sync_to_async(order_fixture)("1302", Order.Status.READY_FOR_REVIEW)
    values = {"shown": shown, "hidden": hidden}[which]
    user = (await sync_to_async(users)())[role]

    path = "/" + key.replace("<slug:number>", values["number"])

    assert await ws_answer(path, user) == expected
