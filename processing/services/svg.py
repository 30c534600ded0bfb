"""The work of an SVG version: Vectorizer.ai (queue `io`) or vtracer (queue `cpu`).

    queued ─claim─▶ vectorizer_processing | processing ─▶ completed | error

One synchronous call either way, so one short task: claim, vectorise, store, complete
(`state.sync_run`).
"""

from __future__ import annotations

from processing.backends import SvgRequest, svg_backend
from processing.kinds import SVG
from processing.models import SvgStatus

from .state import Output, file_read, sync_run, version_load


def svg_vectorizer_run(*, version_id: int) -> str:
    """Vectorise with Vectorizer.ai. Safe to run twice; see `svg_run`."""
    return svg_run(version_id=version_id, working=SvgStatus.VECTORIZER_PROCESSING)


def svg_local_run(*, version_id: int) -> str:
    """Vectorise with vtracer in the worker. Safe to run twice; see `svg_run`."""
    return svg_run(version_id=version_id, working=SvgStatus.PROCESSING)


def svg_run(*, version_id: int, working: str) -> str:
    """Vectorise the version's source colouring with the version's backend, store the
    checked SVG and complete it. Returns "completed" or "skipped-<status>".

    Raises ProcessingTransientError (retry; the version is back in `queued`) and
    ProcessingPermanentError (the task's failure handler sets `error`).
    """
    version = version_load(SVG, version_id)

    def produce() -> Output:
        source = version.coloring_version
        result = svg_backend(version.backend).vectorize(
            SvgRequest(
                png=file_read(source.file, what=f"Omalovánka v{source.version}"),
                filename=f"image_{version.image.position}.png",
                shape_stacking=version.shape_stacking,
                group_by=version.group_by,
            )
        )
        fields = {
            "credits_charged": result.credits_charged,
            "vectorizer_image_token": result.image_token,
        }
        return result.svg, fields

    return sync_run(version, working=working, produce=produce)
