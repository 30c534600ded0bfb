"""Settings for Fotomalovánky Admin, driven only by environment variables.

Every variable is documented with its default in `.env.example`. Production differs
from development only through the environment; a `.env` file in the project folder is
read when present (real environment variables win over it).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote, urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Test settings turn this off so a developer's .env never points the suite at real data.
if env.bool("READ_DOTENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _given(name: str) -> bool:
    """An empty variable (as in a copied .env.example) means "use the default"."""
    return bool(env.str(name, default="").strip())


def _path(name: str, default: Path) -> Path:
    return (BASE_DIR / env.str(name).strip()).resolve() if _given(name) else default


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip().lower()
    if value not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def _price(name: str, default: str) -> Decimal:
    """A non-negative Decimal price (an empty variable means the default)."""
    raw = env.str(name, default="").strip() or default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name} must be a price of zero or more, not {raw!r}.")
    return value


# --- Core ---
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment or in .env (DEBUG is off)."
        )
    # Development only: a fixed key is fine when DEBUG is on and nothing is deployed.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty: list the host names this site is served under (DEBUG is off)."
    )
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

# Everything the embedded default keeps on disk (SQLite, Redis, photos) lives here.
DATA_DIR = _path("DATA_DIR", BASE_DIR / "data")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "template_partials",
    "orders",
    "processing",
    "shopify_sync",
    "fotomalovanky.web",
]

# Django's own middleware and django-csp's, declared sync-only (see
# fotomalovanky/middleware.py: one thread hand-off per request under ASGI instead of one
# per hook). WhiteNoise is sync-only; static files it serves skip everything after it.
MIDDLEWARE = [
    "fotomalovanky.middleware.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fotomalovanky.middleware.NoStoreMiddleware",
    "fotomalovanky.middleware.CSPMiddleware",
    "fotomalovanky.middleware.SessionMiddleware",
    "fotomalovanky.middleware.LocaleMiddleware",
    "fotomalovanky.middleware.CommonMiddleware",
    "fotomalovanky.middleware.CsrfViewMiddleware",
    "fotomalovanky.middleware.AuthenticationMiddleware",
    # django-axes: login throttling, see "Logins" below.
    "fotomalovanky.middleware.AxesMiddleware",
    "fotomalovanky.middleware.MessageMiddleware",
    "fotomalovanky.middleware.XFrameOptionsMiddleware",
    "fotomalovanky.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "fotomalovanky.urls"
WSGI_APPLICATION = "fotomalovanky.wsgi.application"
ASGI_APPLICATION = "fotomalovanky.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fotomalovanky.web.context.capabilities_context",
            ],
        },
    },
]

# --- Database ---
# Default: SQLite under DATA_DIR. Web and worker share it, so it runs in WAL mode,
# waits for locks (timeout) and takes the write lock at BEGIN (IMMEDIATE): a
# deferred transaction that later upgrades to a write is what raises
# "database is locked" under concurrent writers.
DATABASES = {
    "default": env.db("DATABASE_URL")
    if _given("DATABASE_URL")
    else env.db_url_config(f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
# Seconds a query waits for a pooled PostgreSQL connection before it fails. The web
# process waits DATABASE_WEB_POOL_TIMEOUT (set by fotomalovanky/webprocess.py), so
# during an outage a request answers 503 quickly (fotomalovanky/outage.py); workers,
# beat and commands wait DATABASE_POOL_TIMEOUT and may ride out a short blip.
DATABASE_POOL_TIMEOUT = env.float("DATABASE_POOL_TIMEOUT", default=10.0)
DATABASE_WEB_POOL_TIMEOUT = env.float("DATABASE_WEB_POOL_TIMEOUT", default=2.0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    # Under ASGI every request may run in a thread of its own, so persistent per-thread
    # connections would pile up to max_connections; a per-process pool shares a few.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Checked as it leaves the pool: after PostgreSQL restarts, every pooled connection
    # is dead, and unchecked each one would fail a request once the database is back.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # Without it psycopg waits 130 s for a server that does not answer.
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3))
    _db_options["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_SIZE", default=8),
        "timeout": DATABASE_POOL_TIMEOUT,
        # A failed reconnection is retried with doubling pauses; giving up after 10 s
        # lets the next query start afresh, so the pool notices the database is back
        # within seconds of it, not after a pause as long as the outage was.
        "reconnect_timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Internationalisation ---
# The staff speak Czech; times are stored in UTC and shown in Prague time.
LANGUAGE_CODE = "cs"
LANGUAGES = [("cs", "Čeština")]
TIME_ZONE = "Europe/Prague"
USE_I18N = True
USE_TZ = True

# --- Static files and storage ---
STATIC_URL = "static/"
STATIC_ROOT = _path("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Customer photos are personal data: kept on the local disk under STORAGE_PATH (the
# default) or in an S3-compatible bucket (STORAGE_BACKEND=s3), private either way, and
# served only by the staff-only media view, never from a public URL.
STORAGE_BACKEND = _choice("STORAGE_BACKEND", "local", ("local", "s3"))
STORAGE_PATH = _path("STORAGE_PATH", DATA_DIR / "images")
MEDIA_ROOT = STORAGE_PATH
S3_ENDPOINT = env.str("S3_ENDPOINT", default="")
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ACCESS_KEY = env.str("S3_ACCESS_KEY", default="")
S3_SECRET_KEY = env.str("S3_SECRET_KEY", default="")
S3_REGION = env.str("S3_REGION", default="auto")
# Path-style addressing (endpoint/bucket/key): what MinIO and most S3-compatible
# services expect; virtual-host style needs DNS per bucket.
S3_ADDRESSING_STYLE = _choice("S3_ADDRESSING_STYLE", "path", ("path", "virtual", "auto"))
# A storage that does not answer fails a step within seconds (then the step is retried),
# instead of holding a worker for boto's default of a minute per attempt.
S3_CONNECT_TIMEOUT = env.float("S3_CONNECT_TIMEOUT", default=5.0)
S3_READ_TIMEOUT = env.float("S3_READ_TIMEOUT", default=30.0)
# The media view redirects staff to a presigned URL (valid MEDIA_PRESIGNED_SECONDS)
# instead of streaming the object through Python. S3 only.
MEDIA_PRESIGNED = env.bool("MEDIA_PRESIGNED", default=False)
MEDIA_PRESIGNED_SECONDS = 60


def _default_storage() -> dict[str, object]:
    if STORAGE_BACKEND == "local":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": STORAGE_PATH, "base_url": "/media/"},
        }
    if not S3_BUCKET:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and usually S3_ENDPOINT).")
    return {"BACKEND": "common.storage.BucketStorage", "OPTIONS": s3_options()}


def s3_options(**overrides: object) -> dict[str, object]:
    """django-storages' S3Storage options from the S3_* settings (tests pass overrides)."""
    from botocore.config import Config

    options: dict[str, object] = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": S3_ENDPOINT or None,
        "access_key": S3_ACCESS_KEY or None,
        "secret_key": S3_SECRET_KEY or None,
        "region_name": S3_REGION,
        "addressing_style": S3_ADDRESSING_STYLE,
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": MEDIA_PRESIGNED_SECONDS,
        "file_overwrite": True,
        "client_config": Config(
            connect_timeout=S3_CONNECT_TIMEOUT,
            read_timeout=S3_READ_TIMEOUT,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    }
    options.update(overrides)
    return options


