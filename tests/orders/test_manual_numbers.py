"""Manual order numbers under concurrency: creators racing in threads, each on its own
database connection, get distinct and gapless `#M…` numbers.

Runs on whatever database the suite runs on: PostgreSQL in CI (DATABASE_URL), where the
counter row's lock is what keeps the numbers apart, and SQLite locally, which
serialises writers (IMMEDIATE transactions). It never skips.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from orders.models import LAYOUT_GALLERY, ManualOrderSequence, Order
from orders.services.manual import (
    ManualItem,
    ManualOrder,
    manual_order_create,
    manual_photos_keep,
)
from tests.fakes.photos import PHOTOS

pytestmark = pytest.mark.django_db(transaction=True)
# Below the PostgreSQL pool's 8 connections, with the test's own one.
CREATORS = 6


def prepared_order() -> ManualOrder:
    """An order whose photo already waits in its draft, so a creator goes straight to
    the transaction that takes the number (the race is there, not in the upload)."""
    data = ManualOrder(
        draft=uuid.uuid4(),
        customer_name="Souběžná zákaznice",
        items=[
            ManualItem(
                title="Omalovánka z vlastních fotek",
                variant_title="Omalovánka z vlastních fotek / 1",
                layout=LAYOUT_GALLERY,
                uploads=[SimpleUploadedFile("chelsea.jpg", (PHOTOS / "chelsea.jpg").read_bytes())],
            )
        ],
    )
    manual_photos_keep(data=data)
    return data


def race(orders: list[ManualOrder]) -> tuple[list[str], list[BaseException]]:
    start = threading.Barrier(len(orders))
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create(data: ManualOrder) -> None:
        try:
            start.wait(timeout=30)
            numbers.append(manual_order_create(data=data, actor="test").order_number)
        except BaseException as exc:  # noqa: BLE001  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()  # this thread's connection (back to the pool)

    threads = [threading.Thread(target=create, args=(data,)) for data in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return numbers, errors


@pytest.mark.parametrize("counter", ["missing", "present"])
def test_concurrent_creators_get_distinct_gapless_numbers(counter: str, settings: Any) -> None:
    # "missing": the very first manual orders race to create the counter row too.
    if counter == "present":
        ManualOrderSequence.objects.create(pk=1, next_value=1000)
    orders = [prepared_order() for _ in range(CREATORS)]

    numbers, errors = race(orders)

    assert errors == []
    assert sorted(numbers) == [f"#M{n}" for n in range(1000, 1000 + CREATORS)]
    assert Order.objects.filter(order_number__startswith="#M").count() == CREATORS
    assert ManualOrderSequence.objects.get().next_value == 1000 + CREATORS
    print(f"{connection.vendor}: {CREATORS} concurrent creators got {sorted(numbers)}")
