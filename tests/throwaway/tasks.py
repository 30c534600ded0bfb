"""The sticker's one task, built like processing's own with `processing.tasks.version_task`,
and `hold`, a task in flight for tests/test_broker_outage.py."""

from __future__ import annotations

import time
from pathlib import Path
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


@shared_task(acks_late=True)
def hold(folder: str, name: str, timeout: float = 60.0) -> str:
    """Tests only: a task in flight for as long as the test wants.

    Writes `<name>.started`, waits until the test writes `<name>.release` (or `timeout`),
    then writes `<name>.done`: files, because results are ignored and the test must see
    progress without the broker it is about to stop.
    """
    base = Path(folder)
    (base / f"{name}.started").touch()
    deadline = time.monotonic() + timeout
    while not (base / f"{name}.release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    (base / f"{name}.done").touch()
    return "done"
