"""GET /api/v1/health: 200 with both checks, 503 naming what failed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.live import free_port as closed_port
from tests.live import reset_connections


@pytest.mark.django_db
def test_it_is_healthy_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "healthy",
        "checks": {"database": "ok", "broker": "ok"},
    }


@pytest.mark.django_db
def test_it_answers_503_naming_the_broker_when_redis_is_down(client: Client, settings: Any) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"

    response = client.get("/api/v1/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert "ConnectionError" in body["checks"]["broker"]


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
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["broker"] == "ok"


def test_it_accepts_only_get(client: Client) -> None:
    assert client.post("/api/v1/health").status_code == 405
