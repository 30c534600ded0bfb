"""Headers of each kind of response: a Content-Security-Policy on every page (stored files
keep their stricter one), and nothing shown to staff is kept by a cache."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseBase
from django.test import Client

from fotomalovanky.web.files import FILE_CSP
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# What the policy forbids in markup: inline scripts, inline styles, inline event handlers.
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
def image() -> Any:
    return ImageFactory(downloaded=True, line_item__order__order_number="#1270", position=1)


def staff_responses(client: Client, image: Any) -> dict[str, HttpResponseBase]:
    """One response of each kind a staff member gets from our own views."""
    card = f"/orders/1270/images/{image.pk}/"
    responses = {
        "order list": client.get("/orders/"),
        "order list, htmx partial": client.get("/orders/?q=1270", headers=HTMX),
        "order detail": client.get("/orders/1270/"),
        "photo card, htmx partial": client.get(card, headers=HTMX),
        "action's answer": client.post(
            card + "coloring/", {"megapixels": "1", "steps": "4"}, headers=HTMX
        ),
    }
    # Retrying the version just queued is refused (it is not in error): a 400 card.
    version = image.coloring_versions.get()
    responses["action's error"] = client.post(card + f"coloring/{version.pk}/retry/", headers=HTMX)
    return responses


def directives(response: HttpResponseBase) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def policy(response: HttpResponseBase) -> dict[str, str]:
    """The Content-Security-Policy as {directive: its sources}."""
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, sources in parts}


def test_staff_pages_partials_and_actions_send_the_page_policy(
    staff_client: Client, image: Any
) -> None:
    for kind, response in staff_responses(staff_client, image).items():
        assert policy(response) == PAGE_POLICY, kind


@pytest.mark.parametrize("path", ["/admin/", "/admin/orders/order/", "/admin/login/"])
def test_admin_pages_send_the_page_policy(admin_client_: Client, path: str) -> None:
    assert policy(admin_client_.get(path)) == PAGE_POLICY


def test_stored_files_keep_their_own_sandboxing_policy(staff_client: Client) -> None:
    path = default_storage.save("1/2/image.svg", ContentFile(b"<svg></svg>"))

    response = staff_client.get(f"/media/{path}")
    response.close()

    assert response["Content-Security-Policy"] == FILE_CSP


def test_templates_have_no_inline_scripts_styles_or_handlers() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match[0]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]

    assert found == []


def test_staff_pages_partials_and_actions_are_private_and_not_stored(
    staff_client: Client, image: Any
) -> None:
    for kind, response in staff_responses(staff_client, image).items():
        assert response.status_code in (200, 400), kind
        assert response["Cache-Control"] == "private, no-store", kind


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/orders/order/", "/admin/login/", "/admin/jsi18n/"]
)
def test_admin_pages_are_private_and_not_stored(admin_client_: Client, path: str) -> None:
    response = admin_client_.get(path)

    assert response.status_code in (200, 302)
    assert {"private", "no-store"} <= directives(response)


def test_stored_files_are_private_and_not_stored(staff_client: Client) -> None:
    path = default_storage.save("1/2/preview.png", ContentFile(b"\x89PNG"))

    response = staff_client.get(f"/media/{path}")
    response.close()

    assert response["Cache-Control"] == "private, no-store"


def test_static_files_keep_whitenoises_own_caching(client: Client) -> None:
    response = client.get("/static/css/app.css")
    response.close()

    assert response.status_code == 200
    assert "no-store" not in directives(response)
    assert "public" in directives(response)


def test_the_health_check_keeps_its_own_never_cache_header(client: Client) -> None:
    response = client.get("/api/v1/health")

    assert "no-cache" in directives(response)
