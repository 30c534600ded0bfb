"""Photos made in the test for the intake checks: a detailed scene and its faults."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter


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
