"""Checking that a file is a usable photo, and making its preview.

One check for every way a photo arrives: downloaded from wherever Shopify's upload app
put it (shopify_sync) or uploaded by staff with a manual order (orders.services.manual).
No Django here: works on files and Pillow only.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import PhotoRejected

# Phones send HEIC; Pillow reads it once pillow-heif has registered its opener.
pillow_heif.register_heif_opener()

FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
    "HEIF": ("image/heic", "heic"),
}


@dataclass(frozen=True)
class PhotoInfo:
    content_type: str
    extension: str
    width: int
    height: int


def write_capped(chunks: Iterable[bytes], dest: Path, *, limit: int) -> tuple[int, str]:
    """Write `chunks` to `dest`, refusing a file of more than `limit` bytes as soon as it
    grows past it (never held whole in memory). Returns the size and the SHA-256 (hex)."""
    digest, size = hashlib.sha256(), 0
    with dest.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise PhotoRejected(too_large(limit))
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def inspect_photo(path: Path, *, max_pixels: int) -> PhotoInfo:
    """Decode the whole file to prove it is a complete image of an accepted format.

    Raises PhotoRejected (in Czech, for staff) for a non-image, an unsupported
    format, a truncated file, or more than `max_pixels` pixels (a decompression bomb:
    a few kilobytes that would decode to gigabytes).
    """
    try:
        with warnings.catch_warnings():
            # Our own limit below replaces Pillow's warning threshold.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                info = _check_header(image, max_pixels)
                image.load()
    except Image.DecompressionBombError as exc:
        raise PhotoRejected(_too_many_pixels(max_pixels)) from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected(
            "Soubor není obrázek (je to něco jiného, např. dokument nebo stránka s chybou)."
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoRejected(f"Obrázek je poškozený nebo neúplný ({exc}).") from exc
    return info


def _check_header(image: Image.Image, max_pixels: int) -> PhotoInfo:
    if image.format not in FORMATS:
        raise PhotoRejected(f"Formát {image.format} není podporovaný (JPEG, PNG, WebP, GIF, HEIC).")
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoRejected(_too_many_pixels(max_pixels))
    content_type, extension = FORMATS[image.format]
    return PhotoInfo(content_type, extension, width, height)


def too_large(limit: int) -> str:
    """Why a file over `limit` bytes (PHOTO_MAX_BYTES) is refused."""
    return f"Fotka je větší než povolených {limit / 2**20:g} MB."


def _too_many_pixels(max_pixels: int) -> str:
    return f"Obrázek má víc než {max_pixels / 1e6:g} megapixelů (ochrana před dekompresní bombou)."


def make_preview(path: Path, *, size: int) -> bytes:
    """A JPEG whose long side is at most `size`, upright (EXIF orientation applied)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            image.draft("RGB", (size, size))  # JPEG: decode at a reduced scale, much faster
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((size, size), Image.Resampling.LANCZOS)
            if upright.mode not in ("RGB", "L"):
                upright = _flatten(upright)
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Palette, CMYK or transparent images on a white page, as RGB."""
    rgba = image.convert("RGBA")
    page = Image.new("RGB", rgba.size, "white")
    page.paste(rgba, mask=rgba.getchannel("A"))
    return page