if MEDIA_PRESIGNED and STORAGE_BACKEND != "s3":
    raise ImproperlyConfigured("MEDIA_PRESIGNED=true needs STORAGE_BACKEND=s3.")
STORAGES = {
    "default": _default_storage(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
# nginx: when set (e.g. "/protected/"), the media view answers with X-Accel-Redirect
# to this internal location instead of streaming the file through Python.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")

# --- Redis, Celery and Channels ---
# Unset: the Redis server that `bin/run` starts itself (see fotomalovanky/launcher.py).
EMBEDDED_REDIS_PORT = env.int("EMBEDDED_REDIS_PORT", default=6390)
REDIS_URL = (
    env.str("REDIS_URL") if _given("REDIS_URL") else f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
)

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only when it finished, and put back when its worker dies,
# so nothing is lost; every task is idempotent because of this.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# kombu's Redis transport with the fix that keeps a worker alive through a Redis outage
# (without it the worker running an acks_late task died with "Unrecoverable error:
# AttributeError(...'hostname')"; the cause is in fotomalovanky/broker.py).
CELERY_BROKER_TRANSPORT = "fotomalovanky.broker:Transport"
if REDIS_URL.startswith("rediss://"):
    # Naming the transport hides the URL's scheme from kombu, which would otherwise turn
    # TLS on by itself; verify the certificate, as redis-py does for Channels on this URL.
    CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": "required"}
# Wait for a lost broker as long as it takes: Celery's default gives up after 100 tries
# (2 s, 4 s … 30 s apart: about 47 minutes) and the worker then exits.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Redis re-delivers an unacknowledged task after this long; no countdown may exceed it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
# Publishing gives up quickly when Redis is down: the caller (often a web request) must
# not hang, and the work is already recorded in the database for the sweeps to find.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Two queues: "io" for work that waits on the network (Shopify, downloads, RunPod,
# Vectorizer) and "cpu" for local image work, so a heavy filter never delays a poll.
CELERY_TASK_DEFAULT_QUEUE = "io"
# Celery 5.7 deprecates the per-task `queue` attribute: routes live here, per app.
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    "shopify_sync.tasks.*": {"queue": "io"},
    # Image work in the worker; every other processing task waits on the network ("io").
    "processing.tasks.coloring_local_run": {"queue": "cpu"},
    "processing.tasks.svg_local_run": {"queue": "cpu"},
    "processing.tasks.book_build": {"queue": "cpu"},
    "processing.tasks.order_intake_check": {"queue": "cpu"},
}

# --- Autopilot and the scheduled Shopify import (issue 14) ---
# A clean order goes from stored photos to a built book with no click (colourings, SVGs,
# books); each order's own switch (Order.autopilot) overrides this when set.
AUTOPILOT = env.bool("AUTOPILOT", default=False)
AUTOPILOT_SWEEP_SECONDS = env.int("AUTOPILOT_SWEEP_SECONDS", default=300)
# The orders one sweep looks at, those it passed least recently first.
AUTOPILOT_SWEEP_LIMIT = env.int("AUTOPILOT_SWEEP_LIMIT", default=200)
# How often beat imports the orders Shopify changed (minutes; 0 = off).
SHOPIFY_POLL_MINUTES = env.int("SHOPIFY_POLL_MINUTES", default=15)
# Each poll looks back this far behind the last successful one (clocks and Shopify's
# search index lag a little), and the first poll this many hours.
SHOPIFY_POLL_OVERLAP_MINUTES = env.int("SHOPIFY_POLL_OVERLAP_MINUTES", default=10)
SHOPIFY_POLL_FIRST_HOURS = env.int("SHOPIFY_POLL_FIRST_HOURS", default=48)
# At most this many changed orders per poll; more are left for the next one.
SHOPIFY_POLL_LIMIT = env.int("SHOPIFY_POLL_LIMIT", default=500)

# --- Celery beat ---
# Each app adds its periodic sweeps here.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Every minute: resume colouring/SVG versions whose work was interrupted (a worker
    # died, a message was lost) and fail those that cannot be resumed; queue the intake
    # check of orders whose photos are stored but were never checked.
    "processing-recover": {"task": "processing.tasks.processing_recover", "schedule": 60.0},
    # Every minute: webhook deliveries still pending, photo downloads whose worker died
    # or whose task never arrived (broker outage).
    "shopify-sweep": {"task": "shopify_sync.tasks.shopify_sweep", "schedule": 60.0},
    # Every hour: photos uploaded for a manual order that was never finished, once they
    # are MANUAL_DRAFT_HOURS old (rows and files).
    "manual-drafts-expire": {"task": "orders.tasks.manual_drafts_expire", "schedule": 3600.0},
    # Every night at 03:30 (Prague): purge the files of orders sent more than
    # PURGE_PHOTOS_DAYS ago (processing.services.retention). Listed always, so turning
    # it on is one setting; the task removes nothing unless PURGE_PHOTOS_ENABLED.
    "orders-purge": {
        "task": "processing.tasks.orders_purge_scheduled",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every AUTOPILOT_SWEEP_SECONDS: the autopilot's backstop. Its passes are triggered by
    # intake verdicts and completions; this one catches an order whose trigger was lost
    # (a broker outage, a worker killed between commit and enqueue). Cheap when off.
    "autopilot-sweep": {
        "task": "processing.tasks.autopilot_sweep",
        "schedule": float(AUTOPILOT_SWEEP_SECONDS),
    },
}
if SHOPIFY_POLL_MINUTES > 0:
    # Every SHOPIFY_POLL_MINUTES: import what Shopify changed since the last poll, so an
    # order whose webhook never came is processed all the same (0 turns it off).
    CELERY_BEAT_SCHEDULE["shopify-poll"] = {
        "task": "shopify_sync.tasks.orders_poll",
        "schedule": SHOPIFY_POLL_MINUTES * 60.0,
    }

# channels-redis waits up to 5 s per blocking read while a WebSocket is idle; redis-py 8
# times sockets out after 5 s by default, which closed every idle socket (code 1011).
CHANNEL_REDIS_SOCKET_TIMEOUT = 15


def channel_layer(url: str, prefix: str) -> dict[str, object]:
    """A channels-redis layer on `url` (also used by test and benchmark settings)."""
    host = {"address": url, "socket_timeout": CHANNEL_REDIS_SOCKET_TIMEOUT}
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [host], "prefix": prefix},
    }


