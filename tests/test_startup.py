"""End to end: the run command on a fresh copy of the project with nothing configured.

The launcher starts embedded Redis, migrates SQLite, creates the admin account and
runs daphne, a Celery worker and Celery beat; Ctrl-C (SIGINT) stops every one of them,
and nothing else does: a child killed with SIGKILL is started again, the others run on.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

BASE_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.integration


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def copy_project(target: Path) -> None:
    """What a fresh clone holds: the files git tracks or would track, nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        source = BASE_DIR / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def fresh_environment(web_port: int, redis_port: int) -> dict[str, str]:
    unset = {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "READ_DOTENV",
        "ADMIN_PASSWORD",
        "DATA_DIR",
    }
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(WEB_PORT=str(web_port), EMBEDDED_REDIS_PORT=str(redis_port), PYTHONUNBUFFERED="1")
    return env


def wait_for(url: str, launcher: subprocess.Popen[bytes], log: Path) -> requests.Response:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert launcher.poll() is None, log.read_text()
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return response
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer 200 in time:\n{log.read_text()}")


@pytest.fixture
def running_app(
    tmp_path: Path,
) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path, dict[str, str]]]:
    project = tmp_path / "fotomalovanky"
    copy_project(project)
    env = fresh_environment(web_port=free_port(), redis_port=free_port())
    log = tmp_path / "launcher.log"
    with log.open("wb") as out:
        launcher = subprocess.Popen(
            [sys.executable, "bin/launcher.py", "run"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield launcher, project, log, env
    finally:
        stop_everything(launcher, log)


def wait_for_worker(project: Path, env: dict[str, str], expect: str = "pong") -> str:
    """Ask over the embedded broker until a worker answers a ping (its answer has expect)."""
    celery = str(Path(sys.executable).parent / "celery")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        result = subprocess.run(
            [celery, "-A", "fotomalovanky", "inspect", "ping", "--timeout", "3"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if expect in result.stdout:
            return result.stdout
    raise AssertionError("The Celery worker never answered a ping.")


def stop_everything(launcher: subprocess.Popen[bytes], log: Path) -> None:
    """Even when the test failed: the launcher stops its children; strays are killed."""
    if launcher.poll() is None:
        launcher.terminate()
        try:
            launcher.wait(timeout=60)
        except subprocess.TimeoutExpired:
            launcher.kill()
            launcher.wait()
    for pid in child_pids(log).values():
        if is_alive(pid):
            os.kill(pid, signal.SIGKILL)


def child_pids(log: Path) -> dict[str, int]:
    found = re.findall(r"started (\w+) \(pid (\d+)\)", log.read_text())
    return {name: int(pid) for name, pid in found}


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def login(base: str, username: str, password: str) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{base}/admin/login/", timeout=5)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text
    return session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
        headers={"Referer": f"{base}/admin/login/"},
        timeout=10,
    )


def test_run_command_starts_everything_and_ctrl_c_stops_everything(
    running_app: tuple[subprocess.Popen[bytes], Path, Path, dict[str, str]],
) -> None:
    launcher, project, log, env = running_app
    base = f"http://127.0.0.1:{env['WEB_PORT']}"

    health = wait_for(f"{base}/api/v1/health", launcher, log)
    assert health.json()["status"] == "healthy"
    assert "Fotomalovánky Admin" in requests.get(f"{base}/", timeout=5).text
    # daphne routes the webhook to its bare ASGI app, everything else to Django.
    assert requests.get(f"{base}/api/v1/webhooks/shopify", timeout=5).status_code == 405
    password = re.search(r"user: admin\s+password: (\S+)", log.read_text())
    assert password, log.read_text()
    index = login(base, "admin", password[1])
    assert index.url == f"{base}/admin/"
    assert "<title>Přehled | Fotomalovánky Admin</title>" in index.text
    assert (project / ".env").read_text().count("SECRET_KEY=") == 1
    assert (project / "data" / "db.sqlite3").exists()
    assert "pong" in wait_for_worker(project, env)
    pids = child_pids(log)
    assert set(pids) == {"redis", "web", "worker_io", "worker_cpu", "beat"}
    assert all(is_alive(pid) for pid in pids.values())

    launcher.send_signal(signal.SIGINT)

    assert launcher.wait(timeout=60) == 0, log.read_text()
    assert [name for name, pid in pids.items() if is_alive(pid)] == []


def wait_for_restart(log: Path, name: str, old_pid: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pid = child_pids(log)[name]
        if pid != old_pid:
            return pid
        time.sleep(0.2)
    raise AssertionError(f"{name} was not restarted:\n{log.read_text()}")


def test_run_command_restarts_a_killed_child_and_keeps_the_others_running(
    running_app: tuple[subprocess.Popen[bytes], Path, Path, dict[str, str]],
) -> None:
    launcher, project, log, env = running_app
    base = f"http://127.0.0.1:{env['WEB_PORT']}"
    wait_for(f"{base}/api/v1/health", launcher, log)
    assert "pong" in wait_for_worker(project, env)
    before = child_pids(log)

    # The whole process group (the worker and its pool), so that no orphan outlives the test.
    os.killpg(before["worker_io"], signal.SIGKILL)

    new_pid = wait_for_restart(log, "worker_io", before["worker_io"])
    restart = f"worker_io (pid {before['worker_io']}) was killed by SIGKILL after"
    assert restart in log.read_text()
    assert wait_for(f"{base}/api/v1/health", launcher, log).json()["status"] == "healthy"
    assert "pong" in wait_for_worker(project, env, expect=" io@")  # the new io worker
    after = child_pids(log)
    assert after == {**before, "worker_io": new_pid}
    assert all(is_alive(pid) for pid in after.values())
    assert launcher.poll() is None
