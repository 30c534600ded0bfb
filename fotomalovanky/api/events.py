"""/ws/events/: the seed's JSON events for API clients, as they happen.

    {"type": "list_update"}
    {"type": "order_update", "order_number": "1270"}
    {"type": "image_status", "order_number": "1270", "image_id": 123,
     "status_type": "coloring"|"svg", "version_id": 456, "status": "runpod_processing"}

`fotomalovanky.web.live` sends them to the `events` group after the change commits; this
consumer only forwards them, one JSON text frame each. A client authenticates with
`?token=<JWT>` (the API's token) or a staff session, of an operator: the stream carries
every order's events, and a printer sees only some orders. Anyone else is accepted and
closed at once with 4401 (not authenticated) or 4403 (not an operator), so that the
client learns why; a handshake refusal would only show an HTTP 403. A token's expiry
is checked again with each event: the socket closes with 4401 once the token has run
out.

Origins: a browser (session or token) must come from one of ALLOWED_HOSTS, as on every
route under /ws/; that stops another site from riding a staff member's session. A
client with a token and no `Origin` header (a script, another server) is let through:
its token is its whole credential, nothing ambient can be abused.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import User
from django.urls import path

from fotomalovanky.permissions import Capability
from fotomalovanky.web.live import EVENTS_GROUP

from .auth import LEEWAY, ApiAuthError, api_token_authenticate, capability_required

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# A WebSocket close reason holds at most 123 bytes, so short English ones.
REASONS = {CLOSE_UNAUTHENTICATED: "not authenticated", CLOSE_FORBIDDEN: "not an operator"}


def _query_token(scope: Mapping[str, Any]) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[-1] if values else None


@database_sync_to_async
def _token_authenticate(token: str) -> tuple[User, dict[str, Any]]:
    user, claims = api_token_authenticate(token=token)
    return capability_required(user, Capability.OPERATE), claims


@database_sync_to_async
def _operator_required(user: User) -> None:
    capability_required(user, Capability.OPERATE)  # reads the user's groups


async def events_authenticate(scope: Mapping[str, Any]) -> float | None:
    """Check who connects; return when the token expires (None for a session).

    Raises ApiAuthError (401 or 403) for anyone who may not listen.
    """
    token = _query_token(scope)
    if token is not None:
        _user, claims = await _token_authenticate(token)
        return float(claims["exp"])
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        raise ApiAuthError("not authenticated")
    await _operator_required(user)
    return None


class EventsConsumer(AsyncWebsocketConsumer):
    joined = False
    expires_at: float | None = None

    async def connect(self) -> None:
        try:
            self.expires_at = await events_authenticate(self.scope)
        except ApiAuthError as exc:
            code = CLOSE_FORBIDDEN if exc.status == 403 else CLOSE_UNAUTHENTICATED
            await self.accept()
            await self.close(code=code, reason=REASONS[code])
            return
        await self.channel_layer.group_add(EVENTS_GROUP, self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(EVENTS_GROUP, self.channel_name)
            self.joined = False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Clients only listen; anything they send is ignored."""

    async def event_json(self, message: dict[str, Any]) -> None:
        expired = self.expires_at is not None and time.time() > self.expires_at + (
            LEEWAY.total_seconds()
        )
        if expired:
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="token expired")
            return
        await self.send(text_data=json.dumps(message["event"]))


class EventsOriginValidator:
    """AllowedHostsOriginValidator, except for token clients that send no Origin."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.validated = AllowedHostsOriginValidator(app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        if not has_origin and _query_token(scope) is not None:
            await self.app(scope, receive, send)
            return
        await self.validated(scope, receive, send)


events_app = EventsOriginValidator(AuthMiddlewareStack(EventsConsumer.as_asgi()))
websocket_urlpatterns = [
    path("ws/events/", events_app),  # type: ignore[arg-type]  # an ASGI app, not a view
]
