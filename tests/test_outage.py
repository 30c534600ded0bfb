"""While the database cannot be reached: 503 with a Czech page, banner or JSON, not a 500.

The database of this process is made unreachable (SQLite: a file that cannot be
opened; PostgreSQL: a closed port), after the staff member logged in: the first query
of a request is then the session lookup that `staff_member_required` triggers.
tests/test_outage_postgres.py does the same to a real daphne.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client

from fotomalovanky.api.auth import api_token_issue
from fotomalovanky.outage import MESSAGE
from tests import factories
from tests.live import free_port as closed_port
from tests.live import reset_connections

pytestmark = pytest.mark.django_db(transaction=True)

API_SECRET = "test-api-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def staff(staff_user: User, settings: Any) -> Client:
    """A logged-in staff client that gets the error page, as a browser would."""
    settings.API_JWT_SECRET = API_SECRET
    factories.OrderFactory(order_number="#1270")
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    return client


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    reset_connections()
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent/dir/db.sqlite3")
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port()))
        pool = {**connection.settings_dict["OPTIONS"]["pool"], "timeout": 1}
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "pool", pool)
    yield
    monkeypatch.undo()
    reset_connections()


def assert_503(response: HttpResponse) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/orders/", "/orders/1270/"])
def test_a_staff_page_answers_503_with_a_czech_page(
    staff: Client, database_down: None, path: str
) -> None:
    response = staff.get(path)

    assert_503(response)
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert MESSAGE in html
    assert '<html lang="cs">' in html
    assert f'href="{path}"' in html  # "Zkusit znovu"


def test_an_htmx_request_gets_the_banner_retargeted_into_the_page(
    staff: Client, database_down: None
) -> None:
    response = staff.get("/orders/", {"q": "12"}, headers={"HX-Request": "true"})

    assert_503(response)
    assert response["HX-Retarget"] == "#banner"
    assert response["HX-Reswap"] == "innerHTML"
    assert response["HX-Push-Url"] == "false"
    html = response.content.decode()
    assert 'class="banner error"' in html
    assert MESSAGE in html
    assert "<html" not in html


def test_a_failed_action_without_htmx_gets_the_page_without_a_retry_link(
    staff: Client, database_down: None
) -> None:
    response = staff.post("/orders/1270/sync/")

    assert_503(response)
    assert MESSAGE in response.content.decode()
    assert "Zkusit znovu" not in response.content.decode()


@pytest.fixture
def token(staff: Client, staff_user: User) -> str:
    return api_token_issue(username=staff_user.username, days=1)


@pytest.mark.parametrize("path", ["/api/v1/orders/1270", "/api/v1/orders"])
def test_the_api_answers_503_in_its_detail_shape(
    token: str, database_down: None, path: str
) -> None:
    client = Client(headers={"Authorization": f"Bearer {token}"})

    response = client.get(path)

    assert_503(response)
    assert response.json() == {"detail": MESSAGE}


def test_the_api_answers_503_to_a_staff_session_too(staff: Client, database_down: None) -> None:
    response = staff.get("/api/v1/orders/1270")

    assert_503(response)
    assert response.json() == {"detail": MESSAGE}


class RaiseInMiddleware:
    """Stands for a middleware whose own query fails (the session saved on the way out)."""

    error: Exception = OperationalError("server closed the connection unexpectedly")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raise self.error


@pytest.fixture
def raising_middleware(settings: Any) -> type[RaiseInMiddleware]:
    middleware = list(settings.MIDDLEWARE)
    after_sessions = middleware.index("fotomalovanky.middleware.SessionMiddleware") + 1
    middleware.insert(after_sessions, f"{__name__}.RaiseInMiddleware")
    settings.MIDDLEWARE = middleware
    return RaiseInMiddleware


def test_a_database_error_raised_in_a_middleware_answers_503_too(
    raising_middleware: type[RaiseInMiddleware],
) -> None:
    response = Client(raise_request_exception=False).get("/orders/")

    assert_503(response)
    assert MESSAGE in response.content.decode()


def test_any_other_error_still_answers_django_s_500(
    raising_middleware: type[RaiseInMiddleware], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(raising_middleware, "error", RuntimeError("a bug"))

    response = Client(raise_request_exception=False).get("/orders/")

    assert response.status_code == 500
    assert MESSAGE not in response.content.decode()
    assert not response.has_header("Retry-After")
