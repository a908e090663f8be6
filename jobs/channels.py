"""The shop connections' jobs: apply the inbox and send fulfilments often, reconcile on the Settings interval.

    jobs = ChannelJobs(workbook, store, connections, sync_seconds=900)
    jobs.round()      # every ROUND_SECONDS, and at once when a webhook has been kept
    jobs.sync()       # every shop_sync_minutes, and when a person asks (the Channels page, the command line)

The runner (jobs/runner.py) runs them in a thread of their own while it holds
its lock, so only one process on the machine applies the inbox: two applying
it at once on Google could each add the same new order. A webhook wakes that
thread at once; a delivery kept by another process (or a sync asked for on
the Channels page) is seen at its next look, within ROUND_SECONDS.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from processes import channels
from processes.channels.applying import ApplyReport, apply_inbox
from processes.channels.fulfilling import FulfilReport, send_fulfilments
from processes.channels.inbox import Inbox
from processes.channels.protocol import Connection
from processes.channels.store import ChannelStore, moment
from processes.channels.sync import LAST_SYNC_AT, SyncReport, ask_for_sync, sync, sync_asked
from sheets.workbook import Workbook

if TYPE_CHECKING:
    from jobs.runner import RunnerLock

log = logging.getLogger(__name__)

ROUND_SECONDS = 60.0
DEFAULT_SYNC_SECONDS = 15 * 60.0

Report = ApplyReport | FulfilReport | SyncReport


class ChannelJobs:
    """The rounds and syncs of every connection; one at a time (a lock), whoever calls."""

    def __init__(
        self,
        workbook: Workbook,
        store: ChannelStore,
        connections: Sequence[Connection],
        *,
        sync_seconds: float = DEFAULT_SYNC_SECONDS,
    ) -> None:
        self.workbook, self.store, self.connections = workbook, store, tuple(connections)
        self.sync_seconds = sync_seconds
        self._lock = threading.Lock()

    def round(self, now: datetime | None = None) -> list[Report]:
        """Apply every due delivery and send every due fulfilment; what each connection did."""
        with self._lock:
            now = now or self.workbook.clock()
            done: list[Report] = []
            for connection in self.connections:
                done.append(apply_inbox(self.workbook, connection, self.store, now))
                done.append(send_fulfilments(self.workbook, connection, self.store, now))
            Inbox(self.store).prune(now)
            return done

    def sync(
        self, now: datetime | None = None, *, since: str | None = None, channel: str | None = None
    ) -> list[Report]:
        """Reconcile and check payments (for every connection, or `channel`'s), then send what is due."""
        with self._lock:
            now = now or self.workbook.clock()
            done: list[Report] = []
            for connection in self.connections:
                if channel is None or connection.channel == channel:
                    done.append(sync(self.workbook, connection, self.store, now, since=since))
                    done.append(send_fulfilments(self.workbook, connection, self.store, now))
            return done

    def sync_due(self, now: datetime) -> bool:
        """Whether a connection has not synced for `sync_seconds`, or a person asked for a sync."""
        for connection in self.connections:
            if sync_asked(self.store, connection.channel):
                return True
            last = moment(self.store.recall(connection.channel).get(LAST_SYNC_AT))
            if last is None or (now - last).total_seconds() >= self.sync_seconds:
                return True
        return False

    def look(self) -> list[Report]:
        """What the worker does each time it looks: a sync when one is due, else a round."""
        now = self.workbook.clock()
        return self.sync(now) if self.sync_due(now) else self.round(now)


class ChannelWorker:
    """A thread that looks every `round_seconds`, or at once when woken, while `may_act()` says so."""

    def __init__(
        self,
        jobs: ChannelJobs,
        may_act: Callable[[], bool],
        *,
        round_seconds: float = ROUND_SECONDS,
    ) -> None:
        self.jobs, self.may_act, self.round_seconds = jobs, may_act, round_seconds
        self._woken = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.looks = 0  # how many looks it has made (a test waits on it)

    def wake(self) -> None:
        self._woken.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            self._woken.wait(timeout=self.round_seconds)
            self._woken.clear()
            if self._stopped.is_set():
                return
            self.look_once()

    def look_once(self) -> bool:
        """One look, if this process may act; False when it may not or the look raised (logged)."""
        try:
            if not self.may_act():
                return False
            for report in self.jobs.look():
                log.info("channels: %s", report)
            return True
        except Exception:
            log.exception("channels: the round failed; the next one runs as scheduled")
            return False
        finally:
            self.looks += 1

    def start(self) -> ChannelWorker:
        channels.when_delivered(self.wake)
        self._thread = threading.Thread(target=self.run, name="flowsheet-channels", daemon=True)
        self._thread.start()
        self.wake()  # a first look at once: whatever waited while the app was down
        return self

    def stop(self, timeout: float = 10.0) -> None:
        channels.stop_listening(self.wake)
        self._stopped.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(timeout)


def run_sync_command(
    jobs: ChannelJobs | None,
    lock: RunnerLock,
    channel: str,
    *,
    since: str | None = None,
    out: Callable[[str], object] = print,
) -> int:
    """`python app.py channels sync CHANNEL [--since DATE]`: reconcile now; exit 0 done, 1 failed, 2 not connected.

    Only the holder of the runner's lock applies the inbox: when the web app or a
    `jobs` process holds it, that runner is asked to sync at its next look instead.
    """
    if jobs is None or channel not in {connection.channel for connection in jobs.connections}:
        out(
            f"flowsheet: {channel} is not connected: set its FLOWSHEET_{channel.upper()}_* settings "
            "(see docs/channels.md)."
        )
        return 2
    if not lock.acquire():
        ask_for_sync(jobs.store, channel, jobs.workbook.clock())
        out(f"another runner holds {lock.path} and applies the shop's orders: it was asked to sync now")
        return 0
    try:
        reports = jobs.sync(since=since, channel=channel)
    finally:
        lock.release()
    for report in reports:
        out(str(report))
    failed = [report for report in reports if isinstance(report, SyncReport) and not report.ok]
    return 1 if failed else 0
