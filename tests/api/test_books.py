"""The books endpoints: build a line item's PDF (or an order's), list a line item's books."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from processing import services
from processing.models import BookVersion
from tests.processing.test_books import book_line_item

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST `body` as JSON; None sends no body at all, as `requests.post(url)` does."""
    if body is None:
        return client.generic("POST", path)
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_line_item_book_is_queued_and_a_second_call_returns_it(api: Client) -> None:
    line_item = book_line_item(2)

    first = post(api, f"/api/v1/line-items/{line_item.pk}/generate-pdf")
    second = post(api, f"/api/v1/line-items/{line_item.pk}/generate-pdf")

    assert first.status_code == second.status_code == 200
    body = first.json()
    assert body["id"] == second.json()["id"] and body["status"] == "queued"
    assert body["line_item_id"] == line_item.pk and body["layout"] == "gallery"
    assert body["incomplete"] is False and body["url"] is None
    assert len(body["source_svg_version_ids"]) == 2


def test_what_is_missing_is_a_400_naming_it(api: Client) -> None:
    line_item = book_line_item(2, with_svgs=1)

    response = post(api, f"/api/v1/line-items/{line_item.pk}/generate-pdf")

    assert response.status_code == 400
    assert response.json()["detail"] == "Chybí vybrané hotové SVG u fotky 2."


def test_another_photo_count_needs_confirm_incomplete(api: Client) -> None:
    line_item = book_line_item(2, variant_title="Omalovánka / 8")
    path = f"/api/v1/line-items/{line_item.pk}/generate-pdf"

    assert post(api, path).status_code == 400
    response = post(api, path, {"confirm_incomplete": True})

    assert response.status_code == 200 and response.json()["incomplete"] is True


def test_an_order_builds_every_ready_book(api: Client) -> None:
    line_item = book_line_item(1)

    response = post(api, f"/api/v1/orders/{line_item.order.number}/generate-pdf")

    assert response.status_code == 200
    assert response.json() == {"queued": 1, "message": "Zařazeno knih: 1."}


def test_the_books_of_a_line_item_newest_first_with_the_pdf_url(api: Client) -> None:
    line_item = book_line_item(1)
    first = services.book_generate(line_item=line_item, actor="api:jana")
    services.book_build(version_id=first.pk)
    services.book_generate(line_item=line_item, actor="api:jana")

    response = api.get(f"/api/v1/line-items/{line_item.pk}/book-versions")

    assert response.status_code == 200
    books = response.json()
    assert [b["version"] for b in books] == [2, 1]
    assert books[1]["status"] == "completed" and books[1]["page_count"] == 6
    assert books[1]["url"].endswith(BookVersion.objects.get(version=1).file.name)


@pytest.mark.parametrize("path", ["/api/v1/line-items/999999/book-versions"])
def test_an_unknown_line_item_is_404(api: Client, path: str) -> None:
    response = api.get(path)

    assert response.status_code == 404 and response.json()["detail"] == "Položka nenalezena."
    assert post(api, "/api/v1/line-items/999999/generate-pdf").status_code == 404