CHANNEL_LAYERS = {"default": channel_layer(REDIS_URL, "fotomalovanky:channels")}

# --- Shopify ---
SHOPIFY_STORE_URL = env.str("SHOPIFY_STORE_URL", default="").rstrip("/")
SHOPIFY_STORE_HANDLE = env.str("SHOPIFY_STORE_HANDLE", default="")
SHOPIFY_ACCESS_TOKEN = env.str("SHOPIFY_ACCESS_TOKEN", default="")
SHOPIFY_WEBHOOK_SECRET = env.str("SHOPIFY_WEBHOOK_SECRET", default="")
SHOPIFY_API_VERSION = env.str("SHOPIFY_API_VERSION", default="2025-01")
# First wait between retries of a failed Shopify call (doubles each time, at most 30 s).
SHOPIFY_RETRY_BASE_DELAY = env.float("SHOPIFY_RETRY_BASE_DELAY", default=1.0)
# A webhook body larger than this is refused with 413 (Shopify's order payloads are far smaller).
SHOPIFY_WEBHOOK_MAX_BYTES = env.int("SHOPIFY_WEBHOOK_MAX_BYTES", default=2 * 1024 * 1024)
# Stored webhook deliveries not processed after this many seconds are picked up by the sweep.
SHOPIFY_WEBHOOK_SWEEP_AFTER = env.int("SHOPIFY_WEBHOOK_SWEEP_AFTER", default=60)
# Marking a Shopify order sent creates its fulfilment in Shopify (with the tracking number),
# which e-mails the customer. Needs the fulfillment-order scopes (README, "Shopify").
SHOPIFY_FULFILL_ON_SENT = env.bool("SHOPIFY_FULFILL_ON_SENT", default=False)

