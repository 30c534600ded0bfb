"""The embedded SQLite default: web and worker write at once without "database is locked".

Runs against a SQLite file of its own whatever DATABASE_URL says, because the embedded
default is what a fresh machine gets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Each writer reads and then writes inside one transaction, as the services do. With
# deferred transactions two such writers deadlock on the lock upgrade and SQLite answers
# "database is locked" at once; IMMEDIATE makes the second wait instead.
WRITER = """
import django
django.setup()
from django.db import connection, transaction
for _ in range(ROUNDS):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
        (last,) = cursor.fetchone()
        cursor.execute("INSERT INTO counter (n) VALUES (%s)", [last + 1])
"""

SETUP = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n INTEGER NOT NULL UNIQUE)")
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
"""

COUNT = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT n), MAX(n) FROM counter")
    print(*cursor.fetchone())
"""


def python(code: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="fotomalovanky.settings",
        READ_DOTENV="false",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="localhost",
        DATA_DIR=str(data_dir),
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def test_three_processes_read_and_write_at_once_without_lock_errors(tmp_path: Path) -> None:
    assert finish(python(SETUP, tmp_path)).strip() == "wal"

    writers = [python(WRITER.replace("ROUNDS", "300"), tmp_path) for _ in range(3)]
    for writer in writers:
        finish(writer)

    assert finish(python(COUNT, tmp_path)).split() == ["900", "900", "900"]
