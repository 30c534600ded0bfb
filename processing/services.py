"""Processing services: creating, numbering and selecting versions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from orders.models import Image

from .models import ColoringVersion, SvgVersion

VersionModel = type[ColoringVersion] | type[SvgVersion]


def version_number_allocate(*, model: VersionModel, image_id: int) -> int:
    """Return the next version number of `model` for one image. Call inside a transaction.

    The image row is locked first, so two concurrent allocations for one image are
    serialised (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction
    already holds the database's write lock) and get n and n+1, never the same number.
    Raises Image.DoesNotExist for an unknown image.
    """
    Image.objects.select_for_update().filter(pk=image_id).values_list("pk", flat=True).get()
    last = model.objects.filter(image_id=image_id).aggregate(last=Max("version"))["last"]
    return (last or 0) + 1


@transaction.atomic
def coloring_version_create(
    *, image: Image, megapixels: float = 1.0, steps: int = 4
) -> ColoringVersion:
    """Create the image's next colouring version in `queued`. Race-free numbering."""
    number = version_number_allocate(model=ColoringVersion, image_id=image.pk)
    return ColoringVersion.objects.create(
        image=image, version=number, megapixels=megapixels, steps=steps
    )


@transaction.atomic
def svg_version_create(
    *,
    image: Image,
    coloring_version: ColoringVersion,
    shape_stacking: str = "stacked",
    group_by: str = "color",
) -> SvgVersion:
    """Create the image's next SVG version in `queued`. Race-free numbering."""
    number = version_number_allocate(model=SvgVersion, image_id=image.pk)
    return SvgVersion.objects.create(
        image=image,
        coloring_version=coloring_version,
        version=number,
        shape_stacking=shape_stacking,
        group_by=group_by,
    )
