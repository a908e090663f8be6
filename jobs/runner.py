"""The job runner: the check cycle every N seconds and the outbox sender on its own interval.

It runs inside the web app (`start_in_background`, a daemon thread that
`stop()` ends at once) or on its own (`run_forever` for `python app.py jobs`,
`run_once` for `python app.py jobs --once`).

Only one runner acts at a time: it holds an exclusive lock on
`FLOWSHEET_DATA_DIR/jobs.lock` (fcntl.flock, never waited for) while it runs.
A runner that finds the lock taken does nothing and tries again at its next
interval, so the web app's runner takes over when a `jobs` process stops.
The file lock protects one machine only.

A cycle (or a sending round) that raises is logged; the runner goes on at the
next interval.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import schedule

from jobs.outbox import SmtpSettings, send_round
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

LOCK_FILE = "jobs.lock"
DEFAULT_CYCLE_SECONDS = 300
DEFAULT_OUTBOX_SECONDS = 60
#: The longest the loop waits without looking at the schedule (the stop event ends a wait at once).
MAX_WAIT_SECONDS = 60.0

Cycle = Callable[[Workbook], Any]


class RunnerLock:
    """An exclusive, non-blocking lock on a file in the data folder; held until released."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """True if this runner holds the lock now (already held counts); False if another holds it."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while the lock is held
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class JobRunner:
    """The cycle every `cycle_seconds` and a sending round every `outbox_seconds`, while holding the lock."""

    def __init__(
        self,
        workbook: Workbook,
        cycle: Cycle,
        *,
        data_dir: Path,
        cycle_seconds: float = DEFAULT_CYCLE_SECONDS,
        outbox_seconds: float = DEFAULT_OUTBOX_SECONDS,
        smtp: SmtpSettings | None = None,
        send: Callable[[Workbook, SmtpSettings], Any] = send_round,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.workbook = workbook
        self.cycle = cycle
        self.smtp = smtp if smtp is not None else SmtpSettings.from_env(os.environ)
        self.send = send
        self.lock = RunnerLock(data_dir)
        self.scheduler = schedule.Scheduler()
        self.scheduler.every(cycle_seconds).seconds.do(self.run_cycle).tag("cycle")
        self.scheduler.every(outbox_seconds).seconds.do(self.run_outbox).tag("outbox")
        self._stop = stop_event if stop_event is not None else threading.Event()
        self._thread: threading.Thread | None = None
        self._said_locked = False

    # one run of each job ---------------------------------------------------

    def _may_act(self) -> bool:
        if self.lock.acquire():
            if self._said_locked:
                log.info("jobs: the lock %s is ours now; this runner acts", self.lock.path)
            self._said_locked = False
            return True
        if not self._said_locked:
            log.info("jobs: another runner holds %s; this one waits", self.lock.path)
            self._said_locked = True
        return False

    def run_cycle(self) -> bool:
        """One check cycle, if this runner holds the lock; False when it raised (logged) or was not ours."""
        if not self._may_act():
            return False
        try:
            report = self.cycle(self.workbook)
        except Exception:
            log.exception("jobs: the check cycle failed; the next one runs as scheduled")
            return False
        log.info("jobs: %s", report)
        return True

    def run_outbox(self) -> bool:
        """One sending round, if this runner holds the lock; False when it raised (logged) or was not ours."""
        if not self._may_act():
            return False
        try:
            report = self.send(self.workbook, self.smtp)
        except Exception:
            log.exception("jobs: the outbox round failed; the next one runs as scheduled")
            return False
        log.info("jobs: %s", report)
        return True

    def tick(self) -> None:
        """Run whatever is due now."""
        self.scheduler.run_pending()

    # the loop --------------------------------------------------------------

    def run(self) -> None:
        """Run every job now, then each on its interval until `stop()`; the lock is released at the end."""
        try:
            self.scheduler.run_all()
            while not self._stop.is_set():
                self.tick()
                idle = self.scheduler.idle_seconds
                wait = MAX_WAIT_SECONDS if idle is None else min(max(idle, 0.0), MAX_WAIT_SECONDS)
                self._stop.wait(timeout=wait)
        finally:
            self.lock.release()

    def start(self) -> JobRunner:
        if self._thread is not None:
            raise RuntimeError("this runner is already started")
        self._thread = threading.Thread(target=self.run, name="flowsheet-jobs", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> bool:
        """End the loop; True once the thread has ended (a cycle under way is finished first)."""
        self._stop.set()
        if self._thread is None:
            self.lock.release()
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def start_in_background(
    workbook: Workbook,
    cycle: Cycle,
    *,
    data_dir: Path,
    cycle_seconds: float = DEFAULT_CYCLE_SECONDS,
    outbox_seconds: float = DEFAULT_OUTBOX_SECONDS,
    smtp: SmtpSettings | None = None,
) -> JobRunner:
    """The runner in a daemon thread of the web app; call `stop()` on shutdown."""
    runner = JobRunner(
        workbook,
        cycle,
        data_dir=data_dir,
        cycle_seconds=cycle_seconds,
        outbox_seconds=outbox_seconds,
        smtp=smtp,
    )
    return runner.start()


def run_forever(
    workbook: Workbook,
    cycle: Cycle,
    *,
    data_dir: Path,
    cycle_seconds: float = DEFAULT_CYCLE_SECONDS,
    outbox_seconds: float = DEFAULT_OUTBOX_SECONDS,
    smtp: SmtpSettings | None = None,
    stop: threading.Event | None = None,
) -> int:
    """`python app.py jobs`: run in this thread until Ctrl-C (or `stop` is set); returns the exit code 0."""
    runner = JobRunner(
        workbook,
        cycle,
        data_dir=data_dir,
        cycle_seconds=cycle_seconds,
        outbox_seconds=outbox_seconds,
        smtp=smtp,
        stop_event=stop,
    )
    print(
        f"jobs: checks every {cycle_seconds:g} s, outbox every {outbox_seconds:g} s; "
        f"lock {runner.lock.path}; Ctrl-C stops"
    )
    try:
        runner.run()
    except KeyboardInterrupt:
        print("jobs: stopped")
    return 0


def run_once(
    workbook: Workbook,
    cycle: Cycle,
    *,
    data_dir: Path,
    smtp: SmtpSettings | None = None,
    send: Callable[[Workbook, SmtpSettings], Any] = send_round,
    out: Callable[[str], Any] = print,
) -> int:
    """`python app.py jobs --once`: one cycle and one sending round, unless another runner holds the lock.

    Exit code: 0 when both ran (or another runner holds the lock: nothing to do), 1 when one raised.
    """
    runner = JobRunner(workbook, cycle, data_dir=data_dir, smtp=smtp, send=send)
    if not runner.lock.acquire():
        out(f"jobs: another runner holds {runner.lock.path}; it runs the jobs, so this one did nothing")
        return 0
    try:
        ok = True
        for label, job in (
            ("checks", lambda: cycle(workbook)),
            ("outbox", lambda: send(workbook, runner.smtp)),
        ):
            try:
                out(str(job()))
            except Exception as error:
                log.exception("jobs: the %s failed", label)
                out(f"jobs: the {label} failed: {error}")
                ok = False
        return 0 if ok else 1
    finally:
        runner.lock.release()
