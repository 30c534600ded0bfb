"""Local backends: OpenCV line art and vtracer, run inside the worker (queue `cpu`)."""

from __future__ import annotations

from processing.pipeline.lineart import line_art
from processing.pipeline.vector import trace

from .base import ColoringRequest, SvgRequest, SvgResult


class LineArtBackend:
    """`steps` means nothing to a filter; only `megapixels` (the page size) is used."""

    name = "local"

    def color(self, request: ColoringRequest) -> bytes:
        return line_art(request.image, megapixels=request.megapixels)


class VtracerBackend:
    """Binary tracing; `shape_stacking` and `group_by` only matter to Vectorizer.ai."""

    name = "local"
    queue = "cpu"

    def vectorize(self, request: SvgRequest) -> SvgResult:
        return SvgResult(svg=trace(request.png))
