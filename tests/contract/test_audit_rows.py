"""One Audit row per record a transaction changes, its `changes` cell parseable back, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from processes.orders import order_view
from processes.review.timeline import status_changes
from processes.sheet_edit import changes_since
from sheets.audit_changes import Change, parse_changes
from sheets.tabs import AUDIT, LOCATIONS, ORDERS, STOCK


def audit_rows(record, record_id: str) -> list:
    record.workbook.invalidate()
    return [row for row in record.workbook.table(AUDIT).records() if row.record_id == record_id]


def test_several_updates_of_a_record_in_one_step_make_one_row(record):
    with record.workbook.transaction(ORDERS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann"})
    with record.workbook.transaction(ORDERS, LOCATIONS, user="bo", action="confirm order") as tx:
        tx.update(order, {"status": "confirmed"})
        tx.update(order.order_id, {"location_id": "LOC-A"}, tab=ORDERS)
        tx.update(order.order_id, {"status": "paid", "carrier": "DHL"}, tab=ORDERS)
        tx.update(order.order_id, {"carrier": ""}, tab=ORDERS)  # and back: nothing to say about it

    rows = audit_rows(record, order.order_id)
    assert [row.action for row in rows] == ["insert", "confirm order: update"]
    assert rows[1].changes == "status: new → paid; location_id: (empty) → LOC-A"


def test_an_update_after_the_insert_folds_into_the_insert_s_row(record):
    with record.workbook.transaction(ORDERS, STOCK, user="bo", action="enter order") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann"})
        tx.update(order, {"status": "cancelled", "carrier": "DHL"})
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 3})
        stock = tx.require(STOCK, ("KIT-001", "LOC-A"))
        tx.update(stock, {"on_hand": 2})
        tx.update(stock, {"reserved": 1})

    (row,) = audit_rows(record, order.order_id)
    assert row.action == "enter order: insert"
    changes = {change.name: change for change in parse_changes(row.changes)}
    assert changes["status"] == Change("status", None, "cancelled")
    assert changes["carrier"] == Change("carrier", None, "DHL")
    (stock_row,) = audit_rows(record, "KIT-001/LOC-A")
    stock_changes = {c.name: c for c in parse_changes(stock_row.changes)}
    assert stock_changes["on_hand"] == Change("on_hand", None, "2")
    assert stock_changes["reserved"] == Change("reserved", None, "1")


def test_a_deletion_after_an_update_keeps_what_the_sheet_held(record):
    with record.workbook.transaction(ORDERS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann", "carrier": "UPS"})
    with record.workbook.transaction(ORDERS, user="bo", action="tidy up") as tx:
        tx.update(order, {"carrier": "DHL"})
        tx.delete(order.order_id, tab=ORDERS)

    rows = audit_rows(record, order.order_id)
    assert rows[-1].action == "tidy up: delete" and len(rows) == 2
    assert {c.name: c.new for c in parse_changes(rows[-1].changes)}["carrier"] == "UPS"


def test_values_holding_the_separators_are_quoted_and_read_back(record):
    tricky = 'Ring twice; status: delivered → "back door"'
    with record.workbook.transaction(ORDERS, user="seed") as tx:
        order = tx.insert(ORDERS, {"customer_name": "Ann", "ship_address": tricky})
    record.workbook.clock = lambda: datetime.now() + timedelta(minutes=5)
    moment = datetime.now() + timedelta(minutes=1)
    with record.workbook.transaction(ORDERS, user="bo", action="edit") as tx:
        tx.update(order, {"ship_address": "Gate 2: left", "status": "confirmed"})

    inserted, updated = audit_rows(record, order.order_id)
    assert '"Ring twice; status: delivered → \\"back door\\""' in inserted.changes
    assert parse_changes(updated.changes) == [
        Change("ship_address", tricky, "Gate 2: left"),
        Change("status", "new", "confirmed"),
    ]
    # Every reader sees the status change, and nothing the address seemed to say.
    assert changes_since(record.workbook, ORDERS.name, order.order_id, moment) == ["ship_address", "status"]
    audit = pd.DataFrame(
        [(row.tab, row.record_id, row.at, row.changes) for row in (inserted, updated)],
        columns=["tab", "record_id", "at", "changes"],
    )
    found = status_changes(audit)
    found = found[found["column"] == "status"]
    assert list(zip(found["old"], found["new"], strict=True)) == [(None, "new"), ("new", "confirmed")]
    timeline = [event.what for event in order_view(record.workbook, order.order_id).timeline]
    assert "edit (status: new → confirmed)" in timeline


def test_old_rows_still_parse():
    old = "status: new → confirmed; paid_at: (empty) → 2026-03-02 09:00:00; checklist: [x] Count | [ ] Box"
    assert parse_changes(old)[:2] == [
        Change("status", "new", "confirmed"),
        Change("paid_at", "(empty)", "2026-03-02 09:00:00"),
    ]
    assert parse_changes("order_id: ORD-1; status: new")[1] == Change("status", None, "new")
