"""Generating colouring pages and SVGs through the API: per photo, per order, and the
version lists. The services run for real; their queued tasks are captured, not run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from orders.models import OrderEvent
from processing.models import ColoringVersion, SvgVersion
from tests import factories

pytestmark = pytest.mark.django_db


def post_json(client: Client, path: str, body: Any = None) -> Any:
    """POST `body` as JSON; None sends no body at all, as `requests.post(url)` does."""
    if body is None:
        return client.generic("POST", path)
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_new_colouring_version_with_settings(
    api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    image = factories.ImageFactory(downloaded=True)

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_json(
            api, f"/api/v1/images/{image.pk}/generate-coloring", {"megapixels": 2.5, "steps": 8}
        )

    assert response.status_code == 200
    body = response.json()
    version = ColoringVersion.objects.get(image=image)
    assert body["id"] == version.pk
    assert body["version"] == 1
    assert body["status"] == "queued"
    assert body["options"] == {"megapixels": 2.5, "steps": 8}
    assert body["url"] is None
    assert (version.megapixels, version.steps) == (2.5, 8)
    assert callbacks  # the task and the live events wait for the commit
    assert OrderEvent.objects.filter(actor="api:pracovnice").exists()


@pytest.mark.parametrize("body", [None, {}])
def test_without_a_body_the_seed_defaults_apply(api: Client, body: Any) -> None:
    image = factories.ImageFactory(downloaded=True)

    response = post_json(api, f"/api/v1/images/{image.pk}/generate-coloring", body)

    assert response.status_code == 200
    assert response.json()["options"] == {"megapixels": 1.0, "steps": 4}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"megapixels": 0.4}, "megapixels"),
        ({"megapixels": 8.5}, "megapixels"),
        ({"megapixels": 1.3}, "megapixels"),
        ({"megapixels": "2"}, "megapixels"),
        ({"megapixels": True}, "megapixels"),
        ({"steps": 0}, "steps"),
        ({"steps": 21}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"steps": "4"}, "steps"),
        ({"steps": False}, "steps"),
        ({"megapixel": 2}, "megapixel"),
    ],
)
def test_invalid_colouring_settings_are_422_and_create_nothing(
    api: Client, body: dict[str, Any], field: str
) -> None:
    image = factories.ImageFactory(downloaded=True)

    response = post_json(api, f"/api/v1/images/{image.pk}/generate-coloring", body)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", field]]
    assert not ColoringVersion.objects.exists()


def test_a_value_the_schema_allows_but_the_service_refuses_is_422_in_the_same_shape(
    api: Client,
) -> None:
    image = factories.ImageFactory(downloaded=True)

    # pydantic's multiple_of has a float tolerance; the service's own check has none.
    response = post_json(
        api, f"/api/v1/images/{image.pk}/generate-coloring", {"megapixels": 0.5000000000000001}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "megapixels"],
            "msg": "Megapixely musí být číslo od 0,5 do 8 po 0,5.",
            "type": "value_error",
        }
    ]


def test_an_integral_number_is_a_valid_step_count(api: Client) -> None:
    image = factories.ImageFactory(downloaded=True)

    response = post_json(api, f"/api/v1/images/{image.pk}/generate-coloring", {"steps": 6.0})

    assert response.status_code == 200
    assert response.json()["options"]["steps"] == 6


@pytest.mark.parametrize("body", [b"{", b"\xff", b"[1, 2"])
def test_a_body_that_is_not_json_is_400(api: Client, body: bytes) -> None:
    image = factories.ImageFactory(downloaded=True)

    response = api.post(
        f"/api/v1/images/{image.pk}/generate-coloring", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Tělo požadavku není platný JSON."}


@pytest.mark.parametrize("body", [[1], "text", 5])
def test_a_json_body_that_is_not_an_object_is_422(api: Client, body: Any) -> None:
    image = factories.ImageFactory(downloaded=True)

    response = post_json(api, f"/api/v1/images/{image.pk}/generate-coloring", body)

    assert response.status_code == 422


def test_a_photo_not_downloaded_yet_is_400_with_the_services_message(api: Client) -> None:
    image = factories.ImageFactory()

    response = post_json(api, f"/api/v1/images/{image.pk}/generate-coloring")

    assert response.status_code == 400
    assert response.json() == {"detail": "Fotka ještě není stažená."}


def test_generating_for_a_missing_image_is_404(api: Client) -> None:
    assert post_json(api, "/api/v1/images/424242/generate-coloring").status_code == 404


def test_order_colouring_queues_every_eligible_photo(api: Client) -> None:
    line_item = factories.LineItemFactory(order__order_number="#1270")
    factories.ImageFactory.create_batch(2, line_item=line_item, downloaded=True)
    factories.ImageFactory(line_item=line_item)  # not downloaded: not eligible

    response = post_json(api, "/api/v1/orders/1270/generate-coloring", {"steps": 6})

    assert response.status_code == 200
    assert response.json()["queued"] == 2
    assert set(ColoringVersion.objects.values_list("steps", flat=True)) == {6}


def test_order_colouring_with_nothing_eligible_is_400(api: Client) -> None:
    factories.OrderFactory(order_number="#1270")

    response = post_json(api, "/api/v1/orders/1270/generate-coloring")

    assert response.status_code == 400
    assert "fotka" in response.json()["detail"]


def test_order_colouring_of_a_missing_order_is_404(api: Client) -> None:
    assert post_json(api, "/api/v1/orders/4040/generate-coloring").status_code == 404


def completed_coloring(**kwargs: Any) -> ColoringVersion:
    return factories.ColoringVersionFactory(status="completed", version=1, **kwargs)


def test_a_new_svg_version_from_the_completed_colouring(api: Client) -> None:
    coloring = completed_coloring()

    response = post_json(
        api,
        f"/api/v1/images/{coloring.image_id}/generate-svg",
        {"shape_stacking": "cutouts", "group_by": "layer"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["coloring_version_id"] == coloring.pk
    assert body["options"] == {"shape_stacking": "cutouts", "group_by": "layer"}
    assert body["status"] == "queued"
    assert SvgVersion.objects.get().group_by == "layer"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"shape_stacking": "none"}, "shape_stacking"), ({"group_by": "colour"}, "group_by")],
)
def test_an_invalid_vectorizer_option_is_422(api: Client, body: dict[str, str], field: str) -> None:
    coloring = completed_coloring()

    response = post_json(api, f"/api/v1/images/{coloring.image_id}/generate-svg", body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not SvgVersion.objects.exists()


def test_an_svg_without_a_completed_colouring_is_400(api: Client) -> None:
    version = factories.ColoringVersionFactory(status="error", version=1)

    response = post_json(api, f"/api/v1/images/{version.image_id}/generate-svg")

    assert response.status_code == 400
    assert "omalovánku" in response.json()["detail"]


def test_order_svg_queues_every_photo_with_a_usable_colouring(api: Client) -> None:
    line_item = factories.LineItemFactory(order__order_number="#1270")
    for position in (1, 2):
        image = factories.ImageFactory(line_item=line_item, position=position, downloaded=True)
        completed_coloring(image=image)

    response = post_json(api, "/api/v1/orders/1270/generate-svg", {"group_by": "none"})

    assert response.status_code == 200
    assert response.json()["queued"] == 2
    assert SvgVersion.objects.filter(group_by="none").count() == 2


def test_order_svg_with_nothing_eligible_is_400(api: Client) -> None:
    factories.OrderFactory(order_number="#1270")

    assert post_json(api, "/api/v1/orders/1270/generate-svg").status_code == 400


def test_order_svg_with_an_invalid_option_is_422(api: Client) -> None:
    factories.OrderFactory(order_number="#1270")

    response = post_json(api, "/api/v1/orders/1270/generate-svg", {"shape_stacking": 1})

    assert response.status_code == 422


def test_the_version_lists_of_a_photo(api: Client) -> None:
    first = completed_coloring()
    second = factories.ColoringVersionFactory(image=first.image, version=2, status="error")
    second.error_message = "RunPod: úloha selhala: OOM"
    second.save()
    svg = factories.SvgVersionFactory(coloring_version=first, version=1)

    colorings = api.get(f"/api/v1/images/{first.image_id}/coloring-versions").json()
    svgs = api.get(f"/api/v1/images/{first.image_id}/svg-versions").json()

    assert [(v["version"], v["status"]) for v in colorings] == [(1, "completed"), (2, "error")]
    assert colorings[1]["error_message"] == "RunPod: úloha selhala: OOM"
    assert [v["id"] for v in svgs] == [svg.pk]


@pytest.mark.parametrize("kind", ["coloring", "svg"])
def test_the_version_list_of_a_missing_photo_is_404(api: Client, kind: str) -> None:
    assert api.get(f"/api/v1/images/999999/{kind}-versions").status_code == 404
