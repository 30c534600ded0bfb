"""The Celery application: configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import logging
import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fotomalovanky.settings")

app = Celery("fotomalovanky")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(dispatch_uid="fotomalovanky.celery.django_logging")
def _django_logging(loglevel: int | None = None, **kwargs: Any) -> None:
    """Workers and beat log through settings.LOGGING, like the web (LOG_FORMAT).

    With a receiver of this signal connected, Celery installs none of its own handlers
    and formats (root, `celery.task`, multiprocessing) and does not redirect stdout and
    stderr to a logger. The level given on the command line (`-l INFO`) still applies
    to the root logger, as it did when Celery configured it.
    """
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
