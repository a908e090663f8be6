"""The record itself: rows that cannot be read, duplicate IDs, Stock balances the ledger disagrees with."""

from __future__ import annotations

from collections.abc import Collection

from i18n import _, ngettext
from processes.declarations import DUPLICATE_IDS, LEDGER_MISMATCH, UNREADABLE_ROWS
from processes.procedure import Alert
from processes.stock import ledger_balances
from sheets.table import DataIssue
from sheets.tabs import STOCK, STOCK_MOVES

from ..effects import Effect, alert
from ..snapshot import Snapshot

#: How many issues of a tab an alert's message quotes.
QUOTED = 3
#: How the record layer words a second row with the same ID.
DUPLICATE = "also appears on row"


def check_data(snapshot: Snapshot) -> list[Effect]:
    """Unreadable rows and duplicate IDs in every tab read whole (a big tab read in part is judged
    when a cycle reads it whole), and the ledger's disagreements with Stock."""
    judged = tuple(issue for issue in snapshot.issues if issue.tab not in snapshot.partial)
    return [*_issues(judged), *_ledger(snapshot)]


def about_a_tab_of(key: str, tabs: Collection[str]) -> bool:
    """Whether an alert key speaks of the rows of one of `tabs` (unreadable rows, duplicate IDs)."""
    kind, _, subject = key.partition(":")
    return kind in (DUPLICATE_IDS.kind, UNREADABLE_ROWS.kind) and subject in tabs


def _issues(issues: tuple[DataIssue, ...]) -> list[Effect]:
    grouped: dict[tuple[Alert, str], list[DataIssue]] = {}
    for issue in issues:
        raised = DUPLICATE_IDS if DUPLICATE in issue.reason else UNREADABLE_ROWS
        grouped.setdefault((raised, issue.tab), []).append(issue)
    effects: list[Effect] = []
    for (raised, tab), found in grouped.items():
        quoted = "; ".join(str(issue) for issue in found[:QUOTED])
        more = _(" (and {count} more)", count=len(found) - QUOTED) if len(found) > QUOTED else ""
        if raised is DUPLICATE_IDS:
            message = ngettext(
                "{tab}: {count} row shares its ID with another: {quoted}{more}",
                "{tab}: {count} rows share their ID with others: {quoted}{more}",
                len(found),
                tab=tab,
                quoted=quoted,
                more=more,
            )
        else:
            message = ngettext(
                "{tab}: {count} problem keeps a row from being read: {quoted}{more}",
                "{tab}: {count} problems keep rows from being read: {quoted}{more}",
                len(found),
                tab=tab,
                quoted=quoted,
                more=more,
            )
        effects.append(alert(raised.kind, tab, raised.severity, message, raised.owner_role))
    return effects


def _ledger(snapshot: Snapshot) -> list[Effect]:
    if snapshot.table(STOCK).missing_columns or snapshot.table(STOCK_MOVES).missing_columns:
        return []  # a balance read as its default would disagree with the ledger for no reason
    balances = ledger_balances(snapshot.df(STOCK_MOVES))
    stock = snapshot.table(STOCK)
    effects: list[Effect] = []
    for sku, location, on_hand in zip(
        stock.columns["sku"], stock.columns["location_id"], stock.columns["on_hand"], strict=True
    ):
        expected = balances.get((sku, location), 0)
        if (on_hand or 0) != expected:
            effects.append(
                alert(
                    LEDGER_MISMATCH.kind,
                    f"{sku}@{location}",
                    LEDGER_MISMATCH.severity,
                    _(
                        "{sku} at {location}: on_hand is {value} but the Stock Moves ledger adds up to {expected}; post an adjustment or correct the cell",
                        sku=sku,
                        location=location,
                        value=on_hand or 0,
                        expected=expected,
                    ),
                    LEDGER_MISMATCH.owner_role,
                )
            )
    return effects