# --- Photo download ---
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=50 * 1024 * 1024)
# Development and tests only: allows loopback and private addresses (never link-local).
PHOTO_ALLOW_PRIVATE_HOSTS = env.bool("PHOTO_ALLOW_PRIVATE_HOSTS", default=False)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=100_000_000)
PHOTO_DOWNLOAD_CONCURRENCY = env.int("PHOTO_DOWNLOAD_CONCURRENCY", default=4)
PHOTO_CONNECT_TIMEOUT = env.float("PHOTO_CONNECT_TIMEOUT", default=10.0)
PHOTO_READ_TIMEOUT = env.float("PHOTO_READ_TIMEOUT", default=30.0)
PHOTO_RETRY_BASE_DELAY = env.float("PHOTO_RETRY_BASE_DELAY", default=1.0)
PHOTO_PREVIEW_SIZE = env.int("PHOTO_PREVIEW_SIZE", default=1024)

# --- Intake checks (before any paid work) and consent ---
# Hold: below this many megapixels, or a short side under PHOTO_HOLD_MIN_SIDE pixels.
PHOTO_HOLD_MEGAPIXELS = env.float("PHOTO_HOLD_MEGAPIXELS", default=0.15)
PHOTO_HOLD_MIN_SIDE = env.int("PHOTO_HOLD_MIN_SIDE", default=600)
# Warn: below this many megapixels, blurred, too dark or too bright.
PHOTO_WARN_MEGAPIXELS = env.float("PHOTO_WARN_MEGAPIXELS", default=0.5)
PHOTO_BLUR_THRESHOLD = env.float("PHOTO_BLUR_THRESHOLD", default=60.0)  # Laplacian variance
PHOTO_DARK_LEVEL = env.float("PHOTO_DARK_LEVEL", default=45.0)  # mean grey, 0–255
PHOTO_BRIGHT_LEVEL = env.float("PHOTO_BRIGHT_LEVEL", default=225.0)
PHOTO_NEAR_DUPLICATE_DISTANCE = env.int("PHOTO_NEAR_DUPLICATE_DISTANCE", default=5)
# With consent required, an order without a valid photo authorisation is held and its
# photos are not downloaded.
PHOTO_CONSENT_REQUIRED = env.bool("PHOTO_CONSENT_REQUIRED", default=False)
# A held order whose customer has not answered for this long turns red on the board.
HOLD_EMAIL_OVERDUE_DAYS = env.int("HOLD_EMAIL_OVERDUE_DAYS", default=5)

