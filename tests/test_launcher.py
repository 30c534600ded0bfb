"""The launcher's restart policy, on children that exit at once and a clock the test sets.

tests/test_startup.py shows the same on the whole application (a worker killed with
SIGKILL comes back); here, the backoff: 1 s, 2 s, 4 s … at most 30 s, and 1 s again
after a child ran for a minute.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

LAUNCHER = Path(__file__).resolve().parent.parent / "bin" / "launcher.py"
FAILS = [sys.executable, "-S", "-c", "raise SystemExit(3)"]


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("launcher", LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


launcher = load_launcher()


@pytest.fixture
def supervisor() -> Iterator[Any]:
    sup = launcher.Supervisor(dict(os.environ))
    yield sup
    sup.stop_all()


def fail_and_restart(sup: Any, now: float) -> float:
    """Let the child fail at `now`; returns its wait, after which it is started again."""
    child = sup.children[0]
    child.proc.wait(timeout=10)
    sup.check(now)
    assert child.restart_at is not None
    wait = float(child.restart_at - now)
    sup.check(child.restart_at - 0.01)
    assert child.proc.returncode is not None  # not started again before its time
    sup.check(child.restart_at)
    assert child.restart_at is None
    return wait


def test_a_child_that_keeps_failing_waits_twice_as_long_each_time_up_to_30_s(
    supervisor: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    supervisor.start("flaky", FAILS)
    now = supervisor.children[0].started
    waits = []
    for _ in range(7):
        waits.append(fail_and_restart(supervisor, now))
        now += waits[-1]

    assert waits == [1, 2, 4, 8, 16, 30, 30]
    out = capsys.readouterr().out
    assert "flaky (pid " in out and ") exited with code 3 after 0 s; restarting it in 1 s" in out
    assert out.count("started flaky (pid ") == 8


def test_a_child_that_ran_for_a_minute_is_restarted_after_1_s_again(supervisor: Any) -> None:
    supervisor.start("flaky", FAILS)
    now = supervisor.children[0].started
    for _ in range(3):
        now += fail_and_restart(supervisor, now)  # 1 s, 2 s, 4 s

    assert fail_and_restart(supervisor, now + 59) == 8
    assert fail_and_restart(supervisor, now + 59 + 8 + 60) == 1


def test_a_signal_is_named_in_the_log() -> None:
    assert launcher.exit_reason(-9) == "was killed by SIGKILL"
    assert launcher.exit_reason(-40) == "was killed by signal 40"
    assert launcher.exit_reason(1) == "exited with code 1"
