"""Stored files are served to logged-in staff only, with a policy that keeps scripts inert."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def stored_svg() -> str:
    return default_storage.save("1/2/svg/v1/image_1.svg", ContentFile(SVG_WITH_SCRIPT))


@pytest.mark.django_db
def test_staff_get_the_file_with_a_sandboxing_policy(staff_client: Client, stored_svg: str) -> None:
    response = staff_client.get(f"/media/{stored_svg}")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SVG_WITH_SCRIPT
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client: Client, stored_svg: str) -> None:
    response = client.get(f"/media/{stored_svg}")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_non_staff_users_do_not_get_the_file(plain_client: Client, stored_svg: str) -> None:
    response = plain_client.get(f"/media/{stored_svg}")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["missing.png", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"])
def test_missing_or_escaping_paths_are_404(staff_client: Client, path: str) -> None:
    assert staff_client.get(f"/media/{path}").status_code == 404


@pytest.mark.django_db
def test_nginx_sends_the_file_when_accel_redirect_is_set(
    staff_client: Client, stored_svg: str, settings: Any
) -> None:
    settings.MEDIA_ACCEL_REDIRECT = "/protected/"

    response = staff_client.get(f"/media/{stored_svg}")

    assert response["X-Accel-Redirect"] == f"/protected/{stored_svg}"
    assert response.content == b""
    assert "sandbox" in response["Content-Security-Policy"]
