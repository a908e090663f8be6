"""What one cycle of checks sees: the tables it needs, read in one request, at one moment.

Checks are pure functions of a Snapshot, so a test builds one from a few
hand-made tables (`snapshot_of`) and the runner from the workbook
(`take_snapshot`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from processes import channels
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.settings import BY_KEY, read_setting
from sheets.table import DataIssue, Table
from sheets.tabs import ALL_TABS, AUDIT, SETTINGS
from sheets.workbook import Workbook

#: Every tab but the Audit trail (append-only, written by the app, and the longest).
SNAPSHOT_TABS: tuple[Tab, ...] = tuple(tab for tab in ALL_TABS if tab.name != AUDIT.name)


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

    def table(self, tab: Tab) -> Table:
        return self.tables[tab.name]

    def df(self, tab: Tab) -> pd.DataFrame:
        return self.tables[tab.name].df

    def setting(self, key: str) -> Any:
        return self.settings[key]


def take_snapshot(workbook: Workbook, now: datetime) -> Snapshot:
    """The tables a cycle needs, fresh, in one read (one values:batchGet on Google).

    On Google that read also serves the cycle's write (`Snapshot.seed`), so a
    cycle reads once in all.
    """
    tables, seed = workbook.tables_for_writing(*SNAPSHOT_TABS)
    return snapshot_of(tables, now, seed=seed, shop_reports=channels.shop_reports())


def snapshot_of(
    tables: Mapping[str, Table],
    now: datetime,
    *,
    seed: Any = None,
    shop_reports: Mapping[tuple[str, str], Any] | None = None,
) -> Snapshot:
    """A Snapshot of `tables` (by tab name); a tab not given is empty."""
    complete = {
        tab.name: tables[tab.name] if tab.name in tables else read_table(tab, [tab.column_names])
        for tab in SNAPSHOT_TABS
    }
    settings_table = complete[SETTINGS.name]
    settings = {}
    for key, setting in BY_KEY.items():
        record = settings_table.get(key)
        settings[key] = read_setting(setting, record.value if record else None)[0]
    issues = tuple(issue for table in complete.values() for issue in table.issues)
    return Snapshot(now.replace(microsecond=0), complete, settings, issues, shop_reports or {}, seed=seed)
