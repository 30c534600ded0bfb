"""Opening photos safely and preparing them for RunPod; verifying PNG results."""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from collections.abc import Iterator

import pillow_heif
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from processing.errors import ProcessingPermanentError

# Phones send HEIC; registering is idempotent, so other apps may do it as well.
pillow_heif.register_heif_opener()

# A decoded image above this is refused before it is decoded: a 76 KB PNG can hold
# 400 megapixels (a decompression bomb) and would need gigabytes of memory.
MAX_PIXELS = 100_000_000
JPEG_QUALITY = 92
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_QUARTER_TURNS = {5, 6, 7, 8}
# What a RunPod /run body holds besides the base64 image: JSON keys and numbers.
RUNPOD_BODY_OVERHEAD = 1024


def open_image(data: bytes, *, draft_size: int | tuple[int, int] | None = None) -> Image.Image:
    """Decode a photo, upright (EXIF orientation applied) and fully loaded.

    `draft_size` lets JPEG decoding scale down by up to 8× while decoding (much faster
    and smaller for phone photos) when only about that many pixels per side, or at least
    (width, height) of the upright photo, are needed. Raises ProcessingPermanentError
    for anything that is not a readable image or is too large to decode safely.
    """
    with _decoding():
        image = _opened(data)
        if draft_size and image.format == "JPEG":
            wanted = (draft_size, draft_size) if isinstance(draft_size, int) else draft_size
            image.draft("RGB", _turned(image, wanted))
        upright = ImageOps.exif_transpose(image)
        upright.load()
        return upright


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a photo as shown upright, read from its header: nothing is
    decoded. Raises ProcessingPermanentError as open_image does."""
    with _decoding():
        image = _opened(data)
        return _turned(image, image.size)


@contextlib.contextmanager
def _decoding() -> Iterator[None]:
    """Turn what Pillow raises for unreadable or oversized files into
    ProcessingPermanentError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ProcessingPermanentError(
            f"Fotka má příliš mnoho pixelů ({exc}); nejvýše {MAX_PIXELS // 1_000_000} Mpx."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ProcessingPermanentError(f"Soubor fotky nelze přečíst jako obrázek ({exc}).") from exc


def _opened(data: bytes) -> Image.Image:
    # Opening reads the header only, so the pixel count is refused before decoding.
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{image.width}×{image.height}")
    return image


def _turned(image: Image.Image, size: tuple[int, int]) -> tuple[int, int]:
    # EXIF orientations 5–8 turn the picture by a quarter: its stored width is its
    # shown height, and the other way round.
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    return (size[1], size[0]) if orientation in _QUARTER_TURNS else size


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB on a white background: CMYK, greyscale, palette and transparent images alike."""
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    page = Image.new("RGB", rgba.size, "white")
    page.paste(rgba, mask=rgba.getchannel("A"))
    return page


def encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def base64_length(size: int) -> int:
    return 4 * math.ceil(size / 3)


def runpod_input(data: bytes, *, min_long_side: int, max_body_bytes: int) -> bytes:
    """The photo as RunPod should get it: upright RGB JPEG that fits one /run body.

    A long side under `min_long_side` is scaled up to it (LANCZOS, as the old system
    did). The JPEG is scaled down step by step until its base64 form plus the JSON
    around it stays under `max_body_bytes` (RunPod refuses bodies over about 10 MB).
    """
    image = to_rgb(open_image(data))
    long_side = max(image.size)
    if long_side < min_long_side:
        scale = min_long_side / long_side
        size = (int(image.width * scale), int(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    encoded = encode_jpeg(image)
    budget = max_body_bytes - RUNPOD_BODY_OVERHEAD
    while base64_length(len(encoded)) > budget:
        factor = math.sqrt(budget / base64_length(len(encoded))) * 0.95
        size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
        image = image.resize(size, Image.Resampling.LANCZOS)
        encoded = encode_jpeg(image)
    return encoded


def png_verify(data: bytes) -> tuple[int, int]:
    """Check that `data` is a complete, decodable PNG; return its (width, height)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ProcessingPermanentError("Výsledek není obrázek PNG.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # checksums of every chunk
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ProcessingPermanentError("Výsledný PNG je příliš velký.")
            image.load()  # verify() does not decode the pixels
            return image.size
    except ProcessingPermanentError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ProcessingPermanentError(f"Výsledný PNG je poškozený ({exc}).") from exc
