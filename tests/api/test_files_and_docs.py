"""The file URLs in API answers accept the API's token; the OpenAPI document and its
docs page are for staff only; unknown paths and methods answer in the JSON shape."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from tests.asgi import asgi_call

from .conftest import bearer, first_image, full_order, make_token

pytestmark = pytest.mark.django_db


def test_a_file_url_from_the_api_serves_the_file_to_the_same_token(api: Client) -> None:
    image = first_image(full_order(images=1, versions=0))
    url = api.get(f"/api/v1/orders/1270/images/{image.pk}").json()["url"]

    response = api.get(url.removeprefix("http://testserver"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8fake"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_is_refused_to_a_bad_token_with_401(staff_user: User) -> None:
    name = default_storage.save("1/2/image_1.jpg", ContentFile(b"jpeg"))

    response = bearer("not-a-jwt").get(f"/media/{name}")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_file_is_refused_to_a_non_staff_token_with_403(plain_user: User) -> None:
    name = default_storage.save("1/2/image_1.jpg", ContentFile(b"jpeg"))

    assert bearer(make_token(plain_user.username)).get(f"/media/{name}").status_code == 403


def test_a_missing_file_is_404_for_a_token_too(api: Client) -> None:
    assert api.get("/media/1/2/missing.jpg").status_code == 404


def test_the_openapi_document_lists_every_endpoint_of_the_seed_and_the_books(api: Client) -> None:
    response = api.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = {(method.upper(), path) for path, item in paths.items() for method in item}
    prefix = "/api/v1"
    assert operations == {
        ("GET", f"{prefix}/health"),
        ("GET", f"{prefix}/orders"),
        ("GET", f"{prefix}/orders/{{order_number}}"),
        ("GET", f"{prefix}/orders/{{order_number}}/images/{{image_id}}"),
        ("POST", f"{prefix}/orders/{{order_number}}/sync"),
        ("POST", f"{prefix}/orders/fetch-from-shopify"),
        ("POST", f"{prefix}/orders/{{order_number}}/generate-coloring"),
        ("POST", f"{prefix}/images/{{image_id}}/generate-coloring"),
        ("GET", f"{prefix}/images/{{image_id}}/coloring-versions"),
        ("POST", f"{prefix}/coloring-versions/{{version_id}}/retry"),
        ("POST", f"{prefix}/orders/{{order_number}}/generate-svg"),
        ("POST", f"{prefix}/images/{{image_id}}/generate-svg"),
        ("GET", f"{prefix}/images/{{image_id}}/svg-versions"),
        ("POST", f"{prefix}/svg-versions/{{version_id}}/retry"),
        ("POST", f"{prefix}/images/{{image_id}}/select-coloring/{{version_id}}"),
        ("POST", f"{prefix}/images/{{image_id}}/select-svg/{{version_id}}"),
        # Books (issue 12).
        ("POST", f"{prefix}/orders/{{order_number}}/generate-pdf"),
        ("POST", f"{prefix}/line-items/{{line_item_id}}/generate-pdf"),
        ("GET", f"{prefix}/line-items/{{line_item_id}}/book-versions"),
    }


def test_the_openapi_document_and_docs_are_refused_to_anonymous_users(client: Client) -> None:
    for path in ("/api/v1/openapi.json", "/api/v1/docs"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_the_openapi_document_is_refused_to_non_staff(plain_client: Client) -> None:
    assert plain_client.get("/api/v1/openapi.json").status_code == 302


def test_staff_see_the_docs_page_with_bundled_files(staff_client: Client) -> None:
    response = staff_client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content
    assert b"https://" not in response.content  # nothing from a CDN


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nothing", "/api/v1/orders/"])
def test_unknown_paths_under_the_api_are_json_404(api: Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nenalezeno."}


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(api: Client) -> None:
    response = api.delete("/api/v1/orders")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"detail": "Metoda DELETE zde není povolena."}


def test_the_health_check_is_never_cached(client: Client) -> None:
    response = client.get("/api/v1/health")

    assert "no-cache" in response["Cache-Control"]


def test_the_shopify_webhook_is_still_served_by_its_own_view() -> None:
    response = asgi_call(
        "POST", "/api/v1/webhooks/shopify", body=b"{}", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 401  # unsigned: its HMAC check, not the API's auth
    assert "X-Shopify-Hmac-Sha256" in response.json()["detail"]
