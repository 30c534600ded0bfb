"""Settings of the daphne that browser tests drive: the test settings, plus the Redis
channel layer under the running test's own prefix, so the test process (and its Celery
worker) can push to this server's WebSockets."""

from __future__ import annotations

import os

from fotomalovanky.settings import channel_layer
from fotomalovanky.settings_test import *  # noqa: F403
from fotomalovanky.settings_test import REDIS_URL

CHANNEL_LAYERS = {"default": channel_layer(REDIS_URL, os.environ["TEST_CHANNELS_PREFIX"])}
