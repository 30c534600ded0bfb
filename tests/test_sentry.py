"""SENTRY_DSN: errors of web requests and of Celery tasks reach Sentry, without personal data.

Sentry is a local fake (tests/fakes/sentry.py) and the app runs in child processes
with the production settings (the test settings clear SENTRY_DSN, so no process of the
suite reports anywhere unless a test says so).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fotomalovanky.celery import app
from tests.fakes.sentry import FakeSentry
from tests.live import database_url, process, run_python, wait_for

CUSTOMER = "Jana Nováková"
EMAIL = "jana@example.cz"

# A view and a task that fail with a customer's data at hand: in a local variable, the
# query string, the form body and the task's argument. The request goes through the ASGI
# application, as daphne serves it.
FAIL_IN_VIEW_AND_TASK = f"""
import asyncio, sys, types
from channels.testing import HttpCommunicator
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from fotomalovanky.asgi import application
from fotomalovanky.celery import app
import sentry_sdk

@csrf_exempt
def order_view(request):
    customer = {CUSTOMER!r}
    raise RuntimeError("the view failed")

urls = types.ModuleType("failing_urls")
urls.urlpatterns = [path("orders/", order_view)]
sys.modules["failing_urls"] = urls

@app.task(name="tests.failing_task")
def failing_task(email):
    raise RuntimeError("the task failed")

async def post():
    headers = [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded")]
    body = "customer_name={CUSTOMER}".encode()
    request = HttpCommunicator(application, "POST", "/orders/?q={EMAIL}", body, headers)
    return (await request.get_response(timeout=10))["status"]

with override_settings(ROOT_URLCONF="failing_urls"):
    status = asyncio.run(post())
failing_task.apply(args=[{EMAIL!r}])
sentry_sdk.flush(timeout=10)
print(status, " ".join(sorted(sentry_sdk.get_client().integrations)))
"""


@pytest.fixture
def sentry() -> Iterator[FakeSentry]:
    with FakeSentry() as fake:
        yield fake  # type: ignore[misc]


def production_env(tmp_path: Path, **env: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings",
        "READ_DOTENV": "false",
        "SECRET_KEY": "s" * 50,
        "ALLOWED_HOSTS": "testserver",
        "DATA_DIR": str(tmp_path),
        **env,
    }


def exceptions(events: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """(mechanism, type, value) of each exception reported."""
    return {
        (exc["mechanism"]["type"], exc["type"], exc["value"])
        for event in events
        for exc in event.get("exception", {}).get("values", [])
    }


def test_a_failing_view_and_a_failing_task_are_reported_without_personal_data(
    sentry: FakeSentry, tmp_path: Path
) -> None:
    out = run_python(FAIL_IN_VIEW_AND_TASK, production_env(tmp_path, SENTRY_DSN=sentry.dsn))

    status, integrations = out.split(maxsplit=1)
    assert status == "500"
    assert {"celery", "django"} <= set(integrations.split())
    reported = exceptions(sentry.events())
    assert ("django", "RuntimeError", "the view failed") in reported
    assert ("celery", "RuntimeError", "the task failed") in reported
    for envelope in sentry.envelopes:
        text = envelope.decode().lower()
        assert "jana" not in text
        assert "nov\\u00e1kov" not in text


def test_without_a_dsn_sentry_is_not_initialised(tmp_path: Path) -> None:
    code = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"

    assert run_python(code, production_env(tmp_path, SENTRY_DSN="")).strip() == "False"


@pytest.mark.integration
@pytest.mark.django_db
def test_a_worker_reports_a_task_that_fails(
    sentry: FakeSentry, tmp_path: Path, settings: Any
) -> None:
    env = production_env(
        tmp_path, SENTRY_DSN=sentry.dsn, DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL
    )
    command = [sys.executable, "-m", "celery", "-A", "fotomalovanky", "worker", "-Q", "io"]
    command += ["-P", "solo", "-l", "INFO", "--without-mingle", "-n", "sentry@%h"]
    app.control.purge()
    try:
        with process(command, env=env, folder=tmp_path, name="worker") as worker:
            wait_for(lambda: " ready." in worker.stderr.read_text(), "the worker to be ready")
            app.send_task("processing.tasks.processing_recover", kwargs={"unexpected": 1})
            wait_for(
                lambda: any(e[:2] == ("celery", "TypeError") for e in exceptions(sentry.events())),
                "the task's error to reach Sentry",
            )
    finally:
        app.control.purge()
