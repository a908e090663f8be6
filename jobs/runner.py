"""The job runner: the check cycle every N seconds and the outbox sender on its own interval.

It runs inside the web app (`start_in_background`, a daemon thread that
`stop()` ends at once) or on its own (`run_forever` for `python app.py jobs`,
`run_once` for `python app.py jobs --once`).

Only one runner acts at a time: it holds an exclusive lock on
`FLOWSHEET_DATA_DIR/jobs.lock` (fcntl.flock, never waited for) while it runs.
A runner that finds the lock taken does nothing and tries again at its next
interval, so the web app's runner takes over when a `jobs` process stops.
The file lock protects one machine only; on Google, runners on several
machines also share a lease row in the sheet (jobs/lease.py): the cycle
claims, confirms and renews it, the outbox sends only while it is held, and
stopping releases it.

A cycle (or a sending round) that raises is logged; the runner goes on at the
next interval. While the mail server cannot be reached, the sending rounds
back off: the next one waits 1, 2, 4 … minutes, at most 30 (OUTAGE_BACKOFF),
until a round reaches the server again. With a shop connected, the runner also
runs its jobs (jobs/channels.py) in a thread of their own, under the same lock.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

import schedule

from jobs.channels import ROUND_SECONDS, ChannelJobs, ChannelWorker
from jobs.cycle import CycleState, release_lease
from jobs.lease import CLAIM
from jobs.mail_in import ImapSettings, mail_round
from jobs.outbox import SmtpSettings, retry_wait, send_round
from jobs.snapshot import History
from processes.channels.sync import SyncReport
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

LOCK_FILE = "jobs.lock"
DEFAULT_CYCLE_SECONDS = 300
DEFAULT_OUTBOX_SECONDS = 60
DEFAULT_ARCHIVE_SECONDS = 86_400
#: The longest the loop waits without looking at the schedule (the stop event ends a wait at once).
MAX_WAIT_SECONDS = 60.0
#: `jobs --once` on Google: how long after claiming the lease it reads again to confirm it.
LEASE_SETTLE_SECONDS = 15.0
#: The wait after a round that could not reach the mail server, doubling each time, and its longest.
OUTAGE_BACKOFF = (timedelta(minutes=1), timedelta(minutes=30))

#: `cycle(workbook, state=CycleState)`, as jobs.cycle.run_cycle.
Cycle = Callable[..., Any]


class RunnerLock:
    """An exclusive, non-blocking lock on a file in the data folder; held until released."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._file: IO[str] | None = None
        self._guard = threading.Lock()  # the shop connection's thread asks too

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """True if this runner holds the lock now (already held counts); False if another holds it."""
        with self._guard:
            return self._acquire()

    def _acquire(self) -> bool:
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
        with self._guard:
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
        channels: ChannelJobs | None = None,
        channel_seconds: float = ROUND_SECONDS,
        imap: ImapSettings | None = None,
        receive: Callable[[Workbook, ImapSettings, Path], Any] = mail_round,
        archive: Callable[[Workbook], Any] | None = None,
        archive_seconds: float = DEFAULT_ARCHIVE_SECONDS,
    ) -> None:
        self.workbook = workbook
        self.cycle = cycle
        self.smtp = smtp if smtp is not None else SmtpSettings.from_env(os.environ)
        self.send = send
        self.lock = RunnerLock(data_dir)
        self.state = CycleState(history=History(Path(data_dir)))
        self.scheduler = schedule.Scheduler()
        self.scheduler.every(cycle_seconds).seconds.do(self.run_cycle).tag("cycle")
        self.scheduler.every(outbox_seconds).seconds.do(self.run_outbox).tag("outbox")
        self.data_dir = Path(data_dir)
        self.imap = imap if imap is not None else ImapSettings()
        self.receive = receive
        if self.imap.configured:  # mail in on the outbox's interval: a customer's answer as soon as ours
            self.scheduler.every(outbox_seconds).seconds.do(self.run_mail_in).tag("mail")
        self.archive = archive
        if archive is not None:
            self.scheduler.every(archive_seconds).seconds.do(self.run_archive).tag("archive")
        self._stop = stop_event if stop_event is not None else threading.Event()
        self._thread: threading.Thread | None = None
        self._said_locked = False
        self._said_lease = False
        self._outages = 0  # sending rounds in a row that could not reach the mail server
        self._outbox_resumes: datetime | None = None
        self.channels = (
            ChannelWorker(channels, self._may_act, round_seconds=channel_seconds)
            if channels is not None
            else None
        )

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

    def holds_lease(self) -> bool:
        """Whether the lease (Google) is this runner's as its last cycle left it; always True elsewhere."""
        return not self.state.uses_lease or self.state.holds_lease(self.workbook.clock())

    def run_cycle(self) -> bool:
        """One check cycle, if this runner holds the lock; False when it raised (logged) or was not ours."""
        if not self._may_act():
            return False
        try:
            report = self.cycle(self.workbook, state=self.state)
        except Exception:
            log.exception("jobs: the check cycle failed; the next one runs as scheduled")
            return False
        log.info("jobs: %s", report)
        return True

    def run_outbox(self) -> bool:
        """One sending round, if this runner holds the lock (and lease) and the mail server is not being waited for.

        False when it raised (logged), was not ours, or waits for the server.
        """
        if self._outbox_resumes is not None and self.workbook.clock() < self._outbox_resumes:
            return False
        if not self._may_act():
            return False
        if not self.holds_lease():
            if not self._said_lease:
                log.info("jobs: the lease is not this runner's (yet); the outbox waits")
                self._said_lease = True
            return False
        self._said_lease = False
        try:
            report = self.send(self.workbook, self.smtp)
        except Exception:
            log.exception("jobs: the outbox round failed; the next one runs as scheduled")
            return False
        log.info("jobs: %s", report)
        self._back_off_while_unreachable(bool(getattr(report, "unavailable", False)))
        return True

    def run_mail_in(self) -> bool:
        """One round of reading the service mailbox, under the same lock and lease as the outbox."""
        if not self._may_act() or not self.holds_lease():
            return False
        try:
            report = self.receive(self.workbook, self.imap, self.data_dir)
        except Exception:
            log.exception("jobs: reading the service mailbox failed; the next round runs as scheduled")
            return False
        log.info("jobs: %s", report)
        return True

    def run_archive(self) -> bool:
        """One archive run (jobs/archive.py), if this runner holds the lock and lease; False when it raised or waited."""
        if self.archive is None or not self._may_act() or not self.holds_lease():
            return False
        try:
            report = self.archive(self.workbook)
        except Exception:
            log.exception("jobs: the archive run failed; nothing is lost, the next one goes on")
            return False
        log.info("jobs: %s", report)
        return True

    def _back_off_while_unreachable(self, unreachable: bool) -> None:
        if not unreachable:
            self._outages, self._outbox_resumes = 0, None
            return
        self._outages += 1
        wait = retry_wait(self._outages, *OUTAGE_BACKOFF)
        self._outbox_resumes = self.workbook.clock() + wait
        log.info("jobs: the mail server is unreachable; the next sending round waits %s", wait)

    def tick(self) -> None:
        """Run whatever is due now."""
        self.scheduler.run_pending()

    # the loop --------------------------------------------------------------

    def run(self) -> None:
        """Run every job now, then each on its interval until `stop()`; the lock is released at the end."""
        try:
            if self.channels is not None:
                self.channels.start()
            self.scheduler.run_all()
            while not self._stop.is_set():
                self.tick()
                idle = self.scheduler.idle_seconds
                wait = MAX_WAIT_SECONDS if idle is None else min(max(idle, 0.0), MAX_WAIT_SECONDS)
                self._stop.wait(timeout=wait)
        finally:
            self.release()

    def release(self) -> None:
        """Let go of the lease (Google) and the lock, so another runner may act at once."""
        if self.channels is not None:
            self.channels.stop()
        try:
            if self.lock.held and release_lease(self.workbook, self.state):
                log.info("jobs: lease released")
        except Exception:
            log.exception("jobs: the lease could not be released; it expires by itself")
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
            self.release()
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def start_in_background(workbook: Workbook, cycle: Cycle, **settings: Any) -> JobRunner:
    """The runner in a daemon thread of the web app; call `stop()` on shutdown.

    `settings` are JobRunner's: data_dir, cycle_seconds, outbox_seconds, smtp, imap.
    """
    return JobRunner(workbook, cycle, **settings).start()