# --- Retention (manage.py purge_photos, and the nightly "orders-purge" beat run) ---
# Off by default: the shop decides when customers' photos go. When on, the nightly run
# purges orders sent more than PURGE_PHOTOS_DAYS ago, at most PURGE_PHOTOS_MAX_ORDERS
# per night (oldest first), and their books (PDF) only with PURGE_PHOTOS_INCLUDE_BOOKS.
PURGE_PHOTOS_ENABLED = env.bool("PURGE_PHOTOS_ENABLED", default=False)
PURGE_PHOTOS_DAYS = env.int("PURGE_PHOTOS_DAYS", default=30)
PURGE_PHOTOS_INCLUDE_BOOKS = env.bool("PURGE_PHOTOS_INCLUDE_BOOKS", default=False)
PURGE_PHOTOS_MAX_ORDERS = env.int("PURGE_PHOTOS_MAX_ORDERS", default=200)
if PURGE_PHOTOS_DAYS < 1 or PURGE_PHOTOS_MAX_ORDERS < 1:
    raise ImproperlyConfigured("PURGE_PHOTOS_DAYS and PURGE_PHOTOS_MAX_ORDERS must be at least 1.")

# --- Manual orders ---
# Photos accepted by the "Nová objednávka" form wait this long for the order to be finished.
MANUAL_DRAFT_HOURS = env.int("MANUAL_DRAFT_HOURS", default=24)


def _photo_proxies() -> list[dict[str, str]]:
    """PROXY_<N>_HOST/PORT/USERNAME/PASSWORD (all four) and optional PROXY_<N>_CERTIFICATE
    (a CA file): fallbacks for photo hosts that block us, tried in ascending N."""
    numbers = sorted({int(m[1]) for k in os.environ if (m := re.fullmatch(r"PROXY_(\d+)_HOST", k))})
    proxies = []
    for n in numbers:
        parts = [env.str(f"PROXY_{n}_{part}", default="") for part in _PROXY_PARTS]
        if all(parts):
            host, port, user, password = (quote(p, safe="") for p in parts)
            proxies.append(
                {
                    "url": f"http://{user}:{password}@{host}:{port}",
                    "ca_file": env.str(f"PROXY_{n}_CERTIFICATE", default=""),
                }
            )
    return proxies


_PROXY_PARTS = ("HOST", "PORT", "USERNAME", "PASSWORD")
PHOTO_PROXIES = _photo_proxies()

