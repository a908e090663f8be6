"""What one cycle of checks sees: the tables it needs, read at one moment.

Checks are pure functions of a Snapshot, so a test builds one from a few
hand-made tables (`snapshot_of`) and the runner from the workbook
(`take_snapshot`).

Every tab is read whole, in one request, but a big tab that grows (on Google, from
5,000 rows on: a shop of a hundred thousand orders). A quiet cycle there must not
read a hundred megabytes to learn that nothing changed, and the checks only judge
records still on their way, so of such a tab the cycle reads:

- the records in a state some step leads out of, and its newest rows (today's figures),
  when a procedure runs over it (Orders, Tickets, Returns, Outbox: `Workbook.selected`);
- the rows added since the last cycle, when the checks need all of it (the Stock Moves
  ledger, `History`, sheets/backends/google/grown.py);
- nothing, when no check reads it (Order Lines, Messages, Surveys);
- all of it, on the cycle the demand forecast is computed (the history it learns from:
  Orders, Order Lines, Stock Moves).

Such a tab is named in `Snapshot.partial`: the rows the cycle did not read are not
judged (the data checks' alerts about that tab stay as the last whole read left them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from processes import channels
from processes.home_reading import RECENT_ROWS, open_states
from processes.planning.run import forecast_due
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.settings import BY_KEY, read_setting
from sheets.table import DataIssue, Table
from sheets.tabs import ALL_TABS, AUDIT, FORECAST_RUNS, ORDER_LINES, ORDERS, SETTINGS, STOCK_MOVES
from sheets.workbook import Workbook

#: Every tab but the Audit trail (append-only, written by the app, and the longest).
SNAPSHOT_TABS: tuple[Tab, ...] = tuple(tab for tab in ALL_TABS if tab.name != AUDIT.name)
#: Big tabs every cycle reads all of, the rows kept from the last cycle and the ones added since.
LEDGERS: tuple[Tab, ...] = (STOCK_MOVES,)
#: What the demand forecast learns from (processes/planning/run.py): read whole on the cycle it runs.
FORECAST_HISTORY: tuple[Tab, ...] = (ORDERS, ORDER_LINES, STOCK_MOVES)


@dataclass
class History:
    """The rows of the ledgers a runner read, kept from one cycle to the next (big tabs only)."""

    rows: dict[str, list[list[Any]]] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)  # the rows above, read

    def table(self, tab: Tab, rows: list[list[Any]]) -> Table:
        """`rows` of `tab` read, kept for the next cycle; read again only when they changed."""
        if self.rows.get(tab.name) is not rows or tab.name not in self.tables:
            self.rows[tab.name] = rows
            self.tables[tab.name] = read_table(tab, rows)
        return self.tables[tab.name]


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
    `history`, so that a big ledger is read from where the last cycle left it.
    """
    big = [tab for tab in SNAPSHOT_TABS if workbook.selects_rows(tab)]
    tables, seed = workbook.tables_for_writing(*(tab for tab in SNAPSHOT_TABS if tab not in big))
    partial = _read_big(workbook, big, tables, now, history or History()) if big else frozenset()
    return snapshot_of(tables, now, seed=seed, shop_reports=channels.shop_reports(), partial=partial)


def _read_big(
    workbook: Workbook, big: list[Tab], tables: dict[str, Table], now: datetime, history: History
) -> frozenset[str]:
    """Read into `tables` what the cycle needs of the `big` tabs (see the module's text); those read in part."""
    whole = _forecast_due(tables, now)
    partial = []
    for tab in big:
        if tab in LEDGERS:
            known = None if whole else history.rows.get(tab.name)
            tables[tab.name] = history.table(tab, workbook.grown(tab, known))
        elif whole and tab in FORECAST_HISTORY:
            tables[tab.name] = read_table(tab, workbook.grown(tab))
        else:
            partial.append(tab)
    open_records = [(tab, open_states(tab), RECENT_ROWS) for tab in partial]
    wanted = [(tab, where, recent) for tab, where, recent in open_records if where is not None]
    tables.update({name: found.table for name, found in workbook.selections(wanted).items()})
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
