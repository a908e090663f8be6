"""A write session on Google Sheets: what it reads, and how its plan lands.

A session reads, in one values:batchGet, the tabs it declares whole and the header rows
of all the others — except a tab that grows past `SPARSE_FROM` rows, read by the rows
its records stand in (targeted.py, lookups.py). Its first read waits for the step's
first question, so the record asked for comes with it. `commit` hands the plan to the
Writer (writer.py), which lands it on the right rows under the right headers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sheets.backends.base import Session
from sheets.backends.google.lookups import RowLookups
from sheets.backends.google.targeted import Positions, SparseRows
from sheets.backends.google.writer import Writer
from sheets.errors import SheetError
from sheets.locate import raw_key
from sheets.plan import WritePlan
from sheets.reading import Header, find_header, read_table
from sheets.schema import Tab
from sheets.table import Key, Record, Table
from sheets.tabs import TABS_BY_NAME

if TYPE_CHECKING:
    from sheets.backends.google.backend import GoogleBackend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Seed:
    """Raw rows read in one request: `full` tabs whole, every other tab's header rows."""

    rows: dict[str, list[list[Any]] | None]
    full: frozenset[str]


class GoogleSession(Session):
    def __init__(self, backend: GoogleBackend, full_tabs: list[str], seed: Seed | None = None) -> None:
        self.backend = backend
        self._tables: dict[str, Table] = {}
        self.rows: dict[str, Any] = {}
        self.sparse: set[str] = set()
        self.lookups = RowLookups(self.rows, backend.positions, backend.learn_positions, backend.read_rows)
        if seed is None:
            # A tab that grows is read by the rows its records stand in (targeted.py), not whole;
            # the first read waits for the first question, so the row it asks for comes with it.
            self._growing = [name for name in full_tabs if backend.reads_by_rows(name)]
            self.full = {name for name in full_tabs if name not in self._growing}
            self._opened = False
        else:
            self.full = set(seed.full)
            self.rows.update(seed.rows)  # the Writer updates its copy when it reads again
            self._opened = True
            # A big growing tab the seed holds the header of is read by its rows, as above.
            self._growing = [
                name
                for name in full_tabs
                if name not in self.full and backend.reads_by_rows(name) and seed.rows.get(name) is not None
            ]
            for name in self._growing:
                self.sparse.add(name)
                self.rows[name] = SparseRows(self.rows[name], backend.tails.get(name, 0))
            # Any other tab the seed lacks costs one more read (logged).
            self._ensure_full([name for name in full_tabs if name not in self._growing])

    def _open(self, first: tuple[Tab, Key] | None = None) -> None:
        """The session's read: whole tabs, every header, and the rows `first` (the step's first
        question: a record by key) will need, where they are remembered: its own row, and the
        rows holding its key in another growing tab's lookup (an order's lines) with that tab's end."""
        if self._opened:
            return
        self._opened = True
        rows, tails = self._wanted_first(*first) if first else ({}, {})
        found: dict[str, dict[int, list[Any]]] = {}
        self.rows.update(
            self.backend.fetch(
                sorted(self.full),
                header_only=list(self.backend.tab_names()),
                rows=rows,
                tails=tails,
                found=found,
            )
        )
        for name in self._growing:
            if self.rows.get(name) is not None:
                self.sparse.add(name)
                self.rows[name] = SparseRows(self.rows[name], self.backend.tails.get(name, 0))
                for index, row in found.get(name, {}).items():
                    self.rows[name].add(index, row)
        self.lookups.tails_read.update(name for name in tails if name in self.sparse)

    def _wanted_first(self, tab: Tab, key: Key) -> tuple[dict[str, list[int]], dict[str, int]]:
        parts = (key,) if isinstance(key, str) else tuple(key)
        positions = self.backend.positions
        rows: dict[str, list[int]] = {}
        tails: dict[str, int] = {}
        if tab.name in self._growing and tab.name in positions and parts in positions[tab.name].keys:
            rows[tab.name] = [positions[tab.name].keys[parts]]
        for name in self._growing:
            known = positions.get(name)
            child = TABS_BY_NAME[name]
            if name == tab.name or known is None or not known.complete or len(tab.key) != 1:
                continue
            if tab.key[0] in child.lookups:
                rows.setdefault(name, []).extend(known.lookups.get(tab.key[0], {}).get(parts[0], []))
                tails[name] = known.length
        return rows, tails

    # reading ---------------------------------------------------------------

    def _ensure_full(self, names: Sequence[str]) -> None:
        self._open()
        missing = [name for name in names if name not in self.full]
        if missing:
            log.debug("reading %s whole in an extra request", missing)
            self.rows.update(self.backend.fetch(missing))
            self.full.update(missing)
            self.sparse.difference_update(missing)
            for name in missing:
                self._tables.pop(name, None)

    def header(self, tab: Tab) -> Header | None:
        self._open()
        return find_header(tab, self.rows.get(tab.name) or [])

    def table(self, tab: Tab) -> Table:
        self._ensure_full([tab.name])
        if tab.name not in self._tables:
            self._tables[tab.name] = read_table(tab, self.rows.get(tab.name) or [])
        return self._tables[tab.name]

    def find(self, tab: Tab, key: Key) -> Record | None:
        if not self._opened:
            self._open((tab, key))
        if tab.name in self.sparse:
            return self.lookups.find(tab, key)
        table = self.table(tab)
        record = table.get(key)
        if record is None:
            parts = (key,) if isinstance(key, str) else tuple(key)
            for issue in table.issues:
                if issue.row is not None and self._key_at(tab, issue.row - 1) == parts:
                    raise SheetError(f"{issue} — fix the row in the sheet first.")
        return record

    def where(self, tab: Tab, column: str, value: str) -> list[Record]:
        self._open()
        if tab.name in self.sparse and column in tab.lookups:
            return self.lookups.where(tab, column, value)
        return super().where(tab, column, value)

    def _key_at(self, tab: Tab, row_index: int) -> tuple[str, ...] | None:
        header, rows = self.header(tab), self.rows.get(tab.name) or []
        if header is None or not header.complete_key or row_index >= len(rows):
            return None
        return raw_key(header, rows[row_index])

    def rows_without_id(self, tab: Tab, whole: bool = False) -> list[tuple[int, tuple[Any, ...]]]:
        self._open()
        if whole:
            self._ensure_full([tab.name])
        if tab.name not in self.full:
            return []  # only rows this session has read are given IDs (no extra request)
        rows = self.rows.get(tab.name) or []
        return [(row, tuple(rows[row - 1])) for row in self.table(tab).rows_without_id]

    # committing ------------------------------------------------------------

    def commit(self, plan: WritePlan) -> None:
        self._open()
        # A deletion that hit a row moved under it puts that row back from the read: a tab read
        # by its rows is read whole first (deleting is rare: the grid, the archive).
        self._ensure_full(sorted({delete.tab.name for delete in plan.deletes} & self.sparse))

        def read(names: Sequence[str]) -> dict[str, list[list[Any]] | None]:
            self.full.update(names)
            self._tables.clear()
            return self.backend.fetch(names, header_only=self.backend.tab_names())

        writer = Writer(
            self.rows,
            read,
            self.backend.batch_update,
            self.backend.sheet_id,
            full=self.full,
            tails=self.backend.tails,
            sparse=self.sparse,
        )
        try:
            writer.land(plan)
        finally:
            self._remember_appended(writer.landed_at)
            for name in {delete.tab.name for delete in plan.deletes}:
                self.backend.positions.pop(name, None)  # the rows below moved up

    def _remember_appended(self, landed_at: dict[tuple[str, tuple[str, ...]], tuple[int, list[Any]]]) -> None:
        """Where the rows this write added to growing tabs landed, for the next step that looks for them."""
        for (name, _key), (index, cells) in landed_at.items():
            tab = TABS_BY_NAME.get(name)
            header = find_header(tab, self.rows.get(name) or []) if tab is not None and tab.grows else None
            if header is None:
                continue
            positions = self.backend.positions.setdefault(
                name, Positions(length=self.backend.tails.get(name, 0))
            )
            positions.learn_row(tab, header, index, cells)