def run_forever(
    workbook: Workbook,
    cycle: Cycle,
    *,
    cycle_seconds: float = DEFAULT_CYCLE_SECONDS,
    outbox_seconds: float = DEFAULT_OUTBOX_SECONDS,
    stop: threading.Event | None = None,
    **settings: Any,
) -> int:
    """`python app.py jobs`: run in this thread until Ctrl-C (or `stop` is set); returns the exit code 0.

    `settings` are JobRunner's other ones: data_dir, smtp, imap.
    """
    runner = JobRunner(
        workbook,
        cycle,
        cycle_seconds=cycle_seconds,
        outbox_seconds=outbox_seconds,
        stop_event=stop,
        **settings,
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
    settle_seconds: float = LEASE_SETTLE_SECONDS,
    channels: ChannelJobs | None = None,
    imap: ImapSettings | None = None,
) -> int:
    """`python app.py jobs --once`: one cycle and one sending round, unless another runner holds the lock.

    On Google the cycle first claims the lease; `settle_seconds` later a second
    cycle confirms it and runs the checks (a runner on another machine that
    claimed at the same moment then sees which of the two won). The lease is
    released at the end.

    With a shop connected (`channels`), a sync of it runs between the two. With IMAP
    configured (`imap`), the service mailbox is read before the sending round.

    Exit code: 0 when all ran (or another runner holds the lock or lease: nothing to do), 1 when one
    raised or the sync failed.
    """
    runner = JobRunner(workbook, cycle, data_dir=data_dir, smtp=smtp, send=send, imap=imap)
    if not runner.lock.acquire():
        out(f"jobs: another runner holds {runner.lock.path}; it runs the jobs, so this one did nothing")
        return 0
    try:
        ok = True
        try:
            out(str(cycle(workbook, state=runner.state)))
            if runner.state.lease is not None and runner.state.lease.step == CLAIM:
                time.sleep(settle_seconds)
                out(str(cycle(workbook, state=runner.state)))
        except Exception as error:
            log.exception("jobs: the checks failed")
            out(f"jobs: the checks failed: {error}")
            ok = False
        if channels is not None:
            for report in channels.sync():
                out(f"channels: {report}")
                ok = ok and not (isinstance(report, SyncReport) and not report.ok)
        if not runner.holds_lease():
            out("jobs: this runner does not hold the lease, so it sends no message")
            return 0 if ok else 1
        if runner.imap.configured:
            try:
                out(str(runner.receive(workbook, runner.imap, runner.data_dir)))
            except Exception as error:
                log.exception("jobs: reading the service mailbox failed")
                out(f"jobs: reading the service mailbox failed: {error}")
                ok = False
        try:
            out(str(send(workbook, runner.smtp)))
        except Exception as error:
            log.exception("jobs: the outbox failed")
            out(f"jobs: the outbox failed: {error}")
            ok = False
        return 0 if ok else 1
    finally:
        runner.release()
