"""The record itself: rows that cannot be read, duplicate IDs, Stock balances the ledger disagrees with."""

from __future__ import annotations

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
    return [*_issues(snapshot.issues), *_ledger(snapshot)]


def _issues(issues: tuple[DataIssue, ...]) -> list[Effect]:
    grouped: dict[tuple[str, str], list[DataIssue]] = {}
    for issue in issues:
        kind = "data.duplicate_id" if DUPLICATE in issue.reason else "data.unreadable"
        grouped.setdefault((kind, issue.tab), []).append(issue)
    effects: list[Effect] = []
    for (kind, tab), found in grouped.items():
        what = "rows share an ID" if kind == "data.duplicate_id" else "problems keep rows from being read"
        quoted = "; ".join(str(issue) for issue in found[:QUOTED])
        more = f" (and {len(found) - QUOTED} more)" if len(found) > QUOTED else ""
        effects.append(alert(kind, tab, "warning", f"{tab}: {len(found)} {what}: {quoted}{more}", "manager"))
    return effects


def _ledger(snapshot: Snapshot) -> list[Effect]:
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
                    "data.ledger",
                    f"{sku}@{location}",
                    "warning",
                    f"{sku} at {location}: on_hand is {on_hand or 0} but the Stock Moves ledger adds up to "
                    f"{expected}; post an adjustment or correct the cell",
                    "manager",
                )
            )
    return effects
