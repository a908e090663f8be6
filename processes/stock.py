"""The stock ledger: every change of stock is one Stock Moves row, posted with the new balance.

Conventions every procedure follows:
- a move's `qty` is positive; its direction is `from_location` -> `to_location`;
- a receipt or a return has only `to_location`; a shipment only `from_location`;
- a transfer is two moves: out of the origin when shipped (in transit: no
  `to_location`), into the destination when received;
- an adjustment (stocktake variance, opening balance) is in (`to_location`) or
  out (`from_location`) by the size of the difference.

`post_move` writes the move and the balance in the same transaction, so after
any app action the ledger and Stock agree; `ledger_issues` finds where a
person's edit of `on_hand` made them disagree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from i18n import _
from processes.errors import ProcessError
from sheets.table import DataIssue, Record
from sheets.tabs import STOCK, STOCK_MOVES
from sheets.transaction import Transaction
from sheets.workbook import Workbook

#: Tabs a transaction that posts moves must declare (Stock is read; moves are appended).
LEDGER_TABS = (STOCK, STOCK_MOVES)


def available(stock: Record) -> int:
    """What can still be promised: on hand minus reserved."""
    return (stock.on_hand or 0) - (stock.reserved or 0)


def post_move(
    tx: Transaction,
    *,
    sku: str,
    qty: int,
    reason: str,
    ref: str = "",
    from_location: str | None = None,
    to_location: str | None = None,
    at: datetime | None = None,
) -> Record:
    """Record a move and change the Stock balances it touches; refuses to take stock below zero."""
    if qty <= 0:
        raise ProcessError(_("A stock move needs a positive quantity, not {qty}.", qty=qty))
    if not (from_location or to_location):
        raise ProcessError(_("A stock move needs a location it leaves or a location it enters."))
    if from_location:
        source = tx.get(STOCK, (sku, from_location))
        on_hand = source.on_hand if source else 0
        if on_hand - qty < 0:
            raise ProcessError(
                _(
                    "Only {on_hand} of {sku} are at {from_location}; {qty} cannot leave it.",
                    on_hand=on_hand,
                    sku=sku,
                    from_location=from_location,
                    qty=qty,
                )
            )
        tx.update(source, {"on_hand": on_hand - qty})
    if to_location:
        target = tx.get(STOCK, (sku, to_location))
        if target is None:
            tx.insert(STOCK, {"sku": sku, "location_id": to_location, "on_hand": qty})
        else:
            tx.update(target, {"on_hand": (target.on_hand or 0) + qty})
    return tx.insert(
        STOCK_MOVES,
        {
            "at": at or tx.now,
            "sku": sku,
            "from_location": from_location,
            "to_location": to_location,
            "qty": qty,
            "reason": reason,
            "ref": ref,
            "by": tx.user,
        },
    )


def ledger_balances(moves_frame) -> dict[tuple[str, str], int]:
    """What the ledger says is on hand per (sku, location)."""
    balances: dict[tuple[str, str], int] = defaultdict(int)
    for sku, source, target, qty in moves_frame[["sku", "from_location", "to_location", "qty"]].itertuples(
        index=False, name=None
    ):
        if isinstance(target, str) and target:
            balances[(sku, target)] += int(qty)
        if isinstance(source, str) and source:
            balances[(sku, source)] -= int(qty)
    return balances


def ledger_issues(workbook: Workbook) -> list[DataIssue]:
    """Stock rows whose on_hand is not what the ledger adds up to (someone typed over a balance)."""
    tables = workbook.tables(STOCK, STOCK_MOVES)
    balances = ledger_balances(tables[STOCK_MOVES.name].df)
    issues = []
    for record in tables[STOCK.name].records():
        expected = balances.get((record.sku, record.location_id), 0)
        if (record.on_hand or 0) != expected:
            issues.append(
                DataIssue(
                    STOCK.name,
                    record.row_number,
                    "on_hand",
                    f"{record.sku} at {record.location_id}: on_hand is {record.on_hand} but the Stock Moves "
                    f"ledger adds up to {expected}; post an adjustment or correct the cell",
                )
            )
    return issues
