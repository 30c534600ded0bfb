"""Processing services: the one place where versions are created, worked on and chosen.

Admin actions, staff pages, the JSON API, tasks and commands all call these.

- `versions`: numbering, creating and starting a version of any kind, validation, new
  versions for an image or a whole order, retry, selection (what staff and the API ask
  for).
- `coloring`, `svg`: the work of one version, called by the tasks.
- `verdicts`: staff's verdict on a colouring page and the redo a rejection starts.
- `books`: starting a line item's book (idempotent) and building it.
- `intake`: the intake checks of an order's stored photos, before any paid work.
- `recovery`: the failure handler of every task and the recovery sweep.
- `retention`: purging the files of orders sent long ago (`manage.py purge_photos`).
- `state`: conditional-UPDATE transitions, completion, events and audit (internal).
"""

from __future__ import annotations

from .approval import order_approve
from .books import BookConfirmationNeeded, book_build, book_generate, order_book_generate
from .cancellation import order_active_check, order_work_stop
from .coloring import coloring_local_run, coloring_runpod_poll, coloring_runpod_submit
from .intake import intake_checks_recover, order_intake_check
from .recovery import processing_recover, version_task_failed
from .retention import PurgeReport, orders_purge, orders_purge_scheduled
from .svg import svg_local_run, svg_vectorizer_run
from .verdicts import LADDER_CEILING, VerdictOutcome, coloring_verdict_set
from .versions import (
    coloring_generate,
    coloring_settings_validate,
    coloring_version_create,
    order_coloring_generate,
    order_svg_generate,
    svg_generate,
    svg_settings_validate,
    svg_version_create,
    version_create,
    version_number_allocate,
    version_retry,
    version_select,
    version_start,
)

__all__ = [
    "LADDER_CEILING",
    "BookConfirmationNeeded",
    "PurgeReport",
    "VerdictOutcome",
    "book_build",
    "book_generate",
    "coloring_generate",
    "coloring_local_run",
    "coloring_runpod_poll",
    "coloring_runpod_submit",
    "coloring_settings_validate",
    "coloring_verdict_set",
    "coloring_version_create",
    "intake_checks_recover",
    "order_active_check",
    "order_approve",
    "order_book_generate",
    "order_coloring_generate",
    "order_intake_check",
    "order_svg_generate",
    "order_work_stop",
    "orders_purge",
    "orders_purge_scheduled",
    "processing_recover",
    "svg_generate",
    "svg_local_run",
    "svg_settings_validate",
    "svg_vectorizer_run",
    "svg_version_create",
    "version_create",
    "version_number_allocate",
    "version_retry",
    "version_select",
    "version_start",
    "version_task_failed",
]
