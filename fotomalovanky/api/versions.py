"""Retrying a failed version and choosing the one that goes to print."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from processing.kinds import COLORING, SVG, V, VersionKind
from processing.models import ColoringVersion, SvgVersion
from processing.services import version_retry, version_select

from . import selectors
from .auth import OPERATE, actor
from .params import ImageId, VersionId
from .schemas import ColoringVersionOut, StatusOut, SvgVersionOut, responses

router = Router(tags=["versions"])


def _retry(request: HttpRequest, kind: VersionKind[V], version_id: int) -> V:
    version = selectors.version_get(version_id=version_id, kind=kind)
    parent = getattr(version, kind.parent)
    return version_retry(image=parent, version=version, actor=actor(request))


def _select(
    request: HttpRequest, kind: VersionKind[V], image_id: int, version_id: int
) -> dict[str, str]:
    image = selectors.image_get(image_id=image_id)
    version = selectors.version_get(version_id=version_id, kind=kind)
    selected = version_select(image=image, version=version, actor=actor(request))
    return {"status": "ok", "message": f"{selected} je vybraná."}


@router.post(
    "/coloring-versions/{version_id}/retry",
    auth=OPERATE,
    response=responses(ColoringVersionOut, 400, 404),
    summary="Retry a failed colouring version",
)
def coloring_retry(request: HttpRequest, version_id: VersionId) -> ColoringVersion:
    """The version back in `queued` with a new RunPod job; 400 unless it is in `error`."""
    return _retry(request, COLORING, version_id)


@router.post(
    "/svg-versions/{version_id}/retry",
    auth=OPERATE,
    response=responses(SvgVersionOut, 400, 404),
    summary="Retry a failed SVG version",
)
def svg_retry(request: HttpRequest, version_id: VersionId) -> SvgVersion:
    """The version back in `queued`; 400 unless it is in `error`."""
    return _retry(request, SVG, version_id)


@router.post(
    "/images/{image_id}/select-coloring/{version_id}",
    auth=OPERATE,
    response=responses(StatusOut, 400, 404),
    summary="Choose a photo's colouring",
)
def coloring_select(request: HttpRequest, image_id: ImageId, version_id: VersionId) -> dict:
    """400 when the version is not completed or belongs to another photo."""
    return _select(request, COLORING, image_id, version_id)


@router.post(
    "/images/{image_id}/select-svg/{version_id}",
    auth=OPERATE,
    response=responses(StatusOut, 400, 404),
    summary="Choose a photo's SVG",
)
def svg_select(request: HttpRequest, image_id: ImageId, version_id: VersionId) -> dict:
    """400 when the version is not completed or belongs to another photo."""
    return _select(request, SVG, image_id, version_id)
