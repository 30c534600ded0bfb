"""The page WebSockets: staff get HTML fragments after commit; everyone else is closed out."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from fotomalovanky.permissions import Role
from fotomalovanky.web.routing import websocket_urlpatterns
from orders.services import order_changed_notify, order_status_set
from processing.services import coloring_generate
from tests.factories import ImageFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def application() -> Any:
    from channels.routing import URLRouter

    return URLRouter(websocket_urlpatterns)


async def connect(path: str, user: Any) -> tuple[WebsocketCommunicator, bool, int | None]:
    communicator = WebsocketCommunicator(application(), path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.parametrize("path", ["/ws/orders/", "/ws/orders/1270/"])
async def test_anonymous_and_non_staff_connections_are_closed(path: str) -> None:
    await sync_to_async(OrderFactory)(order_number="#1270")
    plain = await sync_to_async(UserFactory)(username="host", is_staff=False)
    inactive = await sync_to_async(UserFactory)(username="byvala", is_staff=True, is_active=False)
    no_role = await sync_to_async(UserFactory)(username="bez-role", is_staff=True)

    for user in (AnonymousUser(), plain, inactive, no_role):
        _, connected, code = await connect(path, user)
        assert not connected
        assert code == 4403


async def test_an_unknown_order_is_closed() -> None:
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )

    _, connected, code = await connect("/ws/orders/999/", staff)

    assert (connected, code) == (False, 4404)


async def test_staff_receive_the_card_after_a_status_change_commits() -> None:
    image = await sync_to_async(ImageFactory)(
        downloaded=True, line_item__order__order_number="#1270"
    )
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator, connected, _ = await connect("/ws/orders/1270/", staff)
    assert connected

    version = await sync_to_async(coloring_generate)(image=image, actor="test")

    fragments = [await communicator.receive_from(timeout=5) for _ in range(2)]
    card = next(f for f in fragments if f.lstrip().startswith("<article"))
    assert f'id="image-{image.pk}"' in card
    assert f"v{version.version}" in card and "Čeká ve frontě" in card
    assert any('id="order-header"' in f for f in fragments)
    await communicator.disconnect()


async def test_the_list_receives_a_row_when_an_order_changes_and_a_signal_for_a_new_one() -> None:
    order = await sync_to_async(OrderFactory)(order_number="#1270")
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator, connected, _ = await connect("/ws/orders/", staff)
    assert connected

    await sync_to_async(order_status_set)(order_id=order.pk, status="error", actor="test")
    row = await communicator.receive_from(timeout=5)
    await sync_to_async(order_changed_notify)(order_id=order.pk, order_number="#1270", created=True)
    signal = await communicator.receive_from(timeout=5)

    assert row.lstrip().startswith(f'<tr id="order-{order.pk}">')
    assert "Chyba" in row
    assert signal == f'<div id="orders-signal" hidden data-order="{order.pk}"></div>'
    await communicator.disconnect()


async def test_the_browser_cannot_send_anything_that_acts() -> None:
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator, connected, _ = await connect("/ws/orders/", staff)

    await communicator.send_to(text_data='{"action": "delete"}')

    assert connected
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_an_idle_socket_on_the_real_redis_layer_stays_open(redis_channel_layer: str) -> None:
    # Regression: redis-py's default 5 s socket timeout ended idle sockets (code 1011).
    order = await sync_to_async(OrderFactory)(order_number="#1270")
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator, connected, _ = await connect("/ws/orders/", staff)
    assert connected

    assert await communicator.receive_nothing(timeout=6.5)
    await sync_to_async(order_status_set)(order_id=order.pk, status="error", actor="test")

    assert f'id="order-{order.pk}"' in await communicator.receive_from(timeout=5)
    await communicator.disconnect()


async def test_a_printer_sees_live_only_the_orders_a_printer_may_see() -> None:
    hidden = await sync_to_async(OrderFactory)(order_number="#1270")
    shown = await sync_to_async(OrderFactory)(order_number="#1271", status="approved")
    printer = await sync_to_async(UserFactory)(username="tiskar", is_staff=True, role=Role.PRINTER)
    operator = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    printers_list, connected, _ = await connect("/ws/orders/", printer)
    assert connected
    operators_list, _, _ = await connect("/ws/orders/", operator)

    await sync_to_async(order_status_set)(order_id=hidden.pk, status="error", actor="test")
    await sync_to_async(order_status_set)(order_id=shown.pk, status="printed", actor="test")

    # The printer's list gets the visible order's row only; the operator's gets both.
    row = await printers_list.receive_from(timeout=5)
    assert row.lstrip().startswith(f'<tr id="order-{shown.pk}">') and "Vytištěno" in row
    assert await printers_list.receive_nothing(timeout=0.2)
    rows = [await operators_list.receive_from(timeout=5) for _ in range(2)]
    assert f'id="order-{hidden.pk}"' in rows[0]
    assert f'id="order-{shown.pk}"' in rows[1]
    await printers_list.disconnect()
    await operators_list.disconnect()


async def test_a_printers_detail_socket_opens_only_for_a_visible_order_sans_operator_buttons() -> (
    None
):
    await sync_to_async(OrderFactory)(order_number="#1270")
    shown = await sync_to_async(OrderFactory)(order_number="#1271", status="approved")
    printer = await sync_to_async(UserFactory)(username="tiskar", is_staff=True, role=Role.PRINTER)

    _, connected, code = await connect("/ws/orders/1270/", printer)
    assert (connected, code) == (False, 4404)
    communicator, connected, _ = await connect("/ws/orders/1271/", printer)
    assert connected

    await sync_to_async(order_status_set)(order_id=shown.pk, status="printed", actor="test")

    header = await communicator.receive_from(timeout=5)
    assert 'id="order-header"' in header and "Stáhnout ZIP" in header
    assert "Vygenerovat" not in header and "Upravit v administraci" not in header
    await communicator.disconnect()
