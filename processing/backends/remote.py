"""Remote backends: RunPod (colouring jobs) and Vectorizer.ai (SVG), over their clients."""

from __future__ import annotations

from django.conf import settings

from processing.clients.runpod import RunPodJob, runpod_client
from processing.clients.vectorizer import vectorizer_client
from processing.errors import ProcessingPermanentError
from processing.pipeline.images import runpod_input
from processing.pipeline.vector import svg_check

from .base import ColoringRequest, SvgRequest, SvgResult

# Development must not pay for GPU time by accident (real keys in a developer's .env).
DEBUG_REFUSAL = (
    "RunPod se při zapnutém DEBUG nevolá, aby se omylem neplatilo. Pokud to opravdu "
    "chcete, nastavte RUNPOD_ALLOW_IN_DEBUG=true (nebo použijte COLORING_BACKEND=local)."
)


class RunPodBackend:
    name = "runpod"

    def submit(self, request: ColoringRequest) -> str:
        if settings.DEBUG and not settings.RUNPOD_ALLOW_IN_DEBUG:
            raise ProcessingPermanentError(DEBUG_REFUSAL)
        # Normalised first: upright, RGB, at least MIN_IMAGE_SIZE on the long side and
        # small enough for one /run body (the old system sent raw bytes and failed on
        # sideways, CMYK, HEIC and large photos).
        client = runpod_client()
        image = runpod_input(
            request.image,
            min_long_side=settings.MIN_IMAGE_SIZE,
            max_body_bytes=settings.RUNPOD_MAX_BODY_BYTES,
        )
        return client.run(image=image, megapixels=request.megapixels, steps=request.steps)

    def status(self, job_id: str) -> RunPodJob:
        return runpod_client().status(job_id)

    def cancel(self, job_id: str) -> None:
        runpod_client().cancel(job_id)


class VectorizerBackend:
    name = "vectorizer"
    queue = "io"

    def vectorize(self, request: SvgRequest) -> SvgResult:
        result = vectorizer_client().vectorize(
            png=request.png,
            filename=request.filename,
            shape_stacking=request.shape_stacking,
            group_by=request.group_by,
        )
        svg_check(result.svg)
        return SvgResult(
            svg=result.svg,
            credits_charged=result.credits_charged,
            image_token=result.image_token,
        )
