"""Retention in a bucket (a real S3 endpoint) and the nightly beat run, off by default."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from fotomalovanky.celery import app
from orders.models import Order
from processing.services import orders_purge
from processing.tasks import orders_purge_scheduled
from tests.processing.retention_helpers import all_names, database_state, stored_order
from tests.s3 import S3Bucket

pytestmark = pytest.mark.django_db


def test_it_purges_the_files_from_a_bucket_and_keeps_the_book(s3: S3Bucket) -> None:
    old = stored_order(sent_days_ago=31, number="#2001")
    recent = stored_order(sent_days_ago=29, number="#2002")
    old_names, recent_names = all_names(old), all_names(recent)
    book = old.line_items.get().book_versions.get().file.name
    assert s3.keys() == sorted(old_names + recent_names)

    report = orders_purge(days=30, actor="command:purge_photos")

    assert [(p.order_number, p.files, p.missing) for p in report.orders] == [("#2001", 4, 0)]
    assert s3.keys() == sorted([book, *recent_names])
    assert report.orders[0].bytes > 0


def test_a_dry_run_on_a_bucket_measures_and_removes_nothing(s3: S3Bucket) -> None:
    stored_order(sent_days_ago=31, number="#2001")
    keys, rows = s3.keys(), database_state()

    report = orders_purge(days=30, dry_run=True, actor="command:purge_photos")

    assert report.orders[0].files == 4
    assert report.orders[0].bytes == sum(
        len(s3.read(key)) for key in keys if not key.endswith("book.pdf")
    )
    assert s3.keys() == keys
    assert database_state() == rows


def test_the_beat_schedule_runs_the_purge_task_every_night() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["orders-purge"]

    assert entry["task"] == "processing.tasks.orders_purge_scheduled"
    assert entry["task"] in app.tasks
    assert django_settings.PURGE_PHOTOS_ENABLED is False


def test_the_scheduled_run_is_disabled_by_default_and_removes_nothing(settings: Any) -> None:
    settings.PURGE_PHOTOS_ENABLED = False
    order = stored_order(sent_days_ago=400, number="#2001")
    rows = database_state()

    assert orders_purge_scheduled() == "disabled"

    assert database_state() == rows
    assert Order.objects.get(pk=order.pk).photos_purged_at is None


def test_the_scheduled_run_purges_with_the_configured_days_when_enabled(settings: Any) -> None:
    settings.PURGE_PHOTOS_ENABLED = True
    settings.PURGE_PHOTOS_DAYS = 30
    old = stored_order(sent_days_ago=31, number="#2001")
    recent = stored_order(sent_days_ago=29, number="#2002")

    assert orders_purge_scheduled() == "purged 1 orders, 4 files"
    assert orders_purge_scheduled() == "purged 0 orders, 0 files"

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.photos_purged_at is not None and old.books_purged_at is None
    assert recent.photos_purged_at is None
    assert old.events.latest("created_at", "pk").actor == "system:retention"


def test_the_scheduled_run_takes_the_books_when_configured_and_caps_the_orders(
    settings: Any,
) -> None:
    settings.PURGE_PHOTOS_ENABLED = True
    settings.PURGE_PHOTOS_INCLUDE_BOOKS = True
    settings.PURGE_PHOTOS_MAX_ORDERS = 1
    stored_order(sent_days_ago=35, number="#2001")
    older = stored_order(sent_days_ago=40, number="#2002")

    assert orders_purge_scheduled() == "purged 1 orders, 5 files"

    older.refresh_from_db()
    assert older.books_purged_at is not None
    assert Order.objects.filter(photos_purged_at__isnull=True).count() == 1
