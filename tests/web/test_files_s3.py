"""The staff-only media view with files in a bucket (a real S3 endpoint, moto's server).

Access is checked before anything leaves the bucket: streamed through, or with
MEDIA_PRESIGNED a redirect to a URL that is valid for 60 s. A missing object and a
storage that is down get a Czech sentence, never a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from common.storage import stored_save
from tests.s3 import S3Bucket

pytestmark = pytest.mark.django_db
NAME = "3/4/svg/v1/image_1.svg"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def stored(s3: S3Bucket) -> str:
    return stored_save(NAME, SVG)


def test_staff_get_the_object_streamed_with_the_sandboxing_policy(
    staff_client: Client, stored: str
) -> None:
    response = staff_client.get(f"/media/{stored}")

    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == SVG
    assert response["Content-Length"] == str(len(SVG))
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_head_answers_without_a_body(staff_client: Client, stored: str) -> None:
    response = staff_client.head(f"/media/{stored}")
    response.close()  # as the server does; the test client leaves it to the caller

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(SVG))


@pytest.mark.parametrize("who", ["client", "plain_client"])
def test_presigned_redirects_are_given_only_after_the_staff_check(
    request: pytest.FixtureRequest, who: str, stored: str, settings: Any, s3: S3Bucket
) -> None:
    settings.MEDIA_PRESIGNED = True
    visitor: Client = request.getfixturevalue(who)

    response = visitor.get(f"/media/{stored}")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert s3.endpoint not in response["Location"] and "X-Amz" not in response["Location"]


def test_staff_are_redirected_to_a_url_valid_for_60_seconds(
    staff_client: Client, stored: str, settings: Any, s3: S3Bucket
) -> None:
    settings.MEDIA_PRESIGNED = True

    response = staff_client.get(f"/media/{stored}")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3.endpoint}/{s3.name}/{NAME}?")
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["60"]
    assert response["Cache-Control"] == "private, no-store"
    assert requests.get(location, timeout=5).content == SVG


@pytest.mark.parametrize("presigned", [False, True])
def test_a_missing_object_is_a_czech_404(
    staff_client: Client, s3: S3Bucket, settings: Any, presigned: bool
) -> None:
    settings.MEDIA_PRESIGNED = presigned

    response = staff_client.get("/media/3/4/svg/v9/image_1.svg")

    assert response.status_code == 404
    assert response.content.decode() == "Soubor v úložišti chybí."


def test_a_storage_that_is_down_is_a_czech_503(staff_client: Client, s3_proxied: S3Bucket) -> None:
    stored_save(NAME, SVG)
    s3_proxied.proxy.cut()

    response = staff_client.get(f"/media/{NAME}")

    assert response.status_code == 503
    assert "Úložiště souborů je teď nedostupné" in response.content.decode()
    assert response["Retry-After"] == "30"
