"""Shared helpers for the benchmark scripts: Django set-up, a throw-away database, figures."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings_test")
    import django

    django.setup()


@contextmanager
def temporary_database() -> Iterator[str]:
    """A fresh, migrated test database (test_<name>), dropped afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def describe_machine() -> str:
    from django.db import connection

    return (
        f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
        f"{connection.vendor}"
    )


def summary_ms(values: Sequence[float]) -> str:
    """p50 / p95 / p99 of durations given in seconds."""
    parts = [f"p{p} {percentile(values, p) * 1000:.1f} ms" for p in (50, 95, 99)]
    return " · ".join([*parts, f"mean {statistics.mean(values) * 1000:.1f} ms"])


def current_database_url() -> str:
    """A DATABASE_URL for the database this process uses now (e.g. the temporary one)."""
    from tests.live import database_url

    return database_url()
