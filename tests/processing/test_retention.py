"""Retention: `orders_purge` and `manage.py purge_photos` remove exactly the files of
orders sent more than N days ago, keep every record, and keep the books unless asked."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from orders.models import Image, Order, OrderEvent
from processing.errors import ProcessingValidationError
from processing.models import BookVersion
from processing.services import orders_purge
from tests.processing.retention_helpers import (
    PHOTO_FILES,
    all_names,
    database_state,
    order_file_names,
    sent_step,
    stored,
    stored_order,
)

pytestmark = pytest.mark.django_db
ACTOR = "command:purge_photos"


def storage_state(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def last_event(order: Order) -> OrderEvent:
    return OrderEvent.objects.filter(order=order).latest("created_at", "pk")


@pytest.fixture
def orders() -> dict[str, Order]:
    """Sent 31 days ago (due), sent 29 days ago (not yet), approved (never sent)."""
    return {
        "old": stored_order(sent_days_ago=31, number="#2001"),
        "recent": stored_order(sent_days_ago=29, number="#2002"),
        "approved": stored_order(sent_days_ago=None, status=Order.Status.APPROVED),
    }


def test_a_dry_run_lists_what_would_go_and_changes_nothing(
    orders: dict[str, Order], storage: Path
) -> None:
    files, rows = storage_state(storage), database_state()

    report = orders_purge(days=30, dry_run=True, actor=ACTOR)

    assert storage_state(storage) == files
    assert database_state() == rows
    assert [purge.order_number for purge in report.orders] == ["#2001"]
    purge = report.orders[0]
    photo_names = [n for k, v in order_file_names(orders["old"]).items() if k != "books" for n in v]
    assert purge.files == PHOTO_FILES
    assert purge.bytes == sum(default_storage.size(name) for name in photo_names)
    assert "#2001" in purge.line and "4 soubory" in purge.line
    assert report.summary.startswith("Smazalo by se: 4 soubory")


def test_a_real_run_removes_exactly_the_eligible_files_and_keeps_the_books(
    orders: dict[str, Order],
) -> None:
    old_names = order_file_names(orders["old"])
    kept = {key: all_names(orders[key]) for key in ("recent", "approved")}
    rows_before = Image.objects.count(), BookVersion.objects.count()

    report = orders_purge(days=30, actor=ACTOR)

    assert [purge.order_number for purge in report.orders] == ["#2001"]
    photo_names = old_names["photos"] + old_names["colorings"] + old_names["svgs"]
    assert not any(stored(photo_names).values())
    assert all(stored(old_names["books"]).values())
    for key, names in kept.items():
        assert all(stored(names).values()), key
        assert all_names(orders[key]) == names
    # The records stay; only the purged rows' file fields are empty.
    assert (Image.objects.count(), BookVersion.objects.count()) == rows_before
    after = order_file_names(orders["old"])
    assert (after["photos"], after["colorings"], after["svgs"]) == (["", ""], [""], [""])
    assert after["books"] == old_names["books"]
    old = Order.objects.get(pk=orders["old"].pk)
    assert old.photos_purged_at is not None and old.books_purged_at is None
    event = last_event(old)
    assert event.message.startswith("Soubory smazány (4 soubory)")
    assert "knihy (PDF) ponechány" in event.message


def test_with_include_books_the_books_go_too(orders: dict[str, Order]) -> None:
    names = order_file_names(orders["old"])

    report = orders_purge(days=30, include_books=True, actor=ACTOR)

    assert report.orders[0].files == PHOTO_FILES + 1
    assert not any(stored(all_names_of(names)).values())
    old = Order.objects.get(pk=orders["old"].pk)
    assert old.photos_purged_at is not None and old.books_purged_at is not None
    assert order_file_names(old)["books"] == [""]
    assert last_event(old).message.startswith("Soubory smazány (5 souborů)")
    assert all(stored(all_names(orders["recent"])).values())


def all_names_of(names: dict[str, list[str]]) -> list[str]:
    return [name for group in names.values() for name in group]


def test_max_orders_caps_a_run_and_takes_the_oldest_send_first() -> None:
    newer = stored_order(sent_days_ago=35, number="#3001")
    older = stored_order(sent_days_ago=40, number="#3002")

    report = orders_purge(days=30, max_orders=1, actor=ACTOR)

    assert [purge.order_number for purge in report.orders] == ["#3002"]
    assert Order.objects.get(pk=older.pk).photos_purged_at is not None
    assert Order.objects.get(pk=newer.pk).photos_purged_at is None
    assert all(stored(all_names(newer)).values())


def test_a_second_run_skips_a_purged_order(orders: dict[str, Order]) -> None:
    orders_purge(days=30, actor=ACTOR)
    rows = database_state()

    report = orders_purge(days=30, actor=ACTOR)

    assert report.orders == []
    assert database_state() == rows


def test_include_books_later_takes_only_the_books_of_a_purged_order(
    orders: dict[str, Order],
) -> None:
    books = order_file_names(orders["old"])["books"]
    orders_purge(days=30, actor=ACTOR)
    photos_purged_at = Order.objects.get(pk=orders["old"].pk).photos_purged_at

    report = orders_purge(days=30, include_books=True, actor=ACTOR)

    assert [(p.order_number, p.files) for p in report.orders] == [("#2001", 1)]
    assert not any(stored(books).values())
    old = Order.objects.get(pk=orders["old"].pk)
    assert old.photos_purged_at == photos_purged_at
    assert old.books_purged_at is not None
    assert last_event(old).message == "Soubory smazány (1 soubor): knihy (PDF)"
    assert orders_purge(days=30, include_books=True, actor=ACTOR).orders == []


def test_a_file_already_missing_in_storage_does_not_stop_the_run() -> None:
    first = stored_order(sent_days_ago=40, number="#4001")
    stored_order(sent_days_ago=35, number="#4002")
    default_storage.delete(Image.objects.get(line_item__order=first).preview.name)

    report = orders_purge(days=30, actor=ACTOR)

    assert [(p.order_number, p.files, p.missing) for p in report.orders] == [
        ("#4001", 3, 1),
        ("#4002", 4, 0),
    ]
    assert "v úložišti už chybělo: 1" in report.orders[0].line
    assert Order.objects.filter(photos_purged_at__isnull=False).count() == 2
    assert Image.objects.get(line_item__order=first).preview.name == ""


def test_a_send_repeated_after_an_undo_counts_from_the_repeat() -> None:
    order = stored_order(sent_days_ago=40, number="#5001")
    sent_step(order, days_ago=39, to_status=Order.Status.PRINTED)
    sent_step(order, days_ago=10)

    assert orders_purge(days=30, actor=ACTOR).orders == []
    assert all(stored(all_names(order)).values())


def test_an_order_moved_back_from_sent_is_not_purged() -> None:
    order = stored_order(sent_days_ago=40, number="#5002", status=Order.Status.PRINTED)

    assert orders_purge(days=30, actor=ACTOR).orders == []
    assert all(stored(all_names(order)).values())


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"days": 0}, "days"), ({"days": -3}, "days"), ({"days": 30, "max_orders": 0}, "max_orders")],
)
def test_invalid_arguments_are_refused_in_czech_and_change_nothing(
    orders: dict[str, Order], arguments: dict[str, int], field: str
) -> None:
    rows = database_state()

    with pytest.raises(ProcessingValidationError) as refused:
        orders_purge(actor=ACTOR, **arguments)  # type: ignore[arg-type]

    assert list(refused.value.errors) == [field]
    assert "musí být" in refused.value.message
    assert database_state() == rows


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["--days", "0"], "Počet dní (--days) musí být celé číslo alespoň 1."),
        (["--days", "30", "--max-orders", "0"], "(--max-orders) musí být alespoň 1."),
    ],
)
def test_the_command_refuses_invalid_arguments_with_a_clear_error(
    orders: dict[str, Order], argv: list[str], text: str
) -> None:
    rows = database_state()

    with pytest.raises(CommandError, match=text.replace("(", r"\(").replace(")", r"\)")):
        call_command("purge_photos", *argv)

    assert database_state() == rows


def test_the_command_lists_a_dry_run_and_says_nothing_was_removed(
    orders: dict[str, Order], storage: Path
) -> None:
    files = storage_state(storage)
    out = StringIO()

    call_command("purge_photos", "--days", "30", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("#2001 (odesláno ")
    assert "4 soubory" in lines[0]
    assert "Zkušební běh (--dry-run): nic se nesmazalo." in lines
    assert lines[-1].startswith("Smazalo by se: 4 soubory")
    assert storage_state(storage) == files


def test_the_command_purges_with_books_and_reports_the_total(orders: dict[str, Order]) -> None:
    out = StringIO()

    call_command("purge_photos", "--days", "30", "--include-books", stdout=out)

    assert out.getvalue().splitlines()[-1].startswith("Smazáno: 5 souborů")
    old = Order.objects.get(pk=orders["old"].pk)
    assert old.books_purged_at is not None
    assert last_event(old).actor == ACTOR
