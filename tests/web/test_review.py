"""The review workspace: the page, its verdict POSTs (htmx and plain forms), the roles, the
live push of a photo's panel, and the verdict on the cards."""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from fotomalovanky.permissions import Role
from processing.models import ColoringVersion
from tests.factories import ColoringVersionFactory, OrderFactory, UserFactory
from tests.processing.conftest import completed_coloring, downloaded_image
from tests.web.test_consumers import connect

HTMX = {"HX-Request": "true"}
URL = "/orders/1270/review/"


def photos(count: int) -> list[ColoringVersion]:
    """Order #1270 with `count` photos, each with a completed, selected page (4 steps)."""
    first = downloaded_image(line_item__order__order_number="#1270", position=1)
    images = [first] + [
        downloaded_image(line_item=first.line_item, position=p) for p in range(2, count + 1)
    ]
    return [completed_coloring(image, is_selected=True) for image in images]


def verdict_url(version: ColoringVersion) -> str:
    return f"{URL}{version.pk}/verdict/"


def current_of(html: str) -> int:
    found = re.search(r'id="review" class="review" data-current="(\d+)"', html)
    assert found, html[:500]
    return int(found.group(1))


@pytest.mark.django_db
def test_the_workspace_shows_the_photo_beside_its_page_with_keys_ladder_and_progress(
    staff_client: Client,
) -> None:
    pages = photos(2)

    html = staff_client.get(URL).content.decode()

    assert "0/2 schváleno" in html
    assert current_of(html) == pages[0].image_id
    assert 'alt="Fotka zákazníka 1"' in html and 'alt="Omalovánka v1 z fotky 1"' in html
    assert "Kroky <strong>4</strong> z 20" in html
    assert "Schválit <kbd>A</kbd>" in html and "Zamítnout <kbd>R</kbd>" in html
    assert "<kbd>1</kbd> Obličej nepodobný" in html and "<kbd>0</kbd> Jiný důvod" in html
    workspace = html.split('id="review"', 1)[1]
    assert workspace.count("csrfmiddlewaretoken") == 4  # two plain forms per photo, no JS needed
    assert 'src="/static/js/review.js"' in html
    detail = staff_client.get("/orders/1270/").content.decode()
    assert f'href="{URL}"' in detail and ">Kontrola</a>" in detail


@pytest.mark.django_db
def test_approving_over_htmx_answers_with_the_workspace_on_the_next_page_to_judge(
    staff_client: Client,
) -> None:
    pages = photos(3)

    response = staff_client.post(verdict_url(pages[0]), {"verdict": "approved"}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1/3 schváleno" in html and 'data-chosen="true"' in html
    assert current_of(html) == pages[1].image_id
    pages[0].refresh_from_db()
    assert (pages[0].verdict, pages[0].verdict_by) == ("approved", "pracovnice")


@pytest.mark.django_db
def test_a_rejection_by_plain_form_redirects_and_the_redo_shows_at_one_step_more(
    staff_client: Client,
) -> None:
    (page,) = photos(1)

    response = staff_client.post(verdict_url(page), {"verdict": "rejected", "reason": "crop"})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?photo={page.image_id}"
    html = staff_client.get(response["Location"]).content.decode()
    assert "Zamítnuto: Ořez" in html
    assert "Nový pokus <strong>v2</strong> · 5 kroků" in html
    assert ColoringVersion.objects.get(version=2).steps == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"verdict": "rejected"}, 422, "Vyberte důvod zamítnutí."),
        ({"verdict": "rejected", "reason": "nope"}, 422, "Neznámý důvod zamítnutí „nope“."),
        ({}, 422, "Neznámé posouzení stránky."),
    ],
)
def test_bad_input_answers_in_czech_in_place_and_changes_nothing(
    staff_client: Client, data: dict[str, str], status: int, message: str
) -> None:
    (page,) = photos(1)

    response = staff_client.post(verdict_url(page), data, headers=HTMX)

    assert response.status_code == status
    assert message in response.content.decode()
    page.refresh_from_db()
    assert page.verdict == "" and ColoringVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_page_still_in_progress_cannot_be_judged(staff_client: Client) -> None:
    (page,) = photos(1)
    running = ColoringVersionFactory(image=page.image, version=2, status="processing")

    response = staff_client.post(verdict_url(running), {"verdict": "approved"}, headers=HTMX)

    assert response.status_code == 400
    assert "Posoudit lze jen dokončenou omalovánku." in response.content.decode()


@pytest.mark.django_db
def test_a_version_of_another_order_is_not_found(staff_client: Client) -> None:
    photos(1)
    other = completed_coloring(downloaded_image(line_item__order__order_number="#2000"))

    response = staff_client.post(verdict_url(other), {"verdict": "approved"}, headers=HTMX)

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.verdict == ""


@pytest.mark.django_db
def test_printers_are_refused_the_workspace_and_its_actions(printer_client: Client) -> None:
    (page,) = photos(1)
    page.image.line_item.order.__class__.objects.update(status="approved")

    assert printer_client.get(URL).status_code == 403
    response = printer_client.post(verdict_url(page), {"verdict": "approved"}, headers=HTMX)

    assert response.status_code == 403
    page.refresh_from_db()
    assert page.verdict == ""


@pytest.mark.django_db
def test_anonymous_visitors_go_to_the_login_page(client: Client) -> None:
    OrderFactory(order_number="#1270")

    response = client.get(URL)

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_the_card_shows_the_verdict_badge(staff_client: Client) -> None:
    approved, rejected = photos(2)
    approved.verdict = "approved"
    approved.save()
    rejected.verdict, rejected.reject_reason = "rejected", "solid_fill"
    rejected.save()

    html = staff_client.get("/orders/1270/").content.decode()

    assert '<span class="badge badge-green">Schváleno</span>' in html
    assert '<span class="badge badge-red">Zamítnuto: Černé plochy</span>' in html


@pytest.mark.django_db(transaction=True)
async def test_a_verdict_pushes_the_photo_panel_and_progress_to_open_workspaces() -> None:
    pages = await sync_to_async(photos)(2)
    staff = await sync_to_async(UserFactory)(
        username="pracovnice", is_staff=True, role=Role.OPERATOR
    )
    communicator, connected, _ = await connect("/ws/orders/1270/", staff)
    assert connected
    staff_client = Client()
    await sync_to_async(staff_client.force_login)(staff)

    await sync_to_async(staff_client.post)(
        verdict_url(pages[1]), {"verdict": "rejected", "reason": "anatomy"}, headers=HTMX
    )

    fragments = []
    while not any('id="review-nav"' in f for f in fragments):
        fragments.append(await communicator.receive_from(timeout=5))
    pushed = "".join(fragments)
    panel = f'<section id="review-photo-{pages[1].image_id}"'
    assert panel in pushed and "Zamítnuto: Chybná anatomie" in pushed
    assert "0/2 schváleno" in pushed
    assert "csrfmiddlewaretoken" not in pushed  # no request: htmx sends the header
    await communicator.disconnect()
