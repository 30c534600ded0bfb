"""`manage.py ensure_admin`: an admin account exists after the first start, once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command


@pytest.mark.django_db
def test_it_creates_an_admin_and_prints_the_generated_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)

    call_command("ensure_admin")

    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(password)


@pytest.mark.django_db
def test_it_takes_admin_password_and_does_not_print_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "tajne-heslo-42")

    call_command("ensure_admin")

    assert "tajne-heslo-42" not in capsys.readouterr().out
    assert User.objects.get(username="admin").check_password("tajne-heslo-42")


@pytest.mark.django_db
def test_it_leaves_an_existing_admin_alone(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, superuser: User
) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "jine-heslo-42")

    call_command("ensure_admin")

    assert "spravce (exists)" in capsys.readouterr().out
    assert User.objects.count() == 1
    assert not User.objects.get().check_password("jine-heslo-42")
