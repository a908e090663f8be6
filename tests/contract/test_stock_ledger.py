"""The stock ledger and the balances agree after every app action; a person's edit that breaks that is reported."""

from __future__ import annotations

import pytest

from processes.errors import ProcessError
from processes.stock import LEDGER_TABS, available, ledger_issues, post_move
from sheets.tabs import STOCK, STOCK_MOVES


def move(record, **values):
    with record.workbook.transaction(*LEDGER_TABS, user="sam", action="move stock") as tx:
        return post_move(tx, **values)


def test_a_receipt_a_transfer_and_a_shipment_keep_ledger_and_balances_equal(record):
    move(record, sku="KIT-001", qty=10, reason="receipt", ref="PO-1", to_location="LOC-A")
    move(record, sku="KIT-001", qty=4, reason="transfer", ref="TRF-1", from_location="LOC-A")
    move(record, sku="KIT-001", qty=4, reason="transfer", ref="TRF-1", to_location="LOC-B")
    move(record, sku="KIT-001", qty=1, reason="shipment", ref="ORD-1", from_location="LOC-B")

    stock = record.workbook.table(STOCK)
    assert stock.get(("KIT-001", "LOC-A")).on_hand == 6
    assert stock.get(("KIT-001", "LOC-B")).on_hand == 3
    assert len(record.workbook.table(STOCK_MOVES)) == 4
    assert ledger_issues(record.workbook) == []


def test_stock_never_goes_below_zero_and_nothing_is_written(record):
    move(record, sku="KIT-001", qty=2, reason="receipt", to_location="LOC-A")
    with pytest.raises(ProcessError, match="Only 2 of KIT-001 are at LOC-A; 3 cannot leave it."):
        move(record, sku="KIT-001", qty=3, reason="shipment", from_location="LOC-A")
    assert len(record.workbook.table(STOCK_MOVES)) == 1


@pytest.mark.parametrize("qty", [0, -5])
def test_a_move_needs_a_positive_quantity(record, qty):
    with pytest.raises(ProcessError, match="positive quantity"):
        move(record, sku="KIT-001", qty=qty, reason="receipt", to_location="LOC-A")


def test_a_balance_a_person_typed_over_is_reported_by_check(record):
    move(record, sku="KIT-001", qty=10, reason="receipt", to_location="LOC-A")
    column = record.person.values("Stock")[0].index("on_hand") + 1
    record.person.set_cell("Stock", 2, column, 12)
    record.workbook.invalidate()
    [issue] = ledger_issues(record.workbook)
    assert (issue.tab, issue.row, issue.column) == ("Stock", 2, "on_hand")
    assert "on_hand is 12 but the Stock Moves ledger adds up to 10" in issue.reason


def test_available_is_on_hand_minus_reserved(record):
    with record.workbook.transaction(STOCK, user="sam") as tx:
        row = tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 9, "reserved": 4})
    assert available(row) == 5
