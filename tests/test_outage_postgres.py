"""A real outage: daphne on a PostgreSQL database reached through a TCP proxy that the
test cuts (open connections dropped, new ones refused) and restores.

The pages and the API answer 503 within 3 s while the database is away, and 200 again
once it is back, with nobody restarting anything. The database is one of this test's
own, on the PostgreSQL the suite runs on (DATABASE_URL) or else on 127.0.0.1:5432,
which every machine and CI that runs the suite has: on SQLite this test does not
skip, and without that PostgreSQL it fails.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from fotomalovanky.outage import MESSAGE
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.fakes.tcp_proxy import TcpProxy, tcp_proxy
from tests.live import BASE_DIR, daphne, run_python
from tests.postgres import database_url, own_database

pytestmark = pytest.mark.integration

API_SECRET = "outage-test-api-secret-0123456789abcdef"
PAGES = ["/orders/", "/orders/1270/", "/api/v1/orders/1270"]
# The web process waits DATABASE_WEB_POOL_TIMEOUT (2 s) for a connection.
FAST = 3.0

# Run in a child process on the new database: migrate, then a staff member with a
# session and an API token, and one order.
SETUP = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from fotomalovanky.api.auth import api_token_issue
from fotomalovanky.permissions import Role
from tests import factories
call_command("migrate", verbosity=0)
user = factories.UserFactory(username="pracovnice", is_staff=True, role=Role.OPERATOR)
factories.OrderFactory(order_number="#1270")
client = Client()
client.force_login(user)
token = api_token_issue(username=user.username, days=1)
print(json.dumps({"session": client.cookies["sessionid"].value, "token": token}))
"""


@dataclass
class Site:
    url: str
    proxy: TcpProxy
    session: str
    token: str

    def get(self, path: str, **headers: str) -> requests.Response:
        if path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.token}"
        cookies = {"sessionid": self.session}
        return requests.get(self.url + path, headers=headers, cookies=cookies, timeout=30)


def prepare(config: dict[str, Any]) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings_test",
        "DATABASE_URL": database_url(config),
        "API_JWT_SECRET": API_SECRET,
        "PYTHONPATH": str(BASE_DIR),
    }
    return dict(json.loads(run_python(SETUP, env).splitlines()[-1]))


@pytest.fixture(scope="module")
def database() -> Iterator[dict[str, Any]]:
    with own_database("fm_outage") as config:
        yield config


@pytest.fixture(scope="module")
def site(database: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """daphne on the database, through a proxy that the tests cut and restore."""
    secrets = prepare(database)
    target = (database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    tmp = tmp_path_factory.mktemp("outage")
    with tcp_proxy(target) as proxy:
        env = {
            "DATABASE_URL": database_url(database, proxy.port),
            "API_JWT_SECRET": API_SECRET,
            "STORAGE_PATH": str(tmp / "storage"),
        }
        with daphne(
            settings_module="fotomalovanky.settings_test", env=env, log=tmp / "daphne.log"
        ) as server:
            yield Site(server.url, proxy, secrets["session"], secrets["token"])


def wait_for_200(site: Site, path: str, timeout: float = 20.0) -> float:
    """Seconds until `path` answers 200 again."""
    started = time.monotonic()
    while (status := site.get(path).status_code) != 200:
        assert status == 503, f"{path} answered {status} while the database came back"
        assert time.monotonic() - started < timeout, f"{path} still answers 503"
        time.sleep(0.2)
    return time.monotonic() - started


def assert_unavailable(response: requests.Response, elapsed: float, path: str) -> None:
    assert response.status_code == 503, f"{path}: {response.status_code} {response.text[:300]}"
    assert elapsed < FAST, f"{path} took {elapsed:.1f} s to answer 503"
    assert response.headers["Retry-After"] == "10"
    if path.startswith("/api/"):
        assert response.json() == {"detail": MESSAGE}
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        assert MESSAGE in response.text


def timed_get(site: Site, path: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = site.get(path)
    return response, time.monotonic() - started


def test_pages_and_api_answer_503_fast_while_postgres_is_away_and_200_once_it_is_back(
    site: Site,
) -> None:
    for path in PAGES:
        assert site.get(path).status_code == 200, path

    site.proxy.cut()
    try:
        for path in PAGES:
            assert_unavailable(*timed_get(site, path), path)
        # Staff and scripts at the same time: each waits its own 2 s, not in turn.
        with ThreadPoolExecutor(len(PAGES) * 2) as pool:
            answers = list(pool.map(lambda path: timed_get(site, path), PAGES * 2))
        for (response, elapsed), path in zip(answers, PAGES * 2, strict=True):
            assert_unavailable(response, elapsed, path)
    finally:
        site.proxy.restore()

    for path in PAGES:
        wait_for_200(site, path)


def test_an_htmx_request_shows_the_czech_banner_while_postgres_is_away(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Playwright's sync API runs an event loop in this thread; no ORM runs here anyway.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(locale="cs-CZ")
        context.add_cookies([{"name": "sessionid", "value": site.session, "url": site.url}])
        page = context.new_page()
        page.goto(f"{site.url}/orders/")
        expect(page.locator("#order-table")).to_contain_text("#1270")

        site.proxy.cut()
        try:
            page.fill("#search", "1270")  # the filter form's hx-get, as typed
            expect(page.locator("#banner")).to_contain_text(MESSAGE, timeout=10_000)
        finally:
            site.proxy.restore()
        expect(page.locator("#order-table")).to_contain_text("#1270")  # not swapped away
        assert page.url == f"{site.url}/orders/"  # the failed search is no history entry
        chromium.close()
