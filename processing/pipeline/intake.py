"""Measuring a customer's photo before any paid work, and judging the measurements.

Pure code (bytes and numbers in, plain data out): the service in
`processing.services.intake` loads the stored files and writes the findings; the
finding codes are `orders.intake`'s (`tiny`, `low_resolution`, `blurred`, `too_dark`,
`too_bright`), returned here as plain `(code, params)` pairs.

- Sharpness is the variance of the Laplacian on a greyscale copy whose long side is
  always `MEASURE_SIDE` pixels: the same scene measures the same at 1 MP and at 12 MP,
  so one threshold serves every photo (at full size a 12 MP photo would look sharper
  than its 1 MP copy, only because edges span fewer pixels). The copy's tones are first
  stretched to the full range (1st to 99th percentile): the Laplacian grows with
  contrast, so without it every dark or washed-out photo would also count as blurred.
- The perceptual hash is the classic DCT pHash: a 32×32 greyscale copy, its 2-D DCT,
  the 8×8 lowest frequencies, one bit per coefficient above their median, as 16 hex
  digits. Resizing and recompressing a photo flips few of its 64 bits; a different
  photo flips about half.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image

from .images import image_size, open_image

# The long side of the copy that sharpness and brightness are measured on.
MEASURE_SIDE = 512
HASH_SIZE = 8  # bits per side of the hash: 64 bits
HASH_SAMPLE = HASH_SIZE * 4  # the DCT input: 32×32
# A copy whose tones span less than this is left as it is: stretching a nearly flat
# picture would only turn its noise into "detail".
MIN_TONE_RANGE = 16.0


@dataclass(frozen=True)
class PhotoMeasure:
    width: int  # upright (EXIF orientation applied)
    height: int
    sharpness: float  # variance of the Laplacian at MEASURE_SIDE
    brightness: float  # mean grey, 0–255
    phash: str  # 16 hex digits

    @property
    def megapixels(self) -> float:
        return self.width * self.height / 1_000_000


@dataclass(frozen=True)
class Thresholds:
    hold_megapixels: float
    hold_min_side: int
    warn_megapixels: float
    blur: float
    dark: float
    bright: float


Finding = tuple[str, dict[str, Any]]


def photo_measure(data: bytes) -> PhotoMeasure:
    """Measure a photo. Raises `ProcessingPermanentError` (Czech) when it cannot be
    decoded: not an image, truncated, or too many pixels to decode safely."""
    width, height = image_size(data)
    # JPEG decodes at a reduced scale here: the measured copy is small anyway.
    grey = _grey(open_image(data, draft_size=MEASURE_SIDE))
    scale = MEASURE_SIDE / max(grey.shape)
    size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    measured = cv2.resize(grey, size, interpolation=interpolation)
    return PhotoMeasure(
        width=width,
        height=height,
        sharpness=float(cv2.Laplacian(_stretched(measured), cv2.CV_64F).var()),
        brightness=float(measured.mean()),
        phash=phash(grey),
    )


def _grey(image: Image.Image) -> np.ndarray:
    if image.mode in ("RGBA", "LA", "P", "PA"):
        # A transparent background counts as white, as the preview shows it.
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        image = page
    return np.asarray(image.convert("L"))


def _stretched(grey: np.ndarray) -> np.ndarray:
    low, high = np.percentile(grey, [1, 99])
    tones = grey.astype(np.float64)
    if high - low < MIN_TONE_RANGE:
        return tones
    return np.clip((tones - low) * (255.0 / (high - low)), 0, 255)


def phash(grey: np.ndarray) -> str:
    """The 64-bit DCT perceptual hash of a greyscale image, as 16 hex digits."""
    small = cv2.resize(grey, (HASH_SAMPLE, HASH_SAMPLE), interpolation=cv2.INTER_AREA)
    low = cv2.dct(small.astype(np.float32))[:HASH_SIZE, :HASH_SIZE]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def hamming(first: str, second: str) -> int:
    """How many bits two hex hashes differ in."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def photo_judge(measure: PhotoMeasure, limits: Thresholds) -> list[Finding]:
    """The findings a photo's measurements call for (none for a good photo).

    A tiny photo is only `tiny` (a hold says it all); otherwise a low resolution, a
    blur and the exposure are each reported.
    """
    if (
        measure.megapixels < limits.hold_megapixels
        or min(measure.width, measure.height) < limits.hold_min_side
    ):
        return [("tiny", {"width": measure.width, "height": measure.height})]
    found: list[Finding] = []
    if measure.megapixels < limits.warn_megapixels:
        megapixels = f"{measure.megapixels:.2f}".replace(".", ",")  # Czech decimal comma
        found.append(("low_resolution", {"megapixels": megapixels}))
    if measure.sharpness < limits.blur:
        found.append(("blurred", {"sharpness": round(measure.sharpness, 1)}))
    if measure.brightness < limits.dark:
        found.append(("too_dark", {"brightness": round(measure.brightness, 1)}))
    elif measure.brightness > limits.bright:
        found.append(("too_bright", {"brightness": round(measure.brightness, 1)}))
    return found
