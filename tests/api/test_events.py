"""/ws/events/: the seed's JSON events, for a token or a staff session, nobody else.

The connections go through the project's whole ASGI application (origin check, session
middleware, routing), and the events come from real services over the Redis layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from fotomalovanky.asgi import application
from orders.models import Image
from orders.services import order_changed_notify
from processing.models import ColoringVersion
from processing.services import coloring_local_run
from tests import factories
from tests.conftest import PHOTOS

from .conftest import make_token

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://testserver")


def communicator(query: str = "", cookie: str = "", origin: bytes = ORIGIN[1]) -> Any:
    headers = [(b"origin", origin)]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/events/{query}", headers=headers)


async def run(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service in a worker thread, as the web or worker process would, and give
    its database connection back (the PostgreSQL pool would keep it checked out)."""

    def call() -> Any:
        try:
            return function(**kwargs)
        finally:
            connection.close()

    return await sync_to_async(call)()


async def closed_with(comm: Any) -> int:
    connected, _ = await comm.connect()
    assert connected  # accepted first, so the client can read the close code
    message = await comm.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return message["code"]


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def queued_version(staff_user: User) -> ColoringVersion:
    """A colouring version waiting for the local backend, of a real stored photo."""
    image = factories.ImageFactory(line_item__order__order_number="#1270")
    image.file.save("photo.jpg", ContentFile((PHOTOS / "chelsea.jpg").read_bytes()))
    Image.objects.filter(pk=image.pk).update(downloaded_at=timezone.now())
    return factories.ColoringVersionFactory(image=image, version=1, backend="local", megapixels=0.5)


async def test_a_status_change_arrives_as_the_seeds_json(
    redis_channel_layer: None, staff_user: User, queued_version: ColoringVersion
) -> None:
    comm = communicator(f"?token={make_token(staff_user.username)}")
    connected, _ = await comm.connect()
    assert connected

    await run(coloring_local_run, version_id=queued_version.pk)

    events = [json.loads(await comm.receive_from(timeout=10)) for _ in range(4)]
    image_status = {
        "type": "image_status",
        "order_number": "1270",
        "image_id": queued_version.image_id,
        "status_type": "coloring",
        "version_id": queued_version.pk,
    }
    assert events == [
        {**image_status, "status": "processing"},
        {**image_status, "status": "completed"},
        {"type": "order_update", "order_number": "1270"},
        {"type": "list_update"},
    ]
    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_a_staff_session_receives_events(staff_user: User) -> None:
    comm = communicator(cookie=await run(session_cookie, user=staff_user))
    connected, _ = await comm.connect()
    assert connected

    await run(order_changed_notify, order_id=1, order_number="#1270")

    assert json.loads(await comm.receive_from(timeout=5)) == {
        "type": "order_update",
        "order_number": "1270",
    }
    await comm.disconnect()


async def test_nothing_but_events_is_sent_and_client_messages_are_ignored(
    staff_user: User,
) -> None:
    comm = communicator(f"?token={make_token(staff_user.username)}")
    await comm.connect()

    await comm.send_to(text_data='{"type": "list_update"}')

    assert await comm.receive_nothing(timeout=0.2)
    await comm.disconnect()


async def test_without_credentials_the_socket_is_closed_with_4401() -> None:
    assert await closed_with(communicator()) == 4401


@pytest.mark.parametrize(
    "token",
    [
        lambda user: "not-a-jwt",
        lambda user: make_token(user.username, exp=timezone.now() - timedelta(hours=1)),
        lambda user: make_token(user.username, secret="another-secret-of-the-same-length-1234"),
    ],
    ids=["garbage", "expired", "wrong-secret"],
)
async def test_an_invalid_token_is_closed_with_4401(
    staff_user: User, token: Callable[[User], str]
) -> None:
    assert await closed_with(communicator(f"?token={token(staff_user)}")) == 4401


async def test_a_non_staff_token_is_closed_with_4403(plain_user: User) -> None:
    assert await closed_with(communicator(f"?token={make_token(plain_user.username)}")) == 4403


async def test_a_non_staff_session_is_closed_with_4403(plain_user: User) -> None:
    cookie = await run(session_cookie, user=plain_user)

    assert await closed_with(communicator(cookie=cookie)) == 4403


async def test_a_foreign_origin_is_refused_at_the_handshake(staff_user: User) -> None:
    comm = communicator(f"?token={make_token(staff_user.username)}", origin=b"http://evil.test")

    connected, _ = await comm.connect()

    assert not connected


async def test_the_socket_closes_at_the_first_event_after_the_token_expired(
    staff_user: User,
) -> None:
    comm = communicator(f"?token={make_token(staff_user.username)}")
    connected, _ = await comm.connect()
    assert connected

    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        await run(order_changed_notify, order_id=1, order_number="#1270")
        message = await comm.receive_output(timeout=5)

    assert message == {"type": "websocket.close", "code": 4401, "reason": "token expired"}


async def test_a_token_client_without_origin_is_let_in(staff_user: User) -> None:
    comm = WebsocketCommunicator(
        application, f"/ws/events/?token={make_token(staff_user.username)}"
    )

    connected, _ = await comm.connect()

    assert connected
    await comm.disconnect()


async def test_a_session_without_origin_is_refused(staff_user: User) -> None:
    cookie = await run(session_cookie, user=staff_user)
    comm = WebsocketCommunicator(application, "/ws/events/", headers=[(b"cookie", cookie.encode())])

    connected, _ = await comm.connect()

    assert not connected
