"""The sticker's one task, built like processing's own with `processing.tasks.version_task`."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from processing.errors import ProcessingPermanentError
from processing.services.state import Output, sync_run
from processing.tasks import version_task

from .models import StickerStatus, StickerVersion

STICKER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'


@shared_task(**version_task("sticker", max_retries=1))
def sticker_cut(self: Any, version_id: int) -> str:
    version = StickerVersion.objects.select_related("image__line_item__order").get(pk=version_id)

    def produce() -> Output:
        if version.fail_with:
            raise ProcessingPermanentError(version.fail_with)
        return STICKER_SVG, {}

    return sync_run(version, working=StickerStatus.CUTTING, produce=produce)