# --- Colouring and vectorising backends ---
COLORING_BACKEND = _choice("COLORING_BACKEND", "auto", ("auto", "runpod", "local"))
VECTORIZE_BACKEND = _choice("VECTORIZE_BACKEND", "auto", ("auto", "vectorizer", "local"))
RUNPOD_API_KEY = env.str("RUNPOD_API_KEY", default="")
RUNPOD_ENDPOINT_ID = env.str("RUNPOD_ENDPOINT_ID", default="")
RUNPOD_API_URL = env.str("RUNPOD_API_URL", default="https://api.runpod.ai/v2").rstrip("/")
RUNPOD_POLL_INTERVAL = env.float("RUNPOD_POLL_INTERVAL", default=3.0)
RUNPOD_TIMEOUT = env.float("RUNPOD_TIMEOUT", default=600.0)
MIN_IMAGE_SIZE = env.int("MIN_IMAGE_SIZE", default=1200)
VECTORIZER_API_KEY = env.str("VECTORIZER_API_KEY", default="")
VECTORIZER_API_SECRET = env.str("VECTORIZER_API_SECRET", default="")
VECTORIZER_URL = env.str("VECTORIZER_URL", default="https://vectorizer.ai/api/v1/vectorize")
# No paid call by accident: with DEBUG on, Vectorizer.ai runs in its free test mode
# (watermarked results) unless VECTORIZER_MODE says otherwise, and a RunPod submission
# needs RUNPOD_ALLOW_IN_DEBUG=true (processing/backends refuses it otherwise).
VECTORIZER_MODE = _choice(
    "VECTORIZER_MODE", "test" if DEBUG else "production", ("production", "preview", "test")
)
RUNPOD_ALLOW_IN_DEBUG = env.bool("RUNPOD_ALLOW_IN_DEBUG", default=False)
# --- Costs ---
# Prices that turn a vendor's billed units into a version's cost, stored with the version
# when it ends (a later price change does not rewrite the past). Defaults: RunPod's flex
# price of a 24 GB RTX 4090 worker ($0.00031 a second) and Vectorizer.ai's smallest API
# plan (about $0.20 a credit), at about 23 CZK to the dollar.
RUNPOD_PRICE_PER_SECOND = _price("RUNPOD_PRICE_PER_SECOND", "0.0071")
VECTORIZER_PRICE_PER_CREDIT = _price("VECTORIZER_PRICE_PER_CREDIT", "4.60")
COST_CURRENCY = env.str("COST_CURRENCY", default="CZK").strip() or "CZK"
# --- Books ---
# The layout of a line item whose `Rozvržení` names neither of the shop's two.
BOOK_DEFAULT_LAYOUT = _choice("BOOK_DEFAULT_LAYOUT", "gallery", ("gallery", "fullpage"))
# RunPod refuses /run bodies over about 10 MB; photos are scaled down to fit below this.
RUNPOD_MAX_BODY_BYTES = env.int("RUNPOD_MAX_BODY_BYTES", default=10_000_000)
# Recovery: seconds without any update after which an in-progress version counts as
# interrupted. Waiting in the queue may take long when much is queued; a running step
# must outlast the longest task time limit (180 s); a RunPod poll touches the row
# every RUNPOD_POLL_INTERVAL, so silence means the poll chain broke.
PROCESSING_STALE_QUEUED = env.int("PROCESSING_STALE_QUEUED", default=600)
PROCESSING_STALE_RUNNING = env.int("PROCESSING_STALE_RUNNING", default=300)
PROCESSING_STALE_POLLING = env.int("PROCESSING_STALE_POLLING", default=120)
# A RunPod submission cannot run longer than its task's hard time limit (90 s), so one
# left in `runpod_submitting` for longer was cut off.
PROCESSING_STALE_SUBMITTING = env.int("PROCESSING_STALE_SUBMITTING", default=120)
# A submission cut off after the request may have reached RunPod: by default the version
# fails (a job may run and be billed; staff decide); true resubmits it once instead.
RUNPOD_RESUBMIT_INTERRUPTED = env.bool("RUNPOD_RESUBMIT_INTERRUPTED", default=False)
# After this many resumptions of one version the sweep gives up and sets `error`.
PROCESSING_MAX_RECOVERIES = env.int("PROCESSING_MAX_RECOVERIES", default=3)
# Timeouts (seconds) of one request to RunPod and to Vectorizer.ai (its pages can be slow).
RUNPOD_REQUEST_TIMEOUT = env.float("RUNPOD_REQUEST_TIMEOUT", default=30.0)
VECTORIZER_TIMEOUT = env.float("VECTORIZER_TIMEOUT", default=120.0)

