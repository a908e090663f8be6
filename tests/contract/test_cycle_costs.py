"""What a cycle costs on Google, and what a person's edit between its read and its write can do.

A changing cycle reads the same few times at any size (the snapshot's
values:batchGet, and on a shop with big tabs what it needs of them) and writes once;
a quiet cycle only reads. The write starts from the snapshot's rows, so the
window for a person's edit is the time the checks take: these tests play the
person right before the write.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from jobs.cycle import run_cycle
from processes.demo import seed_demo
from sheets.cells import to_cell
from sheets.errors import SheetError
from sheets.ids import new_id
from sheets.tabs import ALERTS, ORDERS, STOCK

NOW = datetime(2026, 3, 2, 9, 0)
LATER = NOW + timedelta(minutes=5)


def unpaid_orders(count: int) -> list[list]:
    """Raw rows of `count` orders unpaid for three days: one alert each."""
    rows = []
    for n in range(count):
        values = {
            "order_id": new_id("ORD"),
            "customer_name": f"Customer {n}",
            "status": "new",
            "payment_status": "pending",
            "created_at": NOW - timedelta(days=3, minutes=n),
        }
        rows.append([to_cell(column.kind, values.get(column.name)) for column in ORDERS.columns])
    return rows


def alerts(google) -> list:
    google.workbook.invalidate()
    return google.workbook.table(ALERTS).records()


def active(google) -> dict[str, list]:
    found: dict[str, list] = {}
    for row in alerts(google):
        if row.status in ("open", "acknowledged"):
            found.setdefault(row.key, []).append(row)
    return found


def only(google, key: str):
    [row] = active(google)[key]
    return row


@pytest.fixture
def shop(google):
    google.workbook.clock = lambda: NOW
    seed_demo(google.workbook, now=NOW)
    return google


@pytest.mark.parametrize("orders", [20, 400])
def test_a_changing_cycle_reads_once_and_writes_once_and_a_quiet_one_only_reads(shop, orders):
    shop.person.insert_rows(ORDERS.name, 2, unpaid_orders(orders))
    shop.fake.reset_counts()
    first = run_cycle(shop.workbook, NOW)
    assert first.opened >= orders
    # The small tabs' read (the demo's Order Lines and Stock Moves are big: the forecast's cycle reads
    # them whole besides), and one write, at both sizes.
    assert shop.fake.counts() == {"values.batchGet": 3, "batchUpdate": 1}
    assert first.requests == 2

    shop.fake.reset_counts()
    quiet = run_cycle(shop.workbook, NOW)
    assert shop.fake.counts() == {"values.batchGet": 2}  # the small tabs, and the ledger
    assert quiet.requests == 1

    # Half the orders paid: as many resolves, still one read and one write.
    order_rows = shop.person.values(ORDERS.name)
    status_column = order_rows[0].index("payment_status")
    for row in range(2, 2 + orders // 2):
        shop.person.set_cell(ORDERS.name, row, status_column + 1, "paid")
    shop.fake.reset_counts()
    changed = run_cycle(shop.workbook, LATER)
    assert changed.resolved == orders // 2
    assert shop.fake.counts() == {"values.batchGet": 2, "batchUpdate": 1}


def unpaid_key(google) -> str:
    return next(key for key in active(google) if key.startswith("order.unpaid:"))


def test_rows_inserted_above_the_alerts_before_the_write_move_nothing_onto_them(shop):
    run_cycle(shop.workbook, NOW)
    key = unpaid_key(shop)
    order_id = key.split(":", 1)[1]
    order = shop.workbook.table(ORDERS).get(order_id)
    shop.person.set_cell(ORDERS.name, order.row_number, "customer_name", "Renamed Customer")  # a refresh
    notes = [["a note a person typed"], ["another note"], ["a third"]]
    shop.fake.before_next("batchUpdate", lambda: shop.person.insert_rows(ALERTS.name, 2, notes))
    run_cycle(shop.workbook, LATER)
    values = shop.person.values(ALERTS.name)
    assert [row[:1] for row in values[1:4]] == notes  # the person's rows kept as typed
    refreshed = only(shop, key)
    assert "Renamed Customer" in refreshed.message and refreshed.last_seen == LATER
    assert all(len(rows) == 1 for rows in active(shop).values())


def test_an_alert_sorted_away_before_the_write_is_refreshed_where_it_went(shop):
    run_cycle(shop.workbook, NOW)
    key = unpaid_key(shop)
    order = shop.workbook.table(ORDERS).get(key.split(":", 1)[1])
    shop.person.set_cell(ORDERS.name, order.row_number, "customer_name", "Sorted Customer")
    shop.fake.before_next("batchUpdate", lambda: shop.person.sort(ALERTS.name, "message", descending=True))
    before = {row.alert_id: row.message for row in alerts(shop)}
    run_cycle(shop.workbook, LATER)
    after = {row.alert_id: row.message for row in alerts(shop)}
    changed = {alert_id for alert_id in before if before[alert_id] != after[alert_id]}
    assert changed == {only(shop, key).alert_id}
    assert "Sorted Customer" in only(shop, key).message


def test_an_alert_acknowledged_before_the_write_stays_acknowledged_when_refreshed(shop):
    run_cycle(shop.workbook, NOW)
    key = unpaid_key(shop)
    row = only(shop, key)
    order = shop.workbook.table(ORDERS).get(key.split(":", 1)[1])
    shop.person.set_cell(ORDERS.name, order.row_number, "customer_name", "Someone Else")
    shop.fake.before_next(
        "batchUpdate", lambda: shop.person.set_cell(ALERTS.name, row.row_number, "status", "acknowledged")
    )
    run_cycle(shop.workbook, LATER)
    now = only(shop, key)
    assert (now.alert_id, now.status) == (row.alert_id, "acknowledged")
    assert "Someone Else" in now.message


def test_an_alert_deleted_before_the_write_fails_the_cycle_cleanly_and_the_next_one_is_right(shop):
    run_cycle(shop.workbook, NOW)
    low = next(key for key in active(shop) if key.startswith("stock.low:KIT-004@"))
    row = only(shop, low)
    stock = next(
        r for r in shop.workbook.table(STOCK).records() if low == f"stock.low:{r.sku}@{r.location_id}"
    )
    shop.person.set_cell(STOCK.name, stock.row_number, "on_hand", (stock.on_hand or 0) + 100)  # resolves it
    shop.fake.before_next("batchUpdate", lambda: shop.person.delete_rows(ALERTS.name, row.row_number))
    before = {r.alert_id: r.to_dict() for r in alerts(shop)}
    with pytest.raises(SheetError):
        run_cycle(shop.workbook, LATER)
    # Whatever landed on the row that took the deleted one's place was put back.
    after = {r.alert_id: r.to_dict() for r in alerts(shop)}
    assert row.alert_id not in after
    assert all(after[alert_id] == before[alert_id] for alert_id in after if alert_id in before)
    run_cycle(shop.workbook, LATER)
    assert low not in active(shop)
    assert all(
        count == 1 for count in Counter(r.key for r in alerts(shop) if r.status != "resolved").values()
    )


@pytest.mark.parametrize("moved", ["severity", "key", "message"])
def test_alert_columns_moved_before_the_cycle_writes_keep_every_value_under_its_header(shop, moved):
    run_cycle(shop.workbook, NOW)
    key = unpaid_key(shop)
    order = shop.workbook.table(ORDERS).get(key.split(":", 1)[1])
    shop.person.set_cell(ORDERS.name, order.row_number, "customer_name", "Moved Customer")  # a refresh
    shop.person.set_cell(ORDERS.name, order.row_number + 1, "payment_status", "paid")  # may resolve one
    shop.fake.before_next("batchUpdate", lambda: shop.person.move_column(ALERTS.name, moved, 1))

    run_cycle(shop.workbook, LATER)

    header = shop.person.values(ALERTS.name)[0]
    assert header[0] == moved
    rows = [dict(zip(header, row, strict=False)) for row in shop.person.values(ALERTS.name)[1:] if row]
    assert all(str(row["alert_id"]).startswith("ALR") for row in rows)
    assert all(row["severity"] in ALERTS.column("severity").choices for row in rows)
    assert all(row["status"] in ALERTS.column("status").choices for row in rows)
    assert all(":" in str(row["key"]) or str(row["key"]).startswith("runner") for row in rows)
    assert "Moved Customer" in only(shop, key).message
