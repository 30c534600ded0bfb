"""manage.py issue_api_token <username> --days N."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import jwt
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from .conftest import SECRET, bearer

pytestmark = pytest.mark.django_db


def issue(*args: str) -> str:
    out = StringIO()
    call_command("issue_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_a_token_the_api_accepts(staff_user: User) -> None:
    token = issue(staff_user.username, "--days", "7")

    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="fotomalovanky-api")
    assert claims["sub"] == staff_user.username
    lifetime = claims["exp"] - timezone.now().timestamp()
    assert timedelta(days=7) - timedelta(minutes=1) < timedelta(seconds=lifetime)
    assert lifetime <= timedelta(days=7).total_seconds()
    assert bearer(token).get("/api/v1/orders").status_code == 200


def test_the_default_is_thirty_days(staff_user: User) -> None:
    claims = jwt.decode(
        issue(staff_user.username), SECRET, algorithms=["HS256"], audience="fotomalovanky-api"
    )

    assert claims["exp"] - claims["iat"] == timedelta(days=30).total_seconds()


@pytest.mark.parametrize("who", ["nobody", "zakaznik", "byvala"])
def test_it_refuses_unknown_non_staff_and_inactive_users(plain_user: User, who: str) -> None:
    User.objects.create_user("byvala", is_staff=True, is_active=False)

    with pytest.raises(CommandError, match="not an active staff user"):
        issue(who)


@pytest.mark.parametrize("days", ["0", "-3", "3651"])
def test_it_refuses_a_period_out_of_range(staff_user: User, days: str) -> None:
    with pytest.raises(CommandError, match="1 to 3650 days"):
        issue(staff_user.username, "--days", days)


@pytest.mark.parametrize("secret", ["", "short"])
def test_it_refuses_to_sign_with_an_unusable_secret(
    staff_user: User, settings: Any, secret: str
) -> None:
    settings.API_JWT_SECRET = secret

    with pytest.raises(CommandError, match="API_JWT_SECRET"):
        issue(staff_user.username)


def test_a_token_stops_working_when_the_user_leaves_the_staff(staff_user: User) -> None:
    token = issue(staff_user.username)
    staff_user.is_staff = False
    staff_user.save()

    assert bearer(token).get("/api/v1/orders").status_code == 403
