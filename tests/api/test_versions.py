"""Retrying failed versions and selecting completed ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from processing.models import ColoringVersion, SvgVersion
from tests import factories

pytestmark = pytest.mark.django_db


def failed_coloring(**kwargs: Any) -> ColoringVersion:
    return factories.ColoringVersionFactory(
        status="error", version=1, error_message="RunPod: TIMED_OUT", **kwargs
    )


def test_a_failed_colouring_is_queued_again(api: Client) -> None:
    version = failed_coloring(runpod_job_id="dead-job")

    response = api.post(f"/api/v1/coloring-versions/{version.pk}/retry")

    assert response.status_code == 200
    assert response.json()["status"] == "queued"
    assert response.json()["error_message"] is None
    version.refresh_from_db()
    assert (version.status, version.runpod_job_id) == ("queued", "")
    assert "api:pracovnice" in version.error_history


def test_a_failed_svg_is_queued_again(api: Client) -> None:
    version = factories.SvgVersionFactory(status="error", version=1)

    response = api.post(f"/api/v1/svg-versions/{version.pk}/retry")

    assert response.status_code == 200
    assert SvgVersion.objects.get().status == "queued"


@pytest.mark.parametrize("kind", ["coloring", "svg"])
def test_retrying_a_version_not_in_error_is_400(api: Client, kind: str) -> None:
    factory = (
        factories.ColoringVersionFactory if kind == "coloring" else factories.SvgVersionFactory
    )
    version = factory(status="completed", version=1)

    response = api.post(f"/api/v1/{kind}-versions/{version.pk}/retry")

    assert response.status_code == 400
    assert response.json() == {"detail": "Opakovat lze jen verzi ve stavu Chyba."}


@pytest.mark.parametrize("kind", ["coloring", "svg"])
def test_retrying_a_missing_version_is_404(api: Client, kind: str) -> None:
    assert api.post(f"/api/v1/{kind}-versions/777777/retry").status_code == 404


def test_retry_answers_only_post(api: Client) -> None:
    version = failed_coloring()

    response = api.get(f"/api/v1/coloring-versions/{version.pk}/retry")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_selecting_a_completed_colouring_unselects_the_other(api: Client) -> None:
    first = factories.ColoringVersionFactory(status="completed", version=1, is_selected=True)
    second = factories.ColoringVersionFactory(image=first.image, status="completed", version=2)

    response = api.post(f"/api/v1/images/{first.image_id}/select-coloring/{second.pk}")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert list(ColoringVersion.objects.filter(is_selected=True).values_list("pk", flat=True)) == [
        second.pk
    ]


def test_selecting_a_completed_svg(api: Client) -> None:
    svg = factories.SvgVersionFactory(status="completed", version=1)

    response = api.post(f"/api/v1/images/{svg.image_id}/select-svg/{svg.pk}")

    assert response.status_code == 200
    svg.refresh_from_db()
    assert svg.is_selected


def test_selecting_a_version_that_is_not_completed_is_400(api: Client) -> None:
    version = failed_coloring()

    response = api.post(f"/api/v1/images/{version.image_id}/select-coloring/{version.pk}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Vybrat lze jen dokončenou verzi."}


def test_selecting_a_version_of_another_photo_is_400(api: Client) -> None:
    version = factories.SvgVersionFactory(status="completed", version=1)
    other = factories.ImageFactory()

    response = api.post(f"/api/v1/images/{other.pk}/select-svg/{version.pk}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Verze nepatří k této fotce."}
    version.refresh_from_db()
    assert not version.is_selected


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/images/999999/select-coloring/{version}",
        "/api/v1/images/{image}/select-coloring/999999",
        "/api/v1/images/{image}/select-coloring/x",
        "/api/v1/images/-1/select-coloring/{version}",
    ],
)
def test_selecting_with_a_missing_or_malformed_id_is_404(api: Client, path: str) -> None:
    version = factories.ColoringVersionFactory(status="completed", version=1)

    response = api.post(path.format(image=version.image_id, version=version.pk))

    assert response.status_code == 404
