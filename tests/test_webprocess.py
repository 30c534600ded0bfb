"""The web process waits briefly for a pooled connection; workers and commands longer.

Each case starts a fresh Python, as daphne or Celery would, with PostgreSQL configured
(the pool's settings are read only; nothing connects).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.conf import settings

from fotomalovanky import webprocess
from tests.live import run_python

PRINT_DATABASE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'options': db['OPTIONS'], 'checks': db['CONN_HEALTH_CHECKS']}))"
)


def database_settings(entry_point: str, **env: str) -> dict[str, Any]:
    """The database settings of a process that starts by importing `entry_point`."""
    environment = {
        **os.environ,
        "READ_DOTENV": "false",
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://fm:secret@127.0.0.1:9/fm",
        **env,
    }
    output = run_python(f"import {entry_point}; {PRINT_DATABASE}", environment, timeout=60)
    return dict(json.loads(output.splitlines()[-1]))


@pytest.mark.parametrize("entry_point", ["fotomalovanky.asgi", "fotomalovanky.wsgi"])
def test_the_web_process_waits_two_seconds_for_a_connection(entry_point: str) -> None:
    database = database_settings(entry_point)

    assert database["options"]["pool"]["timeout"] == 2.0
    assert database["options"]["connect_timeout"] == 3
    assert database["checks"] is True


def test_a_worker_or_command_waits_ten_seconds() -> None:
    # `celery -A fotomalovanky` and manage.py import the package, never asgi or wsgi.
    database = database_settings("fotomalovanky.celery")

    assert database["options"]["pool"]["timeout"] == 10.0
    assert database["options"]["connect_timeout"] == 3


def test_both_waits_come_from_the_environment() -> None:
    env = {"DATABASE_WEB_POOL_TIMEOUT": "1.5", "DATABASE_POOL_TIMEOUT": "30"}

    web = database_settings("fotomalovanky.asgi", **env)
    worker = database_settings("fotomalovanky.celery", **env)

    assert web["options"]["pool"]["timeout"] == 1.5
    assert worker["options"]["pool"]["timeout"] == 30


def test_a_process_set_up_before_the_import_keeps_its_settings() -> None:
    # This test process: pytest-django set Django up long before; its pool may exist.
    before = json.dumps(settings.DATABASES, sort_keys=True, default=str)

    webprocess.configure()

    assert json.dumps(settings.DATABASES, sort_keys=True, default=str) == before
