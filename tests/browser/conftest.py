"""Browser tests: Debian's Chromium driven by Playwright against daphne in a subprocess,
with a real Celery worker on real Redis in the test process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from fotomalovanky.permissions import ROLE_GROUPS, Role
from orders.models import Image
from orders.photos import make_preview
from tests.factories import ImageFactory
from tests.fakes.photos import PHOTOS
from tests.live import DaphneServer, daphne

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Heslo-pro-testy-42"
# Work happens in a real worker: allow it time on a busy 2-core machine.
expect.set_options(timeout=20_000)


@pytest.fixture(autouse=True)
def _async_unsafe_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the
    # test itself are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def server(
    transactional_db: None,
    redis_channel_layer: str,
    celery_worker: object,
    storage: Path,
    settings: Any,
    tmp_path: Path,
) -> Iterator[DaphneServer]:
    """The app served by daphne on the test database, sharing storage and channel layer."""
    env = {
        "TEST_CHANNELS_PREFIX": redis_channel_layer,
        "STORAGE_PATH": str(storage),
        "REDIS_URL": settings.REDIS_URL,
    }
    with daphne(
        settings_module="tests.browser.server_settings", env=env, log=tmp_path / "daphne.log"
    ) as daphne_server:
        yield daphne_server


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def staff(transactional_db: None) -> User:
    """An operator (the role that may do everything), logged in by `log_in`."""
    user = User.objects.create_user(username="pracovnice", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.OPERATOR]))
    return user


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="cs-CZ")
    context.set_default_timeout(20_000)
    yield context
    context.close()


def log_in(page: Page, server: str, next_path: str) -> None:
    page.goto(f"{server}{next_path}")
    page.fill("#id_username", "pracovnice")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    try:
        page.wait_for_url(f"{server}{next_path}")
    except Exception:
        screenshot(page, "login-failed")
        raise


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_socket(page: Page) -> None:
    """The page's WebSocket is open (htmx marks it), so pushes from now on arrive."""
    page.wait_for_function("() => window.__socketOpen === true")


def downloaded_photo(**fields: Any) -> Image:
    """Order #1270's photo (or one made with `fields`), downloaded and with its preview,
    ready to be coloured."""
    fields = fields or {
        "line_item__order__order_number": "#1270",
        "line_item__dedication": "Pro Aničku",
    }
    image = ImageFactory(**fields)
    image.file.save("chelsea.jpg", ContentFile((PHOTOS / "chelsea.jpg").read_bytes()), save=False)
    image.preview.save(
        "preview.jpg", ContentFile(make_preview(PHOTOS / "chelsea.jpg", size=1024)), save=False
    )
    image.downloaded_at = image.line_item.order.created_at
    image.save()
    return image
