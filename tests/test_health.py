"""GET /api/v1/health: 200 with both checks, the queue depths and how long work has stood
still ("degraded" when too long), 503 naming what failed; one query, one Redis round trip."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.utils import timezone

from common.redis import redis_client
from fotomalovanky.broker import queue_keys
from fotomalovanky.celery import app
from processing.kinds import SVG, VersionKind, kind_declare, kind_forget
from processing.models import ColoringStatus, SvgStatus, VersionBase
from tests import factories
from tests.live import free_port as closed_port
from tests.live import reset_connections
from tests.throwaway.models import StickerStatus, StickerVersion

STALE_RUNNING = 300


@pytest.fixture(autouse=True)
def _stale_running(settings: Any) -> None:
    settings.PROCESSING_STALE_RUNNING = STALE_RUNNING


@pytest.fixture
def sticker() -> Iterator[VersionKind]:
    """A kind that no product code knows of; only its model matters to the health check."""
    kind = kind_declare(dataclasses.replace(SVG, name="sticker", model=StickerVersion))
    yield kind
    kind_forget("sticker")


def unchanged_for(version: VersionBase, seconds: float) -> None:
    # QuerySet.update() leaves auto_now alone: the row looks untouched for `seconds`.
    moment = timezone.now() - timedelta(seconds=seconds)
    type(version)._default_manager.filter(pk=version.pk).update(updated_at=moment)


def coloring(status: str, seconds: float) -> None:
    unchanged_for(factories.ColoringVersionFactory(status=status), seconds)


def svg(status: str, seconds: float) -> None:
    unchanged_for(factories.SvgVersionFactory(status=status), seconds)


def sticker_version(status: str, seconds: float) -> None:
    image = factories.ImageFactory(downloaded=True)
    unchanged_for(StickerVersion.objects.create(image=image, version=1, status=status), seconds)


@pytest.mark.django_db
def test_it_is_healthy_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("queues").keys() == {"io", "cpu"}  # their depths: see below
    assert body == {
        "status": "healthy",
        "checks": {"database": "ok", "broker": "ok"},
        "in_progress_unchanged_seconds": None,
    }


@pytest.mark.django_db
def test_it_reports_how_long_the_stalest_version_in_progress_of_any_kind_is_unchanged(
    client: Client, sticker: VersionKind
) -> None:
    coloring(ColoringStatus.RUNPOD_PROCESSING, 100)
    svg(SvgStatus.QUEUED, 200)
    sticker_version(StickerStatus.CUTTING, 250)
    # Not in progress, or never handed to the workers: however old, they do not count.
    coloring(ColoringStatus.PENDING, 10_000)
    coloring(ColoringStatus.COMPLETED, 10_000)
    svg(SvgStatus.ERROR, 10_000)

    body = client.get("/api/v1/health").json()

    assert body["status"] == "healthy"
    assert 250 <= body["in_progress_unchanged_seconds"] <= 252


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seconds", "status"),
    [(STALE_RUNNING - 5, "healthy"), (STALE_RUNNING + 5, "degraded")],
)
def test_it_is_degraded_while_a_version_in_progress_is_unchanged_past_the_running_threshold(
    client: Client, seconds: int, status: str
) -> None:
    coloring(ColoringStatus.PROCESSING, 10)
    svg(SvgStatus.VECTORIZER_PROCESSING, seconds)

    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json()["status"] == status
    assert "failed" not in response.json()


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What each write to a Redis socket sent: a pipeline is one write, answered at once."""
    sent: list[bytes] = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self: Any, command: Any, check_health: bool = True) -> None:
        sent.append(b"".join(command) if isinstance(command, list) else command)
        original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


@pytest.mark.django_db
def test_it_costs_one_database_query_and_one_redis_round_trip(
    client: Client,
    sticker: VersionKind,
    django_assert_num_queries: Any,
    round_trips: list[bytes],
) -> None:
    coloring(ColoringStatus.PROCESSING, 10)
    svg(SvgStatus.PROCESSING, 20)
    sticker_version(StickerStatus.CUTTING, 30)
    client.get("/api/v1/health")  # opens the pooled connection to Redis
    round_trips.clear()

    with django_assert_num_queries(1):
        response = client.get("/api/v1/health")

    assert response.json()["status"] == "healthy"
    assert len(round_trips) == 1
    assert round_trips[0].count(b"LLEN") == 8  # io and cpu at each of 4 priority steps


@pytest.fixture
def queues(settings: Any) -> Iterator[tuple[str, str]]:
    """Two queues of this test's own on the real broker, as the configured ones, so
    that no other test's messages count and none of theirs are purged."""
    names = (f"io-{uuid.uuid4().hex[:8]}", f"cpu-{uuid.uuid4().hex[:8]}")
    settings.CELERY_TASK_DEFAULT_QUEUE = names[0]
    settings.CELERY_TASK_ROUTES = {"tests.*": {"queue": names[1]}}
    yield names
    keys = [key for name in names for key in queue_keys(name)]
    redis_client().delete(*keys, *(f"_kombu.binding.{name}" for name in names))


@pytest.mark.django_db
def test_it_counts_the_messages_waiting_in_each_queue_at_every_priority(
    client: Client, queues: tuple[str, str]
) -> None:
    io, cpu = queues
    for queue, priority in ((io, None), (io, None), (io, 5), (cpu, 9)):
        app.send_task("tests.nothing", queue=queue, priority=priority)
    # kombu keeps messages with a priority in lists of their own.
    assert redis_client().llen(queue_keys(io)[1]) == 1
    assert redis_client().llen(queue_keys(cpu)[3]) == 1

    assert client.get("/api/v1/health").json()["queues"] == {io: 3, cpu: 1}


@pytest.mark.django_db
def test_it_answers_503_naming_the_broker_when_redis_is_down(client: Client, settings: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    svg(SvgStatus.PROCESSING, 42)

    response = client.get("/api/v1/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert "ConnectionError" in body["checks"]["broker"]
    assert body["queues"] is None
    assert 42 <= body["in_progress_unchanged_seconds"] <= 44


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_naming_the_database_when_it_is_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_connections()
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", "/nonexistent/dir/db.sqlite3")
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port()))
        pool = {**connection.settings_dict["OPTIONS"]["pool"], "timeout": 1}
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "pool", pool)

    try:
        response = client.get("/api/v1/health")
    finally:
        monkeypatch.undo()
        reset_connections()

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["broker"] == "ok"
    assert body["queues"].keys() == {"io", "cpu"}
    assert body["in_progress_unchanged_seconds"] is None


def test_it_accepts_only_get(client: Client) -> None:
    assert client.post("/api/v1/health").status_code == 405
