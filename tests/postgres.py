"""A PostgreSQL database of a test's own, for outage tests with real processes.

It lives on the PostgreSQL the suite runs on (DATABASE_URL) or else on 127.0.0.1:5432,
which every machine and CI that runs the suite has: on SQLite such a test does not
skip, and without that PostgreSQL it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import environ
import psycopg

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def server_config() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url.startswith("postgres") else {}
    return config or environ.Env.db_url_config(LOCAL_POSTGRES)


def connect(config: dict[str, Any], dbname: str | None = None) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=int(config["PORT"] or 5432),
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=dbname or config["NAME"],
        autocommit=True,
    )


@contextmanager
def own_database(prefix: str) -> Iterator[dict[str, Any]]:
    """A new, empty database (its Django-style config), dropped afterwards."""
    config = {**server_config(), "NAME": f"{prefix}_{uuid.uuid4().hex[:12]}"}
    with connect(config, "postgres") as admin:
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
        try:
            yield config
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def database_url(config: dict[str, Any], port: int | None = None) -> str:
    """The config as a DATABASE_URL, optionally on another port (a proxy's)."""
    password = quote(config["PASSWORD"] or "", safe="")
    auth = quote(config["USER"], safe="") + (f":{password}" if password else "")
    host = f"{config['HOST'] or '127.0.0.1'}:{port or config['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{config['NAME']}"
