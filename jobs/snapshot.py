"""What one cycle of checks sees: the tables it needs, read at one moment.

Checks are pure functions of a Snapshot, so a test builds one from a few
hand-made tables (`snapshot_of`) and the runner from the workbook
(`take_snapshot`).

Every tab is read whole, in one request, but a big tab that grows (on Google, from
5,000 rows on: a shop of a hundred thousand orders). A quiet cycle there must not
read a hundred megabytes to learn that nothing changed, and the checks only judge
records still on their way, so of such a tab the cycle reads:

- the records in a state some step leads out of, and its newest rows (today's figures),
  when a procedure runs over it (Orders, Tickets, Returns, Outbox): through its key and
  status columns (`Workbook.selections`), then from where those rows stood, with the rows
  added since (`Workbook.reselect`, sheets/backends/google/placed.py);
- the rows added since the last cycle, when the checks need all of it (the Stock Moves
  ledger, sheets/backends/google/grown.py);
- nothing, when no check reads it (Order Lines, Messages, Surveys);
- all of it, on the cycle the demand forecast is computed (the history it learns from:
  Orders, Order Lines, Stock Moves).

Such a tab is named in `Snapshot.partial`: the rows the cycle did not read are not
judged (the data checks' alerts about that tab stay as the last whole read left them).
What a runner keeps from one cycle to the next is its `History`, also kept in the data
folder for the next `jobs --once`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from processes import channels
from processes.home_reading import RECENT_ROWS, open_states
from processes.planning.run import forecast_due
from sheets.kept_ledger import KeptLedger, kept_ledger_of
from sheets.placements import Placements, placements_of
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.settings import BY_KEY, read_setting
from sheets.table import DataIssue, Table
from sheets.tabs import ALL_TABS, AUDIT, FORECAST_RUNS, ORDER_LINES, ORDERS, SETTINGS, STOCK_MOVES
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

#: Every tab but the Audit trail (append-only, written by the app, and the longest).
SNAPSHOT_TABS: tuple[Tab, ...] = tuple(tab for tab in ALL_TABS if tab.name != AUDIT.name)
#: Big tabs every cycle reads all of, the rows kept from the last cycle and the ones added since.
LEDGERS: tuple[Tab, ...] = (STOCK_MOVES,)
#: What the demand forecast learns from (processes/planning/run.py): read whole on the cycle it runs.
FORECAST_HISTORY: tuple[Tab, ...] = (ORDERS, ORDER_LINES, STOCK_MOVES)


@dataclass
class History:
    """What a runner keeps of the big tabs from one cycle to the next, in memory and, with a
    `folder`, in the data folder (so that `jobs --once` run by cron starts from it too).

    The ledgers' rows as read (sheets/kept_ledger.py, shared with the review); and where the
    open records of each big tab with a procedure stood (sheets/placements.py, shared with
    the dashboard). Both are checked against the sheet before they are used.
    """

    folder: Path | None = None
    placements: Placements = field(default_factory=Placements)
    ledgers: dict[str, KeptLedger] = field(default_factory=dict)
    _loaded: bool = False

    def load(self, workbook: Workbook) -> None:
        """Take what is kept of `workbook` in the data folder (once)."""
        if self._loaded or self.folder is None:
            return
        self._loaded = True
        self.placements = placements_of(workbook.backend.location, self.folder)
        self.ledgers = {tab.name: kept_ledger_of(workbook, tab, self.folder) for tab in LEDGERS}

    def ledger(self, tab: Tab) -> KeptLedger:
        return self.ledgers.setdefault(tab.name, KeptLedger(tab))


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    tables: Mapping[str, Table]
    settings: Mapping[str, Any]  # the value in force of every declared setting
    issues: tuple[DataIssue, ...]  # rows the record layer could not read, in every tab read
    #: (channel, order reference) -> what its shop last reported (a connected shop; empty without one).
    shop_reports: Mapping[tuple[str, str], Any] = field(default_factory=dict)
    #: What the cycle's write may start from instead of reading again (Google; None elsewhere).
    seed: Any = field(default=None, repr=False, compare=False)
    #: Big tabs read in part: their open records and newest rows, or nothing (see the module's text).
    partial: frozenset[str] = frozenset()
    #: Big tabs not read yet (`first_read`; `with_big_tabs` reads them).
    unread: tuple[Tab, ...] = ()

    def table(self, tab: Tab) -> Table:
        return self.tables[tab.name]

    def df(self, tab: Tab) -> pd.DataFrame:
        return self.tables[tab.name].df

    def setting(self, key: str) -> Any:
        return self.settings[key]


def take_snapshot(workbook: Workbook, now: datetime, history: History | None = None) -> Snapshot:
    """The tables a cycle needs, fresh: in one read (one values:batchGet on Google) unless a tab is big.

    On Google that read also serves the cycle's write (`Snapshot.seed`), so a
    cycle of a shop without big tabs reads once in all. A runner passes its
    `history`, so that a big tab is read from where the last cycle left it.
    """
    return with_big_tabs(workbook, first_read(workbook, now), history)


def first_read(workbook: Workbook, now: datetime) -> Snapshot:
    """Every tab but the big ones (named in `unread`): enough for the lease, in one request."""
    big = tuple(tab for tab in SNAPSHOT_TABS if workbook.selects_rows(tab))
    tables, seed = workbook.tables_for_writing(*(tab for tab in SNAPSHOT_TABS if tab not in big))
    made = snapshot_of(tables, now, seed=seed, shop_reports=channels.shop_reports())
    return replace(made, unread=big)


def with_big_tabs(workbook: Workbook, snapshot: Snapshot, history: History | None = None) -> Snapshot:
    """`snapshot` with what the cycle needs of its big tabs read (see the module's text)."""
    if not snapshot.unread:
        return snapshot
    tables = dict(snapshot.tables)
    partial = _read_big(workbook, list(snapshot.unread), tables, snapshot.now, history or History())
    issues = tuple(issue for table in tables.values() for issue in table.issues)
    return replace(snapshot, tables=tables, issues=issues, partial=partial, unread=())


def _read_big(
    workbook: Workbook, big: list[Tab], tables: dict[str, Table], now: datetime, history: History
) -> frozenset[str]:
    """Read into `tables` what the cycle needs of the `big` tabs (see the module's text); those read in part."""
    history.load(workbook)
    whole = _forecast_due(tables, now)
    partial = []
    for tab in big:
        if tab in LEDGERS:
            tables[tab.name] = history.ledger(tab).read(workbook, whole=whole)
        elif whole and tab in FORECAST_HISTORY:
            tables[tab.name] = read_table(tab, workbook.grown(tab))
        else:
            partial.append(tab)
    open_records = [(tab, open_states(tab), RECENT_ROWS) for tab in partial]
    wanted = [(tab, where, recent) for tab, where, recent in open_records if where is not None]
    placed = {} if whole else history.placements.usable(now)
    found = workbook.reselect(wanted, placed)
    tables.update({name: selection.table for name, (selection, _) in found.items()})
    history.placements.keep(found, afresh=not placed, now=now)
    return frozenset(tab.name for tab in partial)


def _forecast_due(tables: Mapping[str, Table], now: datetime) -> bool:
    """Whether this cycle computes the demand forecast (the same test refresh_plan makes)."""
    hours = settings_in(tables[SETTINGS.name])["forecast_interval_hours"]
    return forecast_due(tables[FORECAST_RUNS.name].df, now, float(hours))


def snapshot_of(
    tables: Mapping[str, Table],
    now: datetime,
    *,
    seed: Any = None,
    shop_reports: Mapping[tuple[str, str], Any] | None = None,
    partial: frozenset[str] = frozenset(),
) -> Snapshot:
    """A Snapshot of `tables` (by tab name); a tab not given is empty."""
    complete = {
        tab.name: tables[tab.name] if tab.name in tables else read_table(tab, [tab.column_names])
        for tab in SNAPSHOT_TABS
    }
    settings = settings_in(complete[SETTINGS.name])
    issues = tuple(issue for table in complete.values() for issue in table.issues)
    return Snapshot(
        now.replace(microsecond=0), complete, settings, issues, shop_reports or {}, seed=seed, partial=partial
    )


def settings_in(settings_table: Table) -> dict[str, Any]:
    """The value in force of every declared setting, from the Settings tab."""
    settings = {}
    for key, setting in BY_KEY.items():
        record = settings_table.get(key)
        settings[key] = read_setting(setting, record.value if record else None)[0]
    return settings
