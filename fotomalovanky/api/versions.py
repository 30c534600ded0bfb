"""Retrying a failed version and choosing the one that goes to print."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from processing.models import ColoringVersion, SvgVersion
from processing.services import version_retry, version_select

from . import selectors
from .auth import actor
from .params import ImageId, VersionId
from .schemas import ColoringVersionOut, StatusOut, SvgVersionOut, responses
from .selectors import V

router = Router(tags=["versions"])


def _retry(request: HttpRequest, model: type[V], version_id: int) -> V:
    version = selectors.version_get(version_id=version_id, model=model)
    retried = version_retry(image=version.image, version=version, actor=actor(request))
    assert isinstance(retried, model)  # the service gives back the version it was given
    return retried


def _select(request: HttpRequest, model: type[V], image_id: int, version_id: int) -> dict[str, str]:
    image = selectors.image_get(image_id=image_id)
    version = selectors.version_get(version_id=version_id, model=model)
    selected = version_select(image=image, version=version, actor=actor(request))
    return {"status": "ok", "message": f"{selected} je vybraná."}


@router.post(
    "/coloring-versions/{version_id}/retry",
    response=responses(ColoringVersionOut, 400, 404),
    summary="Retry a failed colouring version",
)
def coloring_retry(request: HttpRequest, version_id: VersionId) -> ColoringVersion:
    """The version back in `queued` with a new RunPod job; 400 unless it is in `error`."""
    return _retry(request, ColoringVersion, version_id)


@router.post(
    "/svg-versions/{version_id}/retry",
    response=responses(SvgVersionOut, 400, 404),
    summary="Retry a failed SVG version",
)
def svg_retry(request: HttpRequest, version_id: VersionId) -> SvgVersion:
    """The version back in `queued`; 400 unless it is in `error`."""
    return _retry(request, SvgVersion, version_id)


@router.post(
    "/images/{image_id}/select-coloring/{version_id}",
    response=responses(StatusOut, 400, 404),
    summary="Choose a photo's colouring",
)
def coloring_select(request: HttpRequest, image_id: ImageId, version_id: VersionId) -> dict:
    """400 when the version is not completed or belongs to another photo."""
    return _select(request, ColoringVersion, image_id, version_id)


@router.post(
    "/images/{image_id}/select-svg/{version_id}",
    response=responses(StatusOut, 400, 404),
    summary="Choose a photo's SVG",
)
def svg_select(request: HttpRequest, image_id: ImageId, version_id: VersionId) -> dict:
    """400 when the version is not completed or belongs to another photo."""
    return _select(request, SvgVersion, image_id, version_id)
