"""Test settings: the main settings with only what tests need overridden."""

from __future__ import annotations

import os

os.environ["READ_DOTENV"] = "false"
# A developer's Sentry never receives the suite's deliberate errors, from this process or
# the servers and workers it starts (they inherit the environment).
os.environ["SENTRY_DSN"] = ""
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from .settings import *  # noqa: F403
from .settings import DATA_DIR, DATABASES, INSTALLED_APPS

# A throw-away kind of version (tests/throwaway/), declared by the test that uses it.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.throwaway"]

# Unit tests use the in-memory layer; integration tests switch to the real Redis layer.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SHOPIFY_STORE_URL = "http://127.0.0.1:9"
SHOPIFY_STORE_HANDLE = "test-shop"
SHOPIFY_ACCESS_TOKEN = "shpat_test"
SHOPIFY_WEBHOOK_SECRET = "test-webhook-secret"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a worker or daphne in another process sees the
    # same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}

# Serve static files from the app folders without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
