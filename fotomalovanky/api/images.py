"""Generating colouring pages and SVGs, for one photo or a whole order, and their versions.

Bodies are optional: without one the seed's defaults apply (1.0 megapixels, 4 steps;
`stacked`, `color`). Work is queued after commit; the answer comes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from processing.kinds import COLORING, SVG
from processing.models import ColoringVersion, SvgVersion
from processing.services import (
    coloring_generate,
    order_coloring_generate,
    order_svg_generate,
    svg_generate,
)

from . import selectors
from .auth import OPERATE, VIEW, actor, caller
from .params import ImageId, OrderNumber
from .schemas import (
    ColoringSettingsIn,
    ColoringVersionOut,
    GenerateOut,
    SvgSettingsIn,
    SvgVersionOut,
    responses,
)

router = Router(tags=["generation"])

# Optional: no body (or an empty one) means the defaults.
ColoringBody = Annotated[ColoringSettingsIn | None, Body()]
SvgBody = Annotated[SvgSettingsIn | None, Body()]


def _options(body: Schema | None, schema: type[Schema]) -> dict[str, Any]:
    """The body's settings, or the defaults when no body was sent."""
    return (body or schema()).model_dump()


def order_generate(
    request: HttpRequest, number: str, generate: Callable[..., list], options: dict, what: str
) -> dict[str, object]:
    order = selectors.order_get(number=number)
    versions = generate(order=order, **options, actor=actor(request))
    return {"queued": len(versions), "message": f"Zařazeno {what}: {len(versions)}."}


@router.post(
    "/orders/{order_number}/generate-coloring",
    auth=OPERATE,
    response=responses(GenerateOut, 400, 404, 422),
    summary="Colouring pages for every eligible photo of an order",
)
def order_generate_coloring(
    request: HttpRequest, order_number: OrderNumber, body: ColoringBody = None
) -> dict[str, object]:
    """One new version for each downloaded photo with neither a completed nor an
    in-progress colouring; 400 when there is none."""
    options = _options(body, ColoringSettingsIn)
    return order_generate(request, order_number, order_coloring_generate, options, "omalovánek")


@router.post(
    "/images/{image_id}/generate-coloring",
    auth=OPERATE,
    response=responses(ColoringVersionOut, 400, 404, 422),
    summary="A new colouring version of one photo",
)
def image_generate_coloring(
    request: HttpRequest, image_id: ImageId, body: ColoringBody = None
) -> ColoringVersion:
    """The new version, `queued`; 400 when the photo is not downloaded yet."""
    image = selectors.image_get(image_id=image_id)
    options = _options(body, ColoringSettingsIn)
    return coloring_generate(image=image, **options, actor=actor(request))


@router.get(
    "/images/{image_id}/coloring-versions",
    auth=VIEW,
    response=responses(list[ColoringVersionOut], 404),
    summary="Colouring versions of a photo",
)
def coloring_versions(request: HttpRequest, image_id: ImageId) -> list[ColoringVersion]:
    return selectors.image_versions(image_id=image_id, kind=COLORING, user=caller(request))


@router.post(
    "/orders/{order_number}/generate-svg",
    auth=OPERATE,
    response=responses(GenerateOut, 400, 404, 422),
    summary="SVGs for every eligible photo of an order",
)
def order_generate_svg(
    request: HttpRequest, order_number: OrderNumber, body: SvgBody = None
) -> dict[str, object]:
    """One new SVG for each photo with a usable colouring and no completed or
    in-progress SVG; 400 when there is none."""
    options = _options(body, SvgSettingsIn)
    return order_generate(request, order_number, order_svg_generate, options, "SVG")


@router.post(
    "/images/{image_id}/generate-svg",
    auth=OPERATE,
    response=responses(SvgVersionOut, 400, 404, 422),
    summary="A new SVG version of one photo",
)
def image_generate_svg(request: HttpRequest, image_id: ImageId, body: SvgBody = None) -> SvgVersion:
    """Made from the photo's selected completed colouring (else its newest completed
    one); 400 when it has none."""
    image = selectors.image_get(image_id=image_id)
    options = _options(body, SvgSettingsIn)
    return svg_generate(image=image, **options, actor=actor(request))


@router.get(
    "/images/{image_id}/svg-versions",
    auth=VIEW,
    response=responses(list[SvgVersionOut], 404),
    summary="SVG versions of a photo",
)
def svg_versions(request: HttpRequest, image_id: ImageId) -> list[SvgVersion]:
    return selectors.image_versions(image_id=image_id, kind=SVG, user=caller(request))
