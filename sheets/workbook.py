"""The workbook as the layers above see it: cached reads, transactions, init, check.

Reads go through a short cache (rule 1 allows one): several tabs are read in
one request, and a cached Table is reused while the backend says it is
current (local: a version counter per tab) or, where it cannot say (Google),
for `cache_seconds`. The app's own writes invalidate what they touched.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sheets import stray
from sheets.backends.base import Backend, InitReport, Selecting, Selection
from sheets.errors import WriteLandedWrong
from sheets.schema import Tab
from sheets.settings import DECLARED as DECLARED_SETTINGS
from sheets.table import DataIssue, Table
from sheets.tabs import ALL_TABS, AUDIT, SETTINGS
from sheets.transaction import Transaction

log = logging.getLogger(__name__)


@dataclass
class _Cached:
    table: Table
    version: object
    read_at: float


@dataclass
class _Reading:
    """A read under way, that other callers wanting the same tabs wait for."""

    future: Future
    generations: dict[str, int]


class Workbook:
    def __init__(
        self,
        backend: Backend,
        cache_seconds: float = 10.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.backend = backend
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._cache: dict[str, _Cached] = {}
        self._reading: dict[str, _Reading] = {}  # tab -> the read of it under way
        self._generation: dict[
            str, int
        ] = {}  # tab -> how often the app changed it (reads older are not kept)
        self._lock = threading.Lock()

    @property
    def kind(self) -> str:
        return self.backend.kind

    # reading ---------------------------------------------------------------

    def tables(self, *tabs) -> dict[str, Table]:
        """Current Tables for `tabs`; the stale ones are read together in one request.

        A tab another thread is reading already is not read twice: this call waits for
        that read (a page viewed twice, two people on the same list). A read started
        before the app's own write to a tab is never shared or kept after it.
        """
        versions = self.backend.versions(tabs)
        with self._lock:
            now = time.monotonic()
            fresh = {
                tab.name: cached.table
                for tab in tabs
                if (cached := self._cache.get(tab.name)) and self._current(cached, versions, tab.name, now)
            }
            stale = [tab for tab in tabs if tab.name not in fresh]
            joined = {tab.name: self._reading[tab.name] for tab in stale if self._joinable(tab.name)}
            mine = [tab for tab in stale if tab.name not in joined]
            reading = _Reading(Future(), {tab.name: self._generation.get(tab.name, 0) for tab in mine})
            for tab in mine:
                self._reading[tab.name] = reading
        if mine:
            fresh.update(self._read(mine, versions, reading))
        for name, other in joined.items():
            fresh[name] = other.future.result()[name]
        return fresh

    def _joinable(self, name: str) -> bool:
        """Whether a read of `name` is under way that began after the last change the app made to it."""
        reading = self._reading.get(name)
        return reading is not None and reading.generations[name] == self._generation.get(name, 0)

    def _read(self, tabs: list, versions: dict | None, reading: _Reading) -> dict[str, Table]:
        try:
            read = self.backend.read_tables(tabs)
        except BaseException as error:
            reading.future.set_exception(error)
            raise
        finally:
            with self._lock:
                for tab in tabs:
                    if self._reading.get(tab.name) is reading:
                        del self._reading[tab.name]
        # The cache's clock starts when the read ends: a read that took seconds is not stale on arrival.
        done = time.monotonic()
        with self._lock:
            for tab in tabs:
                if reading.generations[tab.name] == self._generation.get(tab.name, 0):
                    version = versions.get(tab.name) if versions else None
                    self._cache[tab.name] = _Cached(read[tab.name], version, done)
        reading.future.set_result(read)
        return read

    def table(self, tab) -> Table:
        return self.tables(tab)[tab.name]

    def selects_rows(self, tab: Tab) -> bool:
        """Whether `selected` reads less than the whole of `tab` (a big tab on Google)."""
        return self.backend.selects_rows(tab)

    def selected(
        self,
        tab: Tab,
        where: Mapping[str, Collection[str]],
        recent: int = 0,
        *,
        first: int = 0,
        limit: int | None = None,
    ) -> Selection:
        """The rows of `tab` whose cell in a `where` column holds one of its values ("" for blank; with
        `limit`, the newest `limit` of them), its `recent` newest and its `first` rows: from the cache,
        whole, unless the backend can read just those (a big tab on Google) and the cache holds no
        current read of the whole tab (a search a moment ago read it: the page comes from there)."""
        if self.backend.selects_rows(tab):
            cached = self._cached_whole(tab)
            if cached is not None:
                return Selection(cached, len(cached), complete=True)
            return self.backend.read_selected(tab, where, recent, first, limit)
        table = self.table(tab)
        return Selection(table, len(table), complete=True)

    def _cached_whole(self, tab: Tab) -> Table | None:
        """The cached Table of `tab` while it is current by the clock (a backend without versions)."""
        with self._lock:
            cached = self._cache.get(tab.name)
            if cached is not None and self._current(cached, None, tab.name, time.monotonic()):
                return cached.table
        return None

    def selections(self, wanted: Sequence[Selecting]) -> dict[str, Selection]:
        """`selected` of several tabs (tab, where, recent) at once: fresh, in as few requests as the
        backend can (two on Google however many big tabs; the others whole, with them)."""
        return self.backend.read_selections(wanted)

    def reselect(
        self, wanted: Sequence[Selecting], placed: Mapping[str, Any]
    ) -> dict[str, tuple[Selection, Any]]:
        """`selections`, read from where their rows stood last time (`placed`, as this returned it)
        when the backend can tell they still stand there; and where they stand now."""
        return self.backend.reselect(wanted, placed)

    def grown(self, tab: Tab, known: Sequence[Sequence[Any]] | None = None) -> list[list[Any]]:
        """Every row of `tab`, raw and fresh; of `known` (its rows as read before) only what was
        added since is read, where the backend can tell the rest still stands (a big tab on Google)."""
        return self.backend.read_grown(tab, known)

    def newest(self, tab: Tab, rows: int) -> Selection:
        """At least the `rows` newest rows of `tab`, read from its end unless the backend reads it whole
        (from the cache): `complete` when the table holds every row."""
        return self.newest_of({tab: rows})[tab.name]

    def newest_of(self, wanted: Mapping[Tab, int]) -> dict[str, Selection]:
        """`newest` of several tabs: those read from their end in one request, the others (whole) in one."""
        big = {tab: rows for tab, rows in wanted.items() if self.backend.selects_rows(tab)}
        whole = [tab for tab in wanted if tab not in big]
        found = {
            name: Selection(table, len(table), complete=True)
            for name, table in (self.tables(*whole).items() if whole else ())
        }
        if big:
            found.update(self.backend.read_newest_of(big))
        return found

    def _current(self, cached: _Cached, versions: dict | None, name: str, now: float) -> bool:
        if versions is not None:
            return versions.get(name) == cached.version
        return now - cached.read_at < self.cache_seconds

    def invalidate(self, names: Sequence[str] | None = None) -> None:
        with self._lock:
            if names is None:
                names = list({*self._cache, *self._reading, *self._generation})
                self._cache.clear()
            for name in names:
                self._cache.pop(name, None)
                self._generation[name] = self._generation.get(name, 0) + 1

    # writing ---------------------------------------------------------------

    def tables_for_writing(self, *tabs) -> tuple[dict[str, Table], Any]:
        """Fresh Tables for `tabs` in one request, and a seed `transaction(..., seed=)` may start from.

        With the seed, the transaction reads nothing: it works on these rows as
        they were read, and the backend still finds and checks every row by key
        when it writes. For a caller that writes soon after reading (the jobs).
        """
        versions = self.backend.versions(tabs)
        if versions is not None:
            return self.tables(*tabs), None  # a backend that tracks versions reads cheaply in a session
        with self._lock:
            generations = {tab.name: self._generation.get(tab.name, 0) for tab in tabs}
        tables, seed = self.backend.read_for_writing(tabs)
        done = time.monotonic()
        with self._lock:
            for tab in tabs:
                if generations[tab.name] == self._generation.get(tab.name, 0):
                    self._cache[tab.name] = _Cached(tables[tab.name], None, done)
        return tables, seed

    @contextmanager
    def transaction(self, *tabs, user: str, action: str = "", seed: Any = None) -> Iterator[Transaction]:
        """One user action: fresh reads of `tabs` (or the rows of `seed`), then one atomic write on success."""
        opened = self.backend.session(tabs) if seed is None else self.backend.seeded_session(tabs, seed)
        landed_wrong: WriteLandedWrong | None = None
        parts = []
        with opened as session:
            tx = Transaction(session, user=user, action=action, now=self.clock())
            yield tx
            for tab in {item.tab.name: item.tab for item in (*tx.plan.updates, *tx.plan.appends)}.values():
                if tab.id_prefix and not tab.append_only:
                    tx.assign_missing_ids(tab)
            parts = self.backend.parts_of(tx.plan) if tx.plan else []
            if parts:
                try:
                    session.commit(parts[0])
                except WriteLandedWrong as error:
                    landed_wrong = error
                finally:
                    self.invalidate(sorted(tx.plan.tabs))
        # New rows too many for one request: each further part in a session of its own, read afresh.
        for part in parts[1:] if landed_wrong is None else ():
            with self.backend.session(tabs) as session:
                try:
                    session.commit(part)
                except WriteLandedWrong as error:
                    landed_wrong = error
                finally:
                    self.invalidate(sorted(part.tabs))
            if landed_wrong is not None:
                break
        if landed_wrong is not None:
            # Recorded once the session is closed (it holds the write lock), then reported.
            stray.record(self, landed_wrong.stray, user)
            raise landed_wrong

    # init and check --------------------------------------------------------

    def init(self, user: str = "init", language: str = "en") -> InitReport:
        """Create missing tabs and columns (headers in `language`), and the Settings rows that are missing."""
        report = self.backend.ensure_tabs(ALL_TABS, language)
        self.invalidate()
        with self.transaction(SETTINGS, user=user, action="init") as tx:
            present = set(tx.table(SETTINGS).keys())
            for setting in DECLARED_SETTINGS:
                if setting.key not in present:
                    tx.insert(
                        SETTINGS,
                        {
                            "key": setting.key,
                            "value": str(setting.default),
                            "description": f"{setting.description} ({setting.unit})",
                        },
                    )
        return report

    def check(self, user: str = "check", assign_ids: bool = True) -> list[DataIssue]:
        """Every data issue in the workbook; rows without an ID get one first (unless told not to)."""
        if assign_ids:
            self.assign_missing_ids(user)
        self.invalidate()  # a check is about the sheet as it is now, not as last read
        tables = self.tables(*ALL_TABS)
        issues = [issue for table in tables.values() for issue in table.issues]
        return issues + self.stray_cells(tables[AUDIT.name])

    def stray_cells(self, audit: Table | None = None) -> list[DataIssue]:
        """Cells a write could not put right that still hold what it left there."""
        recorded = stray.recorded(audit if audit is not None else self.table(AUDIT))
        return stray.still_there(self.backend, recorded) if recorded else []

    def assign_missing_ids(self, user: str = "check") -> int:
        present = set(self.backend.tab_names())
        tabs = [tab for tab in ALL_TABS if tab.id_prefix and not tab.append_only and tab.name in present]
        with self.transaction(*tabs, user=user, action="check") as tx:
            return sum(tx.assign_missing_ids(tab, whole=True) for tab in tabs)
