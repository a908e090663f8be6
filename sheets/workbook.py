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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sheets.backends.base import Backend, InitReport
from sheets.settings import DECLARED as DECLARED_SETTINGS
from sheets.table import DataIssue, Table
from sheets.tabs import ALL_TABS, SETTINGS
from sheets.transaction import Transaction

log = logging.getLogger(__name__)


@dataclass
class _Cached:
    table: Table
    version: object
    read_at: float


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
        self._lock = threading.Lock()

    @property
    def kind(self) -> str:
        return self.backend.kind

    # reading ---------------------------------------------------------------

    def tables(self, *tabs) -> dict[str, Table]:
        """Current Tables for `tabs`; the stale ones are read together in one request."""
        versions = self.backend.versions(tabs)
        now = time.monotonic()
        with self._lock:
            fresh = {
                tab.name: cached.table
                for tab in tabs
                if (cached := self._cache.get(tab.name)) and self._current(cached, versions, tab.name, now)
            }
        stale = [tab for tab in tabs if tab.name not in fresh]
        if stale:
            read = self.backend.read_tables(stale)
            with self._lock:
                for tab in stale:
                    version = versions.get(tab.name) if versions else None
                    self._cache[tab.name] = _Cached(read[tab.name], version, now)
            fresh.update(read)
        return fresh

    def table(self, tab) -> Table:
        return self.tables(tab)[tab.name]

    def _current(self, cached: _Cached, versions: dict | None, name: str, now: float) -> bool:
        if versions is not None:
            return versions.get(name) == cached.version
        return now - cached.read_at < self.cache_seconds

    def invalidate(self, names: Sequence[str] | None = None) -> None:
        with self._lock:
            if names is None:
                self._cache.clear()
            for name in names or ():
                self._cache.pop(name, None)

    # writing ---------------------------------------------------------------

    @contextmanager
    def transaction(self, *tabs, user: str, action: str = "") -> Iterator[Transaction]:
        """One user action: fresh reads of `tabs`, then one atomic write on success."""
        with self.backend.session(tabs) as session:
            tx = Transaction(session, user=user, action=action, now=self.clock())
            yield tx
            for tab in {item.tab.name: item.tab for item in (*tx.plan.updates, *tx.plan.appends)}.values():
                if tab.id_prefix and not tab.append_only:
                    tx.assign_missing_ids(tab)
            if tx.plan:
                try:
                    session.commit(tx.plan)
                finally:
                    self.invalidate(sorted(tx.plan.tabs))

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
        return [issue for table in self.tables(*ALL_TABS).values() for issue in table.issues]

    def assign_missing_ids(self, user: str = "check") -> int:
        present = set(self.backend.tab_names())
        tabs = [tab for tab in ALL_TABS if tab.id_prefix and not tab.append_only and tab.name in present]
        with self.transaction(*tabs, user=user, action="check") as tx:
            return sum(tx.assign_missing_ids(tab) for tab in tabs)
