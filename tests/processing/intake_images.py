"""Photos made in the test for the intake checks (a detailed scene and its faults), and
stored orders holding them."""

from __future__ import annotations

import hashlib
import io
import random
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from orders.models import Image as Image_
from orders.models import LineItem
from tests import factories


def scene(seed: int = 1, size: tuple[int, int] = (1200, 900)) -> Image.Image:
    """A sharp, evenly lit "photo": a gradient with many coloured shapes and edges."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(20, width // 4), rng.randrange(20, height // 4)
        colour = tuple(rng.randrange(40, 220) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + w, y + h), fill=colour, outline=(20, 20, 20), width=3)
    return image


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def blurred(image: Image.Image) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius=8))


def dark(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(0.15)


def bright(image: Image.Image) -> Image.Image:
    # Washed out: every value squeezed into the top of the range, edges kept.
    return image.point(lambda value: 230 + value * 25 // 255)


def near_copy(image: Image.Image) -> bytes:
    """The same photo sent again: slightly smaller and recompressed."""
    width, height = image.size
    return jpeg(image.resize((width * 9 // 10, height * 9 // 10)), quality=70)


def stored_photo(line_item: LineItem, position: int, data: bytes) -> Image_:
    """A downloaded photo of the line item whose stored file is `data`."""
    image = factories.ImageFactory(line_item=line_item, position=position)
    image.file.save(f"image_{position}.jpg", ContentFile(data), save=False)
    image.sha256 = hashlib.sha256(data).hexdigest()
    image.size = len(data)
    image.content_type = "image/jpeg"
    image.downloaded_at = timezone.now()
    image.save()
    return image


def book(photos: list[bytes], *, variant: str = "", **order_fields: Any) -> LineItem:
    """A ready-for-review order with one line item holding `photos` (stored, in order)."""
    order = factories.OrderFactory(status="ready_for_review", **order_fields)
    line_item = factories.LineItemFactory(order=order, position=1, variant_title=variant)
    for position, data in enumerate(photos, start=1):
        stored_photo(line_item, position, data)
    return line_item
