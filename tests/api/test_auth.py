"""Who may call the API: a valid staff token or a staff session with CSRF; nobody else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests import factories

from .conftest import SECRET, bearer, make_token, unsigned_token

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders"


def assert_refused(response: Any, status: int) -> str:
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    return detail


def test_a_valid_token_is_accepted(api: Client) -> None:
    assert api.get(ORDERS).status_code == 200


def test_a_request_without_credentials_is_401(client: Client) -> None:
    detail = assert_refused(client.get(ORDERS), 401)

    assert "Authorization: Bearer" in detail


def test_a_post_without_credentials_is_401_not_a_csrf_error(client: Client) -> None:
    factories.OrderFactory(order_number="#1270")

    assert_refused(Client(enforce_csrf_checks=True).post("/api/v1/orders/1270/sync"), 401)


def test_an_expired_token_is_401(staff_user: User) -> None:
    expired = make_token(staff_user.username, exp=timezone.now() - timedelta(minutes=5))

    detail = assert_refused(bearer(expired).get(ORDERS), 401)

    assert "vypršel" in detail


def test_a_token_expired_within_the_leeway_still_counts(staff_user: User) -> None:
    just_expired = make_token(staff_user.username, exp=timezone.now() - timedelta(seconds=5))

    assert bearer(just_expired).get(ORDERS).status_code == 200


def test_a_tampered_token_is_401(staff_user: User, superuser: User) -> None:
    header, _, signature = make_token(staff_user.username).split(".")
    forged_claims = make_token(superuser.username).split(".")[1]

    assert_refused(bearer(f"{header}.{forged_claims}.{signature}").get(ORDERS), 401)


def test_an_unsigned_alg_none_token_is_401(staff_user: User) -> None:
    assert_refused(bearer(unsigned_token(staff_user.username)).get(ORDERS), 401)


def test_a_token_signed_with_another_secret_is_401(staff_user: User) -> None:
    forged = make_token(staff_user.username, secret="another-secret-of-the-same-length-1234")

    assert_refused(bearer(forged).get(ORDERS), 401)


@pytest.mark.parametrize("claim", ["exp", "sub", "aud"])
def test_a_token_without_a_required_claim_is_401(staff_user: User, claim: str) -> None:
    assert_refused(bearer(make_token(staff_user.username, **{claim: None})).get(ORDERS), 401)


def test_a_token_for_another_audience_is_401(staff_user: User) -> None:
    other = make_token(staff_user.username, aud="mercure")

    assert_refused(bearer(other).get(ORDERS), 401)


@pytest.mark.parametrize("value", ["", "not-a-jwt", "a.b.c", "Bearer x"])
def test_garbage_tokens_are_401(value: str) -> None:
    assert_refused(Client(headers={"Authorization": f"Bearer {value}"}).get(ORDERS), 401)


def test_a_token_of_a_non_staff_user_is_403(plain_user: User) -> None:
    detail = assert_refused(bearer(make_token(plain_user.username)).get(ORDERS), 403)

    assert "personálu" in detail


def test_a_token_of_an_inactive_staff_user_is_401(staff_user: User) -> None:
    token = make_token(staff_user.username)
    staff_user.is_active = False
    staff_user.save()

    assert_refused(bearer(token).get(ORDERS), 401)


def test_a_token_of_a_deleted_user_is_401(staff_user: User) -> None:
    token = make_token(staff_user.username)
    staff_user.delete()

    assert_refused(bearer(token).get(ORDERS), 401)


@pytest.mark.parametrize("secret", ["", "too-short-secret"])
def test_an_unusable_secret_refuses_every_token_naming_the_variable(
    staff_user: User, settings: Any, secret: str
) -> None:
    token = make_token(staff_user.username)
    settings.API_JWT_SECRET = secret

    detail = assert_refused(bearer(token).get(ORDERS), 401)

    assert "API_JWT_SECRET" in detail


def test_a_bad_token_is_refused_even_with_a_staff_session(staff_user: User) -> None:
    client = bearer("not-a-jwt")
    client.force_login(staff_user)

    assert_refused(client.get(ORDERS), 401)


def test_a_staff_session_may_read(staff_client: Client) -> None:
    assert staff_client.get(ORDERS).status_code == 200


def test_a_non_staff_session_is_403(plain_client: Client) -> None:
    assert_refused(plain_client.get(ORDERS), 403)


def session_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_session_post_without_the_csrf_token_is_403(staff_user: User) -> None:
    factories.OrderFactory(order_number="#1270")
    client = session_client(staff_user)

    detail = assert_refused(client.post("/api/v1/orders/1270/sync"), 403)

    assert "CSRF" in detail


def test_a_session_post_with_the_csrf_token_is_accepted(staff_user: User) -> None:
    factories.OrderFactory(order_number="#1270")
    client = session_client(staff_user)
    client.get("/admin/")  # any page that sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post("/api/v1/orders/1270/sync", headers={"X-CSRFToken": csrf})

    assert response.status_code == 200


def test_a_token_post_needs_no_csrf_token(token: str) -> None:
    factories.OrderFactory(order_number="#1270")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})

    assert client.post("/api/v1/orders/1270/sync").status_code == 200


def test_the_health_check_needs_no_credentials(client: Client) -> None:
    assert client.get("/api/v1/health").status_code == 200


def test_the_secret_used_by_the_tests_is_long_enough() -> None:
    assert len(SECRET) >= 32
