"""The staff login (the admin's) is throttled by django-axes, with a Czech lockout page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from fotomalovanky.logins import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/orders/"
PASSWORD = "heslo-123"  # tests.factories.UserFactory's


def log_in(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_four_wrong_passwords_leave_the_form_and_the_fifth_locks_out_in_czech(
    staff_user: User,
) -> None:
    client = Client()
    for _ in range(4):
        response = log_in(client, staff_user.username, "spatne")
        assert response.status_code == 200
        assert 'name="password"' in response.content.decode()

    locked = log_in(client, staff_user.username, "spatne")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Přihlášení je dočasně zablokováno" in page
    assert "Po 5 neúspěšných pokusech" in page and "na 15 minut od posledního" in page
    assert "pracovnice" in page


def test_the_right_password_is_refused_while_locked_and_works_after_the_cool_off(
    staff_user: User,
) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            log_in(client, staff_user.username, "spatne")

        assert log_in(client, staff_user.username, PASSWORD).status_code == 429
        assert client.get("/orders/").status_code == 302  # still the login page
        # Each attempt while locked starts the 15 minutes again: a guesser who keeps
        # trying stays out.
        traveller.shift(timedelta(minutes=10))
        assert log_in(client, staff_user.username, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=14))
        assert log_in(client, staff_user.username, PASSWORD).status_code == 429

        traveller.shift(timedelta(minutes=15, seconds=1))
        answer = log_in(client, staff_user.username, PASSWORD)

    assert (answer.status_code, answer["Location"]) == (302, "/orders/")
    assert client.get("/orders/").status_code == 200


def test_a_lockout_holds_one_username_from_one_address_only(
    staff_user: User, printer_user: User
) -> None:
    for _ in range(5):
        log_in(Client(REMOTE_ADDR="10.0.0.1"), staff_user.username, "spatne")

    assert log_in(Client(REMOTE_ADDR="10.0.0.1"), staff_user.username, PASSWORD).status_code == 429
    # The same person from elsewhere, and a colleague from the same address, log in.
    assert log_in(Client(REMOTE_ADDR="10.0.0.2"), staff_user.username, PASSWORD).status_code == 302
    assert (
        log_in(Client(REMOTE_ADDR="10.0.0.1"), printer_user.username, PASSWORD).status_code == 302
    )


def test_a_successful_login_clears_the_count(staff_user: User) -> None:
    client = Client()
    for _ in range(4):
        log_in(client, staff_user.username, "spatne")
    assert log_in(client, staff_user.username, PASSWORD).status_code == 302

    for _ in range(4):
        assert log_in(Client(), staff_user.username, "spatne").status_code == 200


def test_force_login_still_logs_in(staff_client: Client) -> None:
    assert staff_client.get("/orders/").status_code == 200


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings: Any) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "10.0.0.9"

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "203.0.113.7"
