"""`manage.py check --deploy` tells the truth about our sync-only middleware chain."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from fotomalovanky.checks import as_recognised, axes_middleware, security_middleware

BASE_DIR = Path(__file__).resolve().parent.parent


def readme_production_settings() -> dict[str, str]:
    """The variables README.md's "Production settings" block lists, with a real key."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Production settings\n.*?```sh\n(.*?)```", readme, re.DOTALL)
    assert block, "README.md has no Production settings block"
    variables = dict(line.split("=", 1) for line in block[1].splitlines())
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def check_deploy(tmp_path: Path, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`check --deploy` in a fresh process with only these variables (and no .env)."""
    environment = {
        "PATH": os.environ["PATH"],
        "READ_DOTENV": "false",
        "DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "fotomalovanky.settings",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, readme_production_settings())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_hsts_ssl_redirect_and_an_insecure_csrf_cookie_are_reported(
    tmp_path: Path,
) -> None:
    variables = readme_production_settings()
    for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"):
        del variables[name]
    variables["CSRF_COOKIE_SECURE"] = "false"

    result = check_deploy(tmp_path, variables)

    assert result.returncode != 0
    found = set(re.findall(r"\(([\w.]+)\)", result.stderr))
    assert found == {"security.W004", "security.W008", "security.W016"}


def test_an_insecure_session_cookie_is_reported(tmp_path: Path) -> None:
    variables = readme_production_settings()
    variables["SESSION_COOKIE_SECURE"] = "false"

    result = check_deploy(tmp_path, variables)

    assert set(re.findall(r"\(([\w.]+)\)", result.stderr)) == {"security.W010"}


def test_with_debug_off_the_session_and_csrf_cookies_are_secure_by_default(
    tmp_path: Path,
) -> None:
    variables = readme_production_settings()

    assert "SESSION_COOKIE_SECURE" not in variables and "CSRF_COOKIE_SECURE" not in variables
    assert check_deploy(tmp_path, variables).returncode == 0


def test_our_subclasses_are_recognised_as_djangos_middleware(settings: Any) -> None:
    recognised = as_recognised(settings.MIDDLEWARE)

    assert "django.middleware.security.SecurityMiddleware" in recognised
    assert "django.middleware.clickjacking.XFrameOptionsMiddleware" in recognised
    assert "django.middleware.csrf.CsrfViewMiddleware" in recognised
    assert "django.contrib.sessions.middleware.SessionMiddleware" in recognised
    assert "fotomalovanky.middleware.HtmxMiddleware" in recognised
    assert "axes.middleware.AxesMiddleware" in recognised
    assert axes_middleware(None) == []


def test_a_missing_middleware_is_still_reported_under_our_id(settings: Any) -> None:
    settings.MIDDLEWARE = [
        path for path in settings.MIDDLEWARE if not path.endswith(".SecurityMiddleware")
    ]

    ids = {message.id for message in security_middleware(None)}

    assert "fotomalovanky.security.W001" in ids
    assert "security.W001" not in ids


def test_a_missing_login_throttle_is_reported_under_our_id(settings: Any) -> None:
    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if "Axes" not in path]

    assert [message.id for message in axes_middleware(None)] == ["fotomalovanky.axes.W002"]
