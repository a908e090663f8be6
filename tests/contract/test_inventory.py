"""Inventory on both backends: the stock view, stocktakes and transfers keep the ledger and Stock equal."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from processes import inventory, master_data
from processes.errors import PermissionDenied, ProcessError
from processes.inventory import StockQuery, TransferQuery
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, ledger_issues, post_move
from sheets.errors import ConflictError, InvalidValue
from sheets.tabs import PURCHASE_ORDERS, RECEIPTS, STOCK, STOCK_COUNTS, STOCK_MOVES, TRANSFERS

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
T0 = datetime(2026, 3, 2, 9, 0)


class Clock:
    """The workbook's clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclasses.dataclass
class Shop:
    record: Any
    main: str  # location IDs
    store: str

    @property
    def workbook(self):
        return self.record.workbook


@pytest.fixture
def shop(record) -> Shop:
    """Two locations, two products, and a clock the test controls."""
    workbook = record.workbook
    workbook.clock = Clock()
    main = master_data.add_record(workbook, master_data.LOCATION, {"name": "Main warehouse"}, by=MANAGER)
    store = master_data.add_record(
        workbook, master_data.LOCATION, {"name": "City store", "kind": "store"}, by=MANAGER
    )
    for sku, name in (("KIT-001", "Kettle"), ("MUG-002", "Mug")):
        master_data.add_record(workbook, master_data.PRODUCT, {"sku": sku, "name": name}, by=MANAGER)
    return Shop(record, main.location_id, store.location_id)


def receive(workbook, sku, location, qty):
    with workbook.transaction(*LEDGER_TABS, user="sam", action="receive goods") as tx:
        post_move(tx, sku=sku, qty=qty, reason="receipt", ref="PO-TEST", to_location=location)


def reserve(workbook, sku, location, qty):
    with workbook.transaction(STOCK, user="sam", action="reserve") as tx:
        tx.update(tx.require(STOCK, (sku, location)), {"reserved": qty})


def on_hand(workbook, sku, location):
    row = workbook.table(STOCK).get((sku, location))
    return None if row is None else row.on_hand


def moves(workbook):
    return list(workbook.table(STOCK_MOVES).records())


# transfers ----------------------------------------------------------------


def test_a_transfer_above_what_is_available_is_refused_when_requested(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    reserve(shop.workbook, "KIT-001", shop.main, 3)

    with pytest.raises(ProcessError, match="Only 7 of KIT-001 are available at Main warehouse; 8 cannot"):
        inventory.request_transfer(
            shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=8, by=STAFF
        )

    assert len(shop.workbook.table(TRANSFERS)) == 0
    request = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty="7", by=STAFF
    )
    assert (request.qty, request.status, request.requested_by, request.requested_at) == (
        7,
        "requested",
        "sam",
        T0,
    )
    assert ledger_issues(shop.workbook) == []


def test_shipping_is_refused_when_the_stock_left_after_the_request(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    first = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=6, by=STAFF
    )
    second = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=6, by=STAFF
    )
    inventory.ship_transfer(shop.workbook, second.transfer_id, by=STAFF)

    with pytest.raises(ProcessError, match="Only 4 of KIT-001 are available at Main warehouse; 6 cannot"):
        inventory.ship_transfer(shop.workbook, first.transfer_id, by=STAFF)

    assert shop.workbook.table(TRANSFERS).get(first.transfer_id).status == "requested"
    assert on_hand(shop.workbook, "KIT-001", shop.main) == 4
    assert len(moves(shop.workbook)) == 2  # the receipt and the second transfer leaving
    assert ledger_issues(shop.workbook) == []