# --- JSON API ---
# HS256 secret of API tokens (manage.py issue_api_token); empty or under 32 characters:
# every token is refused.
API_JWT_SECRET = env.str("API_JWT_SECRET", default="")
# django-ninja as an app only for its bundled Swagger UI files and template: without it
# the docs page would load them from a CDN.
INSTALLED_APPS += ["ninja"]

# --- Security (effective when DEBUG is off and behind HTTPS) ---
# The defaults let development run over plain http; README.md lists the production values,
# with which `manage.py check --deploy` is clean. With DEBUG off the session and CSRF
# cookies are Secure unless told otherwise: browsers still keep them on http://localhost
# (bin/run's address), and a login can never leak over plain http elsewhere.
SESSION_COOKIE_SECURE = (
    env.bool("SESSION_COOKIE_SECURE") if _given("SESSION_COOKIE_SECURE") else not DEBUG
)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE") if _given("CSRF_COOKIE_SECURE") else not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Docker's health check (docker-compose.yml) and monitors ask daphne over plain http.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Nothing frames our pages (the admin's pop-ups are windows, not frames).
X_FRAME_OPTIONS = "DENY"


# The Content-Security-Policy of every answer that sets none itself (stored files send
# a stricter one, fotomalovanky/web/files.py). Scripts and styles come only from our static
# files: no inline <script>, style="" or on…="" in templates, and htmx is told not to
# insert its indicator <style> nor to eval (templates/base.html, the htmx-config meta).
# 'self' in connect-src also allows ws:/wss: to this host (CSP Level 3), so the live
# pages' WebSockets connect (tests/browser/test_csp.py checks it in Chromium).
def _bucket_origin() -> list[str]:
    # With MEDIA_PRESIGNED the pictures load from the bucket's endpoint after a redirect.
    if not (MEDIA_PRESIGNED and S3_ENDPOINT):
        return []
    parts = urlsplit(S3_ENDPOINT)
    return [f"{parts.scheme}://{parts.netloc}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *_bucket_origin()],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# As an app only for its checks of the settings above.
INSTALLED_APPS += ["csp"]

# --- Logins (django-axes) ---
# The staff login is the admin's. After AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME (429 with
# templates/axes/lockout.html, in Czech), even with the right password, and each attempt
# meanwhile starts the cool-off again (axes' default); a successful login clears the
# count. Per pair, so that a guesser cannot lock a colleague out from elsewhere.
INSTALLED_APPS += ["axes"]
# AxesStandaloneBackend first: it refuses a locked-out pair before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "fotomalovanky.logins.client_ip"

# Django's checks look for these middleware by exact dotted path and so miss our
# sync-only subclasses; fotomalovanky/checks.py runs them against the subclasses instead.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003", "axes.W002"]

# --- Logging ---
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
# plain: for people reading a terminal; json: one object a line, for a log collector.
# Web, workers and beat all log through LOGGING (see fotomalovanky/celery.py), to stderr.
LOG_FORMAT = _choice("LOG_FORMAT", "plain", ("plain", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "common.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default handlers on "django" (a plain console one while DEBUG is on,
        # mail to ADMINS, who are none) would write its records a second time, unformatted:
        # they reach the root handler alone.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every successful login's reset at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# --- Error reporting ---
# Sentry (or a compatible service, e.g. GlitchTip) when set: see fotomalovanky/sentry.py.
# sentry-sdk reads SENTRY_ENVIRONMENT (default "production") and SENTRY_RELEASE itself.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    # Imported only when used: sentry-sdk and its integrations take a while to load.
    from fotomalovanky.sentry import sentry_init

    sentry_init(SENTRY_DSN)
