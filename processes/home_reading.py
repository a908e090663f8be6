"""What the home page reads: every small tab whole, and of a big one only what the page shows.

At a hundred thousand orders the dashboard must not read them all, nor the Audit of
their whole lives. Of a tab the backend can read by its rows (a big growing tab on
Google) it reads the records still in a state some step leads out of, as each
procedure declares (open orders, tickets, returns and refunds, messages queued) and
the newest rows (today's figures come from them), from where the jobs or the last view
found them when they can (sheets/placements.py); of the Audit, its newest rows (when
a waiting record entered its state; an older one counts from its `updated_at`). A big
tab the page only counts is not read at all: its count shows as unknown.
Everywhere else, and on the local workbook, every tab is read whole, as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from processes import runtime
from processes.declarations import PROCEDURES
from sheets.placements import placements_of
from sheets.schema import Tab
from sheets.table import Table
from sheets.tabs import ALL_TABS, AUDIT, OUTBOX, OUTBOX_QUEUED
from sheets.workbook import Workbook

#: Newest rows of a big tab read for today's figures (several days of a busy shop).
RECENT_ROWS = 2_000
#: Newest Audit rows read to tell when waiting records entered their state.
RECENT_AUDIT_ROWS = 5_000


@dataclass(frozen=True)
class HomeRead:
    tables: dict[str, Table]
    totals: dict[str, int | None]  # records per tab; None: not counted (a big tab the page does not read)


def read_home(workbook: Workbook) -> HomeRead:
    big = [tab for tab in ALL_TABS if workbook.selects_rows(tab)]
    tables = workbook.tables(*(tab for tab in ALL_TABS if tab not in big))
    totals: dict[str, int | None] = {name: len(table) for name, table in tables.items()}
    wanted = []
    for tab in big:
        where = open_states(tab)
        if where is None and tab is not AUDIT:
            tables[tab.name] = Table(tab, {name: [] for name in tab.column_names}, [])
            totals[tab.name] = None
        else:
            wanted.append((tab, where or {}, RECENT_AUDIT_ROWS if tab is AUDIT else RECENT_ROWS))
    placements = placements_of(workbook.backend.location, runtime.known_data_dir())
    now = workbook.clock()
    placed = placements.usable(now)  # where the jobs or the last view found the open records
    found = workbook.reselect(wanted, placed)
    placements.keep(found, afresh=not placed, now=now)
    for name, (selection, _) in found.items():
        tables[name] = selection.table
        totals[name] = None if name == AUDIT.name else selection.total
    return HomeRead(tables, totals)


def open_states(tab: Tab) -> Mapping[str, Collection[str]] | None:
    """Column -> the states of its records that some step leads out of ("" for a blank cell); None: no procedure."""
    where: dict[str, set[str]] = {}
    for procedure in PROCEDURES:
        if procedure.tab.name != tab.name:
            continue
        live = {state for transition in procedure.transitions for state in transition.sources}
        if procedure.default_state in live:
            live.add("")
        where.setdefault(procedure.status_column, set()).update(live)
    if tab.name == OUTBOX.name:
        where.setdefault("status", set()).add(OUTBOX_QUEUED)
    return where or None