def test_a_transfer_is_received_as_counted_and_a_shortfall_is_recorded_not_booked(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    transfer = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=5, by=STAFF
    )
    inventory.ship_transfer(shop.workbook, transfer.transfer_id, by=STAFF)
    with pytest.raises(ProcessError, match="6 counted, but .* sent 5"):
        inventory.receive_transfer(shop.workbook, transfer.transfer_id, qty_received=6, by=STAFF)
    with pytest.raises(ProcessError, match="4 of 5 arrived: say what was found"):
        inventory.receive_transfer(shop.workbook, transfer.transfer_id, qty_received="4", by=STAFF)
    with pytest.raises(InvalidValue, match="must be 0 or more"):
        inventory.receive_transfer(shop.workbook, transfer.transfer_id, qty_received=-1, by=STAFF)

    received = inventory.receive_transfer(
        shop.workbook, transfer.transfer_id, qty_received=4, discrepancy_note="one smashed", by=STAFF
    )

    assert (received.status, received.qty_received, received.discrepancy) == (
        "received",
        4,
        "1 of 5 missing: one smashed",
    )
    assert (on_hand(shop.workbook, "KIT-001", shop.main), on_hand(shop.workbook, "KIT-001", shop.store)) == (
        5,
        4,
    )
    assert ledger_issues(shop.workbook) == []


def test_a_shipped_transfer_is_in_neither_location_until_it_is_received(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    transfer = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=4, by=STAFF
    )
    assert len(moves(shop.workbook)) == 1  # a request moves nothing

    shop.workbook.clock.advance(hours=2)
    shipped = inventory.ship_transfer(shop.workbook, transfer.transfer_id, by=STAFF, base=transfer)
    assert (shipped.status, shipped.shipped_at) == ("in_transit", T0 + timedelta(hours=2))
    assert on_hand(shop.workbook, "KIT-001", shop.main) == 6
    assert on_hand(shop.workbook, "KIT-001", shop.store) is None
    out = moves(shop.workbook)[-1]
    assert (out.reason, out.qty, out.from_location, out.to_location, out.ref) == (
        "transfer",
        4,
        shop.main,
        None,
        transfer.transfer_id,
    )
    assert ledger_issues(shop.workbook) == []

    shop.workbook.clock.advance(days=1)
    received = inventory.receive_transfer(shop.workbook, transfer.transfer_id, by=STAFF)
    assert (received.status, received.received_at) == ("received", T0 + timedelta(days=1, hours=2))
    assert on_hand(shop.workbook, "KIT-001", shop.store) == 4
    arrived = moves(shop.workbook)[-1]
    assert (arrived.from_location, arrived.to_location, arrived.qty) == (None, shop.store, 4)
    assert ledger_issues(shop.workbook) == []


def test_a_transfer_is_cancelled_only_before_it_ships(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    kept, dropped = (
        inventory.request_transfer(
            shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=2, by=STAFF
        )
        for _ in range(2)
    )
    assert inventory.cancel_transfer(shop.workbook, dropped.transfer_id, by=STAFF).status == "cancelled"
    inventory.ship_transfer(shop.workbook, kept.transfer_id, by=STAFF)

    with pytest.raises(
        ProcessError, match="Cannot cancel: the transfer is in_transit. From in_transit you can: receive"
    ):
        inventory.cancel_transfer(shop.workbook, kept.transfer_id, by=STAFF)
    with pytest.raises(ProcessError, match="Cannot ship: the transfer is cancelled"):
        inventory.ship_transfer(shop.workbook, dropped.transfer_id, by=STAFF)
    assert on_hand(shop.workbook, "KIT-001", shop.main) == 8
    assert ledger_issues(shop.workbook) == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"qty": "lots"}, "Quantity: expected a whole number, found 'lots'"),
        ({"qty": 0}, "Quantity: must be 1 or more, not 0"),
        ({"to_location": "MAIN"}, "two different locations"),
        ({"sku": "NOPE-1"}, "There is no product NOPE-1"),
        ({"to_location": "LOC-UNKNOWN"}, "There is no location LOC-UNKNOWN"),
    ],
)
def test_a_bad_transfer_request_says_what_is_wrong_and_writes_nothing(shop, change, says):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    asked = {"sku": "KIT-001", "from_location": shop.main, "to_location": shop.store, "qty": 2} | change
    asked = {name: shop.main if value == "MAIN" else value for name, value in asked.items()}
    with pytest.raises(ProcessError, match=says):
        inventory.request_transfer(shop.workbook, **asked, by=STAFF)
    assert len(shop.workbook.table(TRANSFERS)) == 0


