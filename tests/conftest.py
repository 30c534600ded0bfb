"""Shared fixtures: actors (staff, non-staff, anonymous), storage, and the network guard."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from fotomalovanky.permissions import Role
from tests import factories
from tests.fakes.photos import PROXY_PASSWORD, PROXY_USER, FakePhotoHost
from tests.fakes.server import running
from tests.fakes.shopify import FakeShopify
from tests.fakes.tcp_proxy import tcp_proxy
from tests.s3 import S3Bucket, S3Server, s3_server

# Public domain and CC0 photos, each with its source and licence in the README beside them.
PHOTOS = Path(__file__).resolve().parent / "fixtures" / "photos"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX
        return True
    host = address[0]
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise OSError(f"Tests must not reach the network (tried to connect to {address!r}).")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise OSError(f"Tests must not reach the network (tried to connect to {address!r}).")
    return _real_connect_ex(self, address)


def pytest_configure(config: pytest.Config) -> None:
    # Every socket in the test process may reach loopback only: fakes run on 127.0.0.1.
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Before the test database is dropped, end sessions nobody will close any more.

    Real servers and workers in other processes or threads (daphne, Celery) hold pooled
    PostgreSQL connections that outlive the test that started them by a moment; a
    session still open makes DROP DATABASE fail.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
    connection.close_pool()


@pytest.fixture(autouse=True)
def storage(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test writes its files to a fresh folder."""
    root = tmp_path_factory.mktemp("storage")
    settings.STORAGE_PATH = root
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": "/media/"},
        },
    }
    return root


@pytest.fixture(scope="session")
def s3_server_(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's S3 server, one for the whole run (each test gets its own bucket)."""
    with s3_server(tmp_path_factory.mktemp("moto") / "moto_server.log") as server:
        yield server


@pytest.fixture
def s3(storage: Path, settings: Any, s3_server_: S3Server) -> Iterator[S3Bucket]:
    """Files go to a fresh bucket on a real S3 endpoint instead of `storage`'s folder."""
    bucket = s3_server_.bucket()
    storage_use_bucket(settings, bucket)
    yield bucket
    storage_close()


@pytest.fixture(params=["local", "s3"])
def any_storage(request: pytest.FixtureRequest, storage: Path) -> str:
    """Run the test once with files on the local disk and once in a bucket."""
    if request.param == "s3":
        request.getfixturevalue("s3")
    return str(request.param)


@pytest.fixture
def s3_proxied(storage: Path, settings: Any, s3_server_: S3Server) -> Iterator[S3Bucket]:
    """A bucket reached through a proxy the test can cut (`.proxy.cut()`), as when the S3
    endpoint goes down."""
    with tcp_proxy(("127.0.0.1", s3_server_.port)) as proxy:
        bucket = s3_server_.bucket(proxy)
        storage_use_bucket(settings, bucket)
        yield bucket
        storage_close()


def storage_close() -> None:
    """Close this thread's connections of the bucket storage before the settings drop it
    (else its sockets are left to the garbage collector, which warns)."""
    from django.core.files.storage import storages

    connection = getattr(storages["default"]._connections, "connection", None)
    if connection is not None:
        connection.meta.client.close()


def storage_use_bucket(settings: Any, bucket: S3Bucket) -> None:
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": bucket.storage(),
    }


@pytest.fixture
def staff_user(db: None) -> User:
    """An operator: the staff member who may do everything."""
    return factories.UserFactory(is_staff=True, username="pracovnice", role=Role.OPERATOR)


@pytest.fixture
def printer_user(db: None) -> User:
    return factories.UserFactory(is_staff=True, username="tiskar", role=Role.PRINTER)


@pytest.fixture
def printer_client(printer_user: User) -> Client:
    client = Client()
    client.force_login(printer_user)
    return client


@pytest.fixture
def plain_user(db: None) -> User:
    return factories.UserFactory(is_staff=False, username="zakaznik")


@pytest.fixture
def superuser(db: None) -> User:
    return factories.UserFactory(is_staff=True, is_superuser=True, username="spravce")


@pytest.fixture
def staff_client(staff_user: User) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_client_(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def plain_client(plain_user: User) -> Client:
    client = Client()
    client.force_login(plain_user)
    return client


@pytest.fixture
def photo_bytes() -> Iterator[bytes]:
    yield (PHOTOS / "chelsea.jpg").read_bytes()


@pytest.fixture
def redis_channel_layer(settings: Any) -> Iterator[str]:
    """The real channels-redis layer on REDIS_URL, under a prefix of this test's own
    (yielded, so a server in another process can join the same layer)."""
    import uuid

    from fotomalovanky.settings import channel_layer

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {"default": channel_layer(settings.REDIS_URL, prefix)}
    yield prefix


def broker_reset() -> None:
    """Drop what earlier tests left with Redis: queued messages and the webhook drain flag
    (a flag left set would swallow this test's drain request)."""
    from common.redis import redis_client
    from fotomalovanky.celery import app
    from shopify_sync.services.inbox import DRAIN_KEY

    redis_client().delete(DRAIN_KEY)
    app.control.purge()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    """A real Celery worker (solo pool, in a thread) consuming both queues on real Redis.

    Leftover messages (and the webhook drain flag) from earlier runs are cleared first so
    only this test's tasks run.
    """
    from celery.contrib.testing.worker import start_worker

    from fotomalovanky.celery import app

    broker_reset()
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=["io", "cpu"],
        loglevel="WARNING",
        shutdown_timeout=30,
    ) as worker:
        yield worker
    app.control.purge()


# --- local fakes of third parties (see tests/fakes/) ---


@pytest.fixture
def shopify(settings: Any) -> Iterator[FakeShopify]:
    for fake in running(FakeShopify()):
        settings.SHOPIFY_STORE_URL = fake.url
        settings.SHOPIFY_RETRY_BASE_DELAY = 0.01
        yield fake  # type: ignore[misc]


@pytest.fixture
def photo_host(settings: Any) -> Iterator[FakePhotoHost]:
    for fake in running(FakePhotoHost()):
        # The fake listens on 127.0.0.1, which production refuses.
        settings.PHOTO_ALLOW_PRIVATE_HOSTS = True
        settings.PHOTO_RETRY_BASE_DELAY = 0.01
        yield fake  # type: ignore[misc]


@pytest.fixture
def proxy(settings: Any, photo_host: FakePhotoHost) -> FakePhotoHost:
    """The photo host doubles as the configured fallback proxy."""
    host_port = photo_host.url.removeprefix("http://")
    settings.PHOTO_PROXIES = [
        {"url": f"http://{PROXY_USER}:{PROXY_PASSWORD}@{host_port}", "ca_file": ""}
    ]
    return photo_host
