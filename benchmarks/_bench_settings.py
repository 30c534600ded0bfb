"""Settings for servers started by benchmarks: the test settings plus a trivial view."""

from __future__ import annotations

# Through the test settings only: they set what the main settings need (SECRET_KEY, …).
from fotomalovanky.settings_test import *  # noqa: F403
from fotomalovanky.settings_test import REDIS_URL, channel_layer

ROOT_URLCONF = "_bench_urls"
# The test settings rescan static folders on every request (autorefresh); a served
# benchmark must not pay for that, production does not either.
WHITENOISE_AUTOREFRESH = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
}

# Served benchmarks measure the real cross-process path: channels-redis, as in production.
CHANNEL_LAYERS = {"default": channel_layer(REDIS_URL, "bench")}