def test_the_transfer_list_shows_open_transfers_newest_first_with_names(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    older = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=1, by=STAFF
    )
    newer = inventory.request_transfer(
        shop.workbook, sku="KIT-001", from_location=shop.main, to_location=shop.store, qty=2, by=STAFF
    )
    inventory.cancel_transfer(shop.workbook, older.transfer_id, by=STAFF)

    page = inventory.transfer_page(shop.workbook, TransferQuery())
    assert [line.transfer.transfer_id for line in page.lines] == [newer.transfer_id]
    assert (page.lines[0].name, page.lines[0].from_name, page.lines[0].to_name) == (
        "Kettle",
        "Main warehouse",
        "City store",
    )
    every = inventory.transfer_page(shop.workbook, TransferQuery(view="all"))
    assert [line.transfer.transfer_id for line in every.lines] == [newer.transfer_id, older.transfer_id]
    assert (
        inventory.transfer_page(shop.workbook, TransferQuery(view="all", search="nothing like it")).total == 0
    )


# stocktake ----------------------------------------------------------------


def start_counting(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    receive(shop.workbook, "MUG-002", shop.main, 5)
    return inventory.start_stocktake(shop.workbook, shop.main, by=STAFF)


def lines_by_sku(shop, session_id):
    return {line.sku: line for line in inventory.count_sheet(shop.workbook, session_id).lines}


def test_the_blind_count_sheet_carries_no_book_quantity(shop):
    session_id = start_counting(shop)

    sheet = inventory.count_sheet(shop.workbook, session_id)
    assert [(line.sku, line.name, line.status) for line in sheet.lines] == [
        ("KIT-001", "Kettle", "open"),
        ("MUG-002", "Mug", "open"),
    ]
    assert sheet.location_name == "Main warehouse"
    shown = {field.name for field in dataclasses.fields(inventory.CountLine)}
    assert not shown & {"book_qty", "variance", "on_hand"}
    # not even the sheet tells the counter: the book quantity is written with the count
    assert all(line.book_qty is None for line in shop.workbook.table(STOCK_COUNTS).records())


def test_an_approved_variance_posts_one_adjustment_and_sets_last_counted_at(shop):
    session_id = start_counting(shop)
    lines = lines_by_sku(shop, session_id)
    shop.workbook.clock.advance(hours=1)
    inventory.record_counts(
        shop.workbook, session_id, {lines["KIT-001"].count_id: "8", lines["MUG-002"].count_id: 5}, by=STAFF
    )
    assert ledger_issues(shop.workbook) == []
    counted = {line.sku: line for line in shop.workbook.table(STOCK_COUNTS).records()}
    assert (counted["KIT-001"].book_qty, counted["KIT-001"].counted_qty, counted["KIT-001"].variance) == (
        10,
        8,
        -2,
    )
    assert (counted["KIT-001"].status, counted["KIT-001"].counted_by) == ("counted", "sam")
    moves_before = len(moves(shop.workbook))

    shop.workbook.clock.advance(hours=3)
    approved = inventory.approve_counts(shop.workbook, session_id, by=MANAGER)

    assert {(line.sku, line.status, line.approved_by) for line in approved} == {
        ("KIT-001", "approved", "mia"),
        ("MUG-002", "approved", "mia"),
    }
    [adjustment] = moves(shop.workbook)[moves_before:]
    assert (adjustment.reason, adjustment.qty, adjustment.from_location, adjustment.to_location) == (
        "adjustment",
        2,
        shop.main,
        None,
    )
    assert adjustment.ref == counted["KIT-001"].count_id
    stock = shop.workbook.table(STOCK)
    assert stock.get(("KIT-001", shop.main)).on_hand == 8
    assert stock.get(("KIT-001", shop.main)).last_counted_at == T0 + timedelta(hours=1)
    assert stock.get(("MUG-002", shop.main)).last_counted_at == T0 + timedelta(hours=1)
    assert ledger_issues(shop.workbook) == []
    [summary] = inventory.stocktake_sessions(shop.workbook)
    assert (summary.session_id, summary.status, summary.lines) == (session_id, "closed", 2)


def test_staff_approving_an_adjustment_is_refused_and_nothing_is_written(shop):
    session_id = start_counting(shop)
    lines = lines_by_sku(shop, session_id)
    inventory.record_counts(shop.workbook, session_id, {lines["KIT-001"].count_id: 7}, by=STAFF)
    before = {
        tab: shop.record.person.values(tab) for tab in ("Stock", "Stock Moves", "Stock Counts", "Audit")
    }

    with pytest.raises(PermissionDenied, match="Only a manager or an admin may approve a stock adjustment"):
        inventory.approve_counts(shop.workbook, session_id, by=STAFF)
    with pytest.raises(PermissionDenied):
        inventory.variances(shop.workbook, session_id, by=STAFF)

    assert {tab: shop.record.person.values(tab) for tab in before} == before
    assert ledger_issues(shop.workbook) == []


def test_the_variance_is_applied_to_the_balance_as_it_is_when_approved(shop):
    session_id = start_counting(shop)
    lines = lines_by_sku(shop, session_id)
    inventory.record_counts(shop.workbook, session_id, {lines["KIT-001"].count_id: 12}, by=STAFF)
    receive(shop.workbook, "KIT-001", shop.main, 5)  # a delivery lands while the count waits for approval

    [shown] = [
        line
        for line in inventory.variances(shop.workbook, session_id, by=MANAGER)
        if line.line.sku == "KIT-001"
    ]
    assert (shown.name, shown.line.book_qty, shown.line.counted_qty, shown.variance) == ("Kettle", 10, 12, 2)
    inventory.approve_counts(shop.workbook, session_id, by=MANAGER, loaded=[shown.line])

    assert on_hand(shop.workbook, "KIT-001", shop.main) == 17
    assert moves(shop.workbook)[-1].to_location == shop.main
    assert lines_by_sku(shop, session_id)["MUG-002"].status == "open"  # not loaded, not decided
    assert ledger_issues(shop.workbook) == []


def test_a_count_corrected_after_the_manager_loaded_it_is_not_approved(shop):
    session_id = start_counting(shop)
    count_id = lines_by_sku(shop, session_id)["KIT-001"].count_id
    inventory.record_counts(shop.workbook, session_id, {count_id: 7}, by=STAFF)
    loaded = [line.line for line in inventory.variances(shop.workbook, session_id, by=MANAGER)]
    inventory.record_counts(shop.workbook, session_id, {count_id: 9}, by=STAFF)  # counted again

    with pytest.raises(ConflictError, match="changed by someone else"):
        inventory.approve_counts(shop.workbook, session_id, by=MANAGER, loaded=loaded)
    assert on_hand(shop.workbook, "KIT-001", shop.main) == 10
    assert ledger_issues(shop.workbook) == []


@pytest.mark.parametrize(
    ("typed", "says"),
    [("eight", "expected a whole number, found 'eight'"), (-1, "must be 0 or more, not -1")],
)
def test_a_count_that_is_not_a_number_is_refused_with_the_product_named(shop, typed, says):
    session_id = start_counting(shop)
    count_id = lines_by_sku(shop, session_id)["KIT-001"].count_id
    with pytest.raises(ProcessError, match=f"The count for KIT-001.*{says}"):
        inventory.record_counts(shop.workbook, session_id, {count_id: typed}, by=STAFF)
    assert lines_by_sku(shop, session_id)["KIT-001"].status == "open"


def test_one_unfinished_stocktake_per_location_until_a_manager_closes_it(shop):
    session_id = start_counting(shop)
    with pytest.raises(ProcessError, match=f"Stocktake {session_id} at Main warehouse is not finished"):
        inventory.start_stocktake(shop.workbook, shop.main, by=STAFF)
    with pytest.raises(ProcessError, match="City store holds no stock rows to count"):
        inventory.start_stocktake(shop.workbook, shop.store, by=STAFF)

    rejected = inventory.reject_counts(shop.workbook, session_id, by=MANAGER)
    assert {line.status for line in rejected} == {"rejected"}
    assert len(moves(shop.workbook)) == 2  # a rejected count adjusts nothing
    assert inventory.start_stocktake(shop.workbook, shop.main, by=STAFF) != session_id
    assert ledger_issues(shop.workbook) == []


# the stock view -----------------------------------------------------------


def add_purchase_order(workbook, sku, location, qty, status):
    with workbook.transaction(PURCHASE_ORDERS, user="raj", action="order") as tx:
        return tx.insert(
            PURCHASE_ORDERS,
            {"supplier_id": "SUP-1", "sku": sku, "qty": qty, "status": status, "location_id": location},
        )


def add_receipt(workbook, po_id, location, qty):
    with workbook.transaction(RECEIPTS, user="raj", action="receive") as tx:
        tx.insert(
            RECEIPTS, {"po_id": po_id, "location_id": location, "qty_received": qty, "qty_accepted": qty}
        )


def line_for(workbook, sku, location, **query):
    page = inventory.stock_page(workbook, StockQuery(**query))
    return next(line for line in page.lines if (line.sku, line.location_id) == (sku, location))


def test_incoming_is_what_open_purchase_orders_still_owe(shop):
    receive(shop.workbook, "KIT-001", shop.main, 3)
    partly = add_purchase_order(shop.workbook, "KIT-001", shop.main, 20, "partially_received")
    add_receipt(shop.workbook, partly.po_id, shop.main, 8)
    add_purchase_order(shop.workbook, "KIT-001", shop.main, 5, "ordered")
    add_purchase_order(shop.workbook, "KIT-001", shop.main, 100, "draft")  # not ordered yet
    done = add_purchase_order(shop.workbook, "KIT-001", shop.main, 4, "received")
    add_receipt(shop.workbook, done.po_id, shop.main, 4)
    add_purchase_order(shop.workbook, "MUG-002", shop.store, 6, "approved")  # nothing there yet

    assert line_for(shop.workbook, "KIT-001", shop.main).incoming == 12 + 5
    newcomer = line_for(shop.workbook, "MUG-002", shop.store)
    assert (newcomer.on_hand, newcomer.incoming, newcomer.name, newcomer.location_name) == (
        0,
        6,
        "Mug",
        "City store",
    )


def test_rows_below_their_minimum_are_flagged_and_can_be_listed_alone(shop):
    receive(shop.workbook, "KIT-001", shop.main, 10)
    receive(shop.workbook, "MUG-002", shop.main, 10)
    receive(shop.workbook, "MUG-002", shop.store, 2)
    inventory.set_limits(shop.workbook, "KIT-001", shop.main, min_qty=8, max_qty=40, by=STAFF)
    inventory.set_limits(shop.workbook, "MUG-002", shop.main, min_qty="12", max_qty="", by=STAFF)
    reserve(shop.workbook, "KIT-001", shop.main, 3)  # 7 available: below 8

    page = inventory.stock_page(shop.workbook, StockQuery())
    assert [(line.sku, line.location_name, line.below_min) for line in page.lines] == [
        ("KIT-001", "Main warehouse", True),
        ("MUG-002", "City store", False),
        ("MUG-002", "Main warehouse", True),
    ]
    assert (page.total, page.below_min) == (3, 2)
    kettle = page.lines[0]
    assert (kettle.on_hand, kettle.reserved, kettle.available, kettle.min_qty, kettle.max_qty) == (
        10,
        3,
        7,
        8,
        40,
    )

    low = inventory.stock_page(shop.workbook, StockQuery(below_min_only=True, location_id=shop.main))
    assert [line.sku for line in low.lines] == ["KIT-001", "MUG-002"]
    assert [line.sku for line in inventory.stock_page(shop.workbook, StockQuery(search="kettle")).lines] == [
        "KIT-001"
    ]
    store_only = inventory.stock_page(shop.workbook, StockQuery(location_id=shop.store))
    assert [line.location_id for line in store_only.lines] == [shop.store]
    assert ledger_issues(shop.workbook) == []


def test_limits_that_make_no_sense_are_refused(shop):
    receive(shop.workbook, "KIT-001", shop.main, 1)
    with pytest.raises(ProcessError, match=r"Maximum \(5\) cannot be below the minimum \(9\)"):
        inventory.set_limits(shop.workbook, "KIT-001", shop.main, min_qty=9, max_qty=5, by=STAFF)
    with pytest.raises(ProcessError, match="Minimum: expected a whole number, found 'few'"):
        inventory.set_limits(shop.workbook, "KIT-001", shop.main, min_qty="few", max_qty=5, by=STAFF)
    assert shop.workbook.table(STOCK).get(("KIT-001", shop.main)).min_qty == 0


def test_the_stock_view_pages_on_the_server(record):
    with record.workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
        for number in range(60):
            post_move(tx, sku=f"SKU-{number:03d}", qty=1, reason="adjustment", to_location="LOC-A")
    first = inventory.stock_page(record.workbook, StockQuery(per_page=25))
    last = inventory.stock_page(record.workbook, StockQuery(per_page=25, page=3))
    assert (first.total, first.pages, len(first.lines), first.lines[0].sku) == (60, 3, 25, "SKU-000")
    assert (len(last.lines), last.lines[-1].sku) == (10, "SKU-059")
    assert ledger_issues(record.workbook) == []


def test_each_step_costs_google_one_read_and_one_write(google):
    """Every tab a step reads is declared in its transaction, so the cost does not grow with the rows."""
    workbook = google.workbook
    main = master_data.add_record(workbook, master_data.LOCATION, {"name": "Main"}, by=MANAGER).location_id
    store = master_data.add_record(workbook, master_data.LOCATION, {"name": "Store"}, by=MANAGER).location_id
    master_data.add_record(workbook, master_data.PRODUCT, {"sku": "KIT-001", "name": "Kettle"}, by=MANAGER)
    receive(workbook, "KIT-001", main, 10)

    def cost(step):
        google.fake.reset_counts()
        answer = step()
        return answer, google.fake.counts()

    one_read_one_write = {"values.batchGet": 1, "batchUpdate": 1}
    transfer, spent = cost(
        lambda: inventory.request_transfer(
            workbook, sku="KIT-001", from_location=main, to_location=store, qty=2, by=STAFF
        )
    )
    assert spent == one_read_one_write
    assert (
        cost(lambda: inventory.ship_transfer(workbook, transfer.transfer_id, by=STAFF))[1]
        == one_read_one_write
    )
    session_id, spent = cost(lambda: inventory.start_stocktake(workbook, main, by=STAFF))
    assert spent == one_read_one_write
    [line] = inventory.count_sheet(workbook, session_id).lines
    assert cost(lambda: inventory.record_counts(workbook, session_id, {line.count_id: 7}, by=STAFF))[1] == (
        one_read_one_write
    )
    assert cost(lambda: inventory.approve_counts(workbook, session_id, by=MANAGER))[1] == one_read_one_write
    assert cost(lambda: inventory.stock_page(workbook, StockQuery()))[1] == {"values.batchGet": 1}
    assert ledger_issues(workbook) == []
