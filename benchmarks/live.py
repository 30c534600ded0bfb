"""Live updates: from a status change's commit to the fragment at a WebSocket client.

Fixed sizes: 500 changes of one order's status, each committed by the service that
staff and workers use, pushed through channels-redis to daphne (in another process)
and on to a staff WebSocket client of /ws/orders/<number>/ on loopback. Prints p50 and
p95 of commit → fragment received (target: p95 under 50 ms).
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import struct
import threading
import time

from _common import describe_machine, percentile, setup_django, temporary_database
from _http import daphne

CHANGES = 500


async def ws_connect(
    port: int, path: str, cookie: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """The client side of RFC 6455's handshake, just enough for a benchmark."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n"
        ).encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(f"handshake refused: {head!r}")
    return reader, writer


async def ws_receive(reader: asyncio.StreamReader) -> bytes:
    _opcode, second = await reader.readexactly(2)
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    return await reader.readexactly(length)


def staff_cookie() -> str:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.create_user("bench", is_staff=True))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "_bench_settings"
    setup_django()
    with temporary_database():
        from _common import current_database_url
        from django.db import transaction

        from orders.services import order_status_set
        from tests.factories import OrderFactory

        order = OrderFactory(order_number="#1270")
        cookie = staff_cookie()
        received: list[float] = []
        ready = threading.Event()

        async def listen(port: int) -> None:
            reader, _ = await ws_connect(port, "/ws/orders/1270/", cookie)
            ready.set()
            while len(received) < CHANGES:
                await ws_receive(reader)
                received.append(time.perf_counter())

        with daphne(current_database_url()) as port:
            thread = threading.Thread(target=lambda: asyncio.run(listen(port)), daemon=True)
            thread.start()
            ready.wait(10)
            time.sleep(0.5)  # the consumer joins its group just after the handshake
            committed = []
            for n in range(CHANGES):
                status = "error" if n % 2 else "ready_for_review"
                with transaction.atomic():
                    # Registered first, so it runs first after COMMIT, before the push.
                    transaction.on_commit(lambda: committed.append(time.perf_counter()))
                    order_status_set(order_id=order.pk, status=status, actor="bench")
                while len(received) <= n:
                    time.sleep(0.0005)
            thread.join(5)
        latencies = [r - c for r, c in zip(received, committed, strict=True)]
        print(f"live ({describe_machine()}; {CHANGES} changes, commit → fragment at the client)")
        p50, p95 = (percentile(latencies, p) * 1000 for p in (50, 95))
        mean = statistics.mean(latencies) * 1000
        print(f"  p50 {p50:.1f} ms   p95 {p95:.1f} ms   mean {mean:.1f} ms")


if __name__ == "__main__":
    main()
