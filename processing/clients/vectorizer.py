"""Vectorizer.ai: one synchronous multipart call that turns a PNG into an SVG.

Error mapping is in `_raise_for_status` and `clients._http.network_error`, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings

from processing.errors import ProcessingPermanentError, ProcessingTransientError

from ._http import error_detail, network_error, retry_after, settings_require

SERVICE = "Vectorizer.ai"
CONNECT_TIMEOUT = 10.0
SHAPE_STACKING = ("stacked", "cutouts")
GROUP_BY = ("color", "none", "parent", "layer")
MODES = ("production", "preview", "test")


@dataclass(frozen=True)
class VectorizeResult:
    svg: bytes
    credits_charged: Decimal | None
    image_token: str


class VectorizerClient:
    def __init__(
        self, *, url: str, api_id: str, api_secret: str, mode: str, timeout: float = 120.0
    ) -> None:
        self.url = url
        self.auth = (api_id, api_secret)
        self.mode = mode
        self.timeout = timeout  # large pages take Vectorizer.ai tens of seconds

    # Reference: https://vectorizer.ai/api#vectorize
    def vectorize(
        self, *, png: bytes, filename: str, shape_stacking: str, group_by: str
    ) -> VectorizeResult:
        """Vectorise one PNG. `mode` test and preview are not billed (watermarked/preview)."""
        data = {
            "mode": self.mode,
            "output.shape_stacking": shape_stacking,
            "output.group_by": group_by,
            "output.parameterized_shapes.flatten": "true",
        }
        try:
            response = requests.post(
                self.url,
                auth=self.auth,
                data=data,
                files={"image": (filename, png, "image/png")},
                timeout=(CONNECT_TIMEOUT, self.timeout),
            )
        except requests.RequestException as exc:
            raise network_error(exc, SERVICE) from exc
        _raise_for_status(response)
        return VectorizeResult(
            svg=response.content,
            credits_charged=_decimal(response.headers.get("X-Credits-Charged")),
            image_token=response.headers.get("X-Image-Token", "")[:200],
        )


def _raise_for_status(response: requests.Response) -> None:
    """The one place where Vectorizer.ai's HTTP answers become our error classes."""
    code = response.status_code
    if code < 400:
        return
    detail = error_detail(response)
    if code == 401:
        raise ProcessingPermanentError(
            "Vectorizer.ai odmítl přihlášení (401): zkontrolujte VECTORIZER_API_KEY "
            "a VECTORIZER_API_SECRET."
        )
    if code == 402:
        raise ProcessingPermanentError(
            f"Vectorizer.ai: na účtu došly kredity (402: {detail}); dobijte je, "
            "nebo pro vývoj nastavte VECTORIZER_MODE=test."
        )
    if code == 429 or code >= 500:
        raise ProcessingTransientError(
            f"Vectorizer.ai je přetížený nebo mimo provoz ({code}: {detail}); zkusíme to znovu.",
            retry_after=retry_after(response),
        )
    raise ProcessingPermanentError(f"Vectorizer.ai odmítl požadavek ({code}: {detail}).")


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def vectorizer_client() -> VectorizerClient:
    """A client from settings; fails with one sentence naming what is missing."""
    settings_require(SERVICE, "VECTORIZER_API_KEY", "VECTORIZER_API_SECRET")
    return VectorizerClient(
        url=settings.VECTORIZER_URL,
        api_id=settings.VECTORIZER_API_KEY,
        api_secret=settings.VECTORIZER_API_SECRET,
        mode=settings.VECTORIZER_MODE,
        timeout=settings.VECTORIZER_TIMEOUT,
    )
