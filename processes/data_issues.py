"""What the Data issues page shows: every row the app cannot read, as cheaply as the record allows.

On a small record every tab is read whole, with the ledger and the cells a write could
not put right. A big tab on Google (a hundred thousand orders, millions of Audit rows)
is not read on every view: the page shows what the scheduled checks last found in it
(their unreadable-rows, duplicate-ID and ledger alerts, written when a cycle read the
tab whole) and offers to check every row now, which reads them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from processes.browse import data_issues
from processes.declarations import DUPLICATE_IDS, LEDGER_MISMATCH, UNREADABLE_ROWS
from processes.stock import ledger_issues
from sheets.table import DataIssue
from sheets.tabs import ALERT_ACTIVE, ALERTS, ALL_TABS, STOCK_MOVES
from sheets.workbook import Workbook


@dataclass(frozen=True)
class IssuesSeen:
    issues: list[DataIssue]  # in the tabs read whole
    unread: tuple[str, ...] = ()  # big tabs not read on this view
    reported: list[str] = field(default_factory=list)  # what the scheduled checks last said of them


def issues_seen(workbook: Workbook, every_row: bool = False) -> IssuesSeen:
    """The data issues of every tab small enough to read on a view (all of them with `every_row`)."""
    big = () if every_row else tuple(tab for tab in ALL_TABS if workbook.selects_rows(tab))
    if not big:
        return IssuesSeen(data_issues(workbook))
    workbook.invalidate()  # about the sheet as it is now, not as last read
    tables = workbook.tables(*(tab for tab in ALL_TABS if tab not in big))
    issues = [issue for table in tables.values() for issue in table.issues]
    unread = {tab.name for tab in big}
    ledger_read = STOCK_MOVES.name not in unread
    if ledger_read:
        issues += ledger_issues(workbook)
    reported = [
        row.message
        for row in tables[ALERTS.name].records()
        if (row.status or ALERT_ACTIVE[0]) in ALERT_ACTIVE
        and row.message
        and _about_unread(row, unread, ledger_read)
    ]
    return IssuesSeen(issues, tuple(tab.name for tab in big), reported)


def _about_unread(alert, unread: set[str], ledger_read: bool) -> bool:
    """Whether a record alert speaks of a tab this view did not read (the ledger: of Stock Moves)."""
    if alert.kind == LEDGER_MISMATCH.kind:
        return not ledger_read
    return alert.kind in (UNREADABLE_ROWS.kind, DUPLICATE_IDS.kind) and alert.ref in unread
