"""The job runner: the schedule, failures, stopping, and one runner at a time."""

from __future__ import annotations

import datetime as real_datetime
import logging
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest
import schedule

from jobs.outbox import SmtpSettings
from jobs.runner import JobRunner, RunnerLock, run_once, start_in_background

ROOT = Path(__file__).resolve().parents[1]
NO_SMTP = SmtpSettings()


class Clock:
    """The time the schedule library sees."""

    def __init__(self) -> None:
        self.now = real_datetime.datetime(2026, 3, 2, 9, 0, 0)

    def advance(self, seconds: float) -> None:
        self.now += real_datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    made = Clock()

    class FakeDateTime(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return made.now

    fake_module = types.SimpleNamespace(**vars(real_datetime))
    fake_module.datetime = FakeDateTime
    monkeypatch.setattr(schedule, "datetime", fake_module)
    return made


class Calls:
    def __init__(self, fail_first: int = 0) -> None:
        self.count = 0
        self.fail_first = fail_first
        self.happened = threading.Event()

    def __call__(self, *args, **kwargs) -> str:
        self.count += 1
        self.happened.set()
        if self.count <= self.fail_first:
            raise RuntimeError(f"boom {self.count}")
        return f"call {self.count}"


def runner(tmp_path: Path, cycle: Calls, send: Calls | None = None, **kwargs) -> JobRunner:
    return JobRunner(
        object(),  # the cycle and the sender are fakes: no workbook is touched
        cycle,
        data_dir=tmp_path / "data",
        smtp=NO_SMTP,
        send=send or Calls(),
        **kwargs,
    )


def test_the_cycle_and_the_outbox_run_on_their_own_intervals(tmp_path, clock):
    cycle, send = Calls(), Calls()
    jobs = runner(tmp_path, cycle, send, cycle_seconds=300, outbox_seconds=60)
    jobs.tick()
    assert (cycle.count, send.count) == (0, 0)
    clock.advance(59)
    jobs.tick()
    assert (cycle.count, send.count) == (0, 0)
    clock.advance(1)
    jobs.tick()
    assert (cycle.count, send.count) == (0, 1)
    for _ in range(4):
        clock.advance(60)
        jobs.tick()
    assert (cycle.count, send.count) == (1, 5)
    clock.advance(300)
    jobs.tick()
    assert cycle.count == 2
    jobs.lock.release()


def test_a_failing_cycle_is_logged_and_the_next_one_runs(tmp_path, clock, caplog):
    cycle = Calls(fail_first=1)
    jobs = runner(tmp_path, cycle, cycle_seconds=300)
    clock.advance(300)
    with caplog.at_level(logging.ERROR, logger="jobs.runner"):
        jobs.tick()
    assert cycle.count == 1
    assert "check cycle failed" in caplog.text
    assert "boom 1" in caplog.text
    clock.advance(300)
    jobs.tick()
    assert cycle.count == 2
    jobs.lock.release()


def test_the_background_runner_runs_at_once_and_stops_promptly(local, tmp_path):
    cycle = Calls()
    jobs = start_in_background(
        local.workbook, cycle, data_dir=tmp_path / "data", cycle_seconds=3600, smtp=NO_SMTP
    )
    assert cycle.happened.wait(timeout=5)
    assert jobs.lock.held
    stopped = threading.Event()
    threading.Thread(target=lambda: jobs.stop() and stopped.set(), daemon=True).start()
    # The loop waits up to an hour for the next cycle; stop() must end that wait at once.
    assert stopped.wait(timeout=2)
    assert not jobs.lock.held
    assert cycle.count == 1


def test_a_second_runner_on_the_same_data_dir_does_not_act(tmp_path, clock):
    first_cycle, second_cycle = Calls(), Calls()
    first = runner(tmp_path, first_cycle)
    second = runner(tmp_path, second_cycle)
    clock.advance(300)
    first.tick()
    second.tick()
    assert (first_cycle.count, second_cycle.count) == (1, 0)
    # When the first stops, the second takes over at its next interval.
    first.stop()
    clock.advance(300)
    second.tick()
    assert second_cycle.count == 1
    second.lock.release()


def test_run_once_runs_one_cycle_and_one_round(tmp_path):
    cycle, send, said = Calls(), Calls(), []
    code = run_once(object(), cycle, data_dir=tmp_path / "data", smtp=NO_SMTP, send=send, out=said.append)
    assert code == 0
    assert (cycle.count, send.count) == (1, 1)
    assert said == ["call 1", "call 1"]
    assert RunnerLock(tmp_path / "data").acquire()  # released when done


def test_run_once_says_so_when_a_cycle_fails(tmp_path, caplog):
    cycle, send, said = Calls(fail_first=1), Calls(), []
    with caplog.at_level(logging.ERROR, logger="jobs.runner"):
        code = run_once(object(), cycle, data_dir=tmp_path / "data", smtp=NO_SMTP, send=send, out=said.append)
    assert code == 1
    assert send.count == 1  # the outbox still goes out
    assert "the checks failed: boom 1" in said[0]


def test_run_once_does_nothing_while_another_runner_holds_the_lock(tmp_path):
    holder = RunnerLock(tmp_path / "data")
    assert holder.acquire()
    cycle, send, said = Calls(), Calls(), []
    code = run_once(object(), cycle, data_dir=tmp_path / "data", smtp=NO_SMTP, send=send, out=said.append)
    holder.release()
    assert code == 0
    assert (cycle.count, send.count) == (0, 0)
    assert "another runner holds" in said[0]


HOLD_THE_LOCK = """
import sys
from jobs.runner import RunnerLock
lock = RunnerLock(sys.argv[1])
print("held" if lock.acquire() else "not held", flush=True)
sys.stdin.readline()
lock.release()
"""

RUN_ONCE = """
import sys
from jobs.outbox import SmtpSettings
from jobs.runner import run_once
def cycle(workbook, state=None):
    print("the cycle ran")
sys.exit(run_once(object(), cycle, data_dir=sys.argv[1], smtp=SmtpSettings(), send=lambda w, s: "sent"))
"""


def test_a_runner_in_another_process_keeps_this_one_out(tmp_path):
    data = tmp_path / "data"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(data)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "held"
        cycle, said = Calls(), []
        code = run_once(object(), cycle, data_dir=data, smtp=NO_SMTP, send=Calls(), out=said.append)
        assert code == 0
        assert cycle.count == 0
        assert "another runner holds" in said[0]
    finally:
        other.communicate("\n", timeout=10)
    # Once the other process has let go, this one acts.
    cycle = Calls()
    assert run_once(object(), cycle, data_dir=data, smtp=NO_SMTP, send=Calls(), out=lambda _: None) == 0
    assert cycle.count == 1


def test_run_once_in_another_process_stands_aside_for_this_runner(tmp_path):
    data = tmp_path / "data"
    holder = RunnerLock(data)
    assert holder.acquire()
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUN_ONCE, str(data)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.release()
    assert done.returncode == 0
    assert "another runner holds" in done.stdout
    assert "the cycle ran" not in done.stdout
