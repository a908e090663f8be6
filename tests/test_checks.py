"""Each check on a few hand-made rows, at its thresholds: exactly at the limit and one minute either side."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from jobs.checks.aftersales import check_aftersales
from jobs.checks.data import check_data
from jobs.checks.locations import check_locations
from jobs.checks.orders import check_orders
from jobs.checks.procurement import check_procurement
from jobs.checks.service import check_service
from jobs.checks.stock import check_stock
from jobs.effects import CreateRecord, OpenAlert
from jobs.planning import refresh_plan
from jobs.snapshot import Snapshot, snapshot_of
from sheets.cells import to_cell
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.tabs import (
    LOCATIONS,
    ORDERS,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    RECEIPTS,
    RETURNS,
    SETTINGS,
    STOCK,
    STOCK_MOVES,
    TICKETS,
)

NOW = datetime(2026, 3, 2, 9, 0)
MINUTE = timedelta(minutes=1)


def table(tab: Tab, *rows: dict):
    cells = [[to_cell(column.kind, row.get(column.name)) for column in tab.columns] for row in rows]
    return read_table(tab, [tab.column_names, *cells])


def snap(*tables, now: datetime = NOW) -> Snapshot:
    """A snapshot of `tables` with the plan worked out, as the cycle gives it to the checks."""
    return refresh_plan(snapshot_of({t.tab.name: t for t in tables}, now))[0]


def keys(effects) -> set[str]:
    return {effect.key for effect in effects if isinstance(effect, OpenAlert)}


def alert_for(effects, key: str) -> OpenAlert:
    return next(effect for effect in effects if isinstance(effect, OpenAlert) and effect.key == key)


# stock ------------------------------------------------------------------------


def stock_row(sku="MUG", location="LOC-A", on_hand=0, reserved=0, min_qty=10, max_qty=50, counted=NOW):
    return {
        "sku": sku,
        "location_id": location,
        "on_hand": on_hand,
        "reserved": reserved,
        "min_qty": min_qty,
        "max_qty": max_qty,
        "last_counted_at": counted,
    }


def test_available_below_min_raises_an_alert_and_one_request_up_to_max():
    effects = check_stock(
        snap(
            table(STOCK, stock_row(on_hand=12, reserved=4)),
            table(PRODUCTS, {"sku": "MUG", "name": "Mug"}),
            table(LOCATIONS, {"location_id": "LOC-A", "name": "Main"}),
        )
    )
    low = alert_for(effects, "stock.low:MUG@LOC-A")
    assert (low.severity, low.owner_role, low.message) == (
        "warning",
        "manager",
        "Mug: 8 available at Main, minimum 10",
    )
    [request] = [effect for effect in effects if isinstance(effect, CreateRecord)]
    assert request.tab is PURCHASE_REQUESTS
    assert (request.values["qty"], request.values["source"], request.values["location_id"]) == (
        42,
        "auto",
        "LOC-A",
    )


def test_exactly_at_min_is_not_low_and_above_max_is_an_info_alert():
    effects = check_stock(snap(table(STOCK, stock_row(on_hand=10), stock_row(sku="PAN", on_hand=51))))
    assert keys(effects) == {"stock.high:PAN@LOC-A"}
    assert alert_for(effects, "stock.high:PAN@LOC-A").severity == "info"
    assert check_stock(snap(table(STOCK, stock_row(on_hand=50)))) == []


def test_open_requests_and_incoming_orders_count_so_no_second_request():
    """5 available, 20 to come on an order, 20 asked for: projected stock is above the reorder point."""
    stock = table(STOCK, stock_row(on_hand=5))
    requests = table(
        PURCHASE_REQUESTS,
        {"request_id": "PR-1", "sku": "MUG", "qty": 20, "location_id": "LOC-A", "status": "quoting"},
        {"request_id": "PR-2", "sku": "MUG", "qty": 99, "location_id": "LOC-A", "status": "cancelled"},
    )
    orders = table(
        PURCHASE_ORDERS,
        {
            "po_id": "PO-1",
            "supplier_id": "S",
            "sku": "MUG",
            "qty": 30,
            "status": "partially_received",
            "location_id": "LOC-A",
        },
    )
    receipts = table(
        RECEIPTS, {"receipt_id": "R-1", "po_id": "PO-1", "location_id": "LOC-A", "qty_received": 10}
    )
    effects = check_stock(snap(stock, requests, orders, receipts))
    assert keys(effects) == {"stock.low:MUG@LOC-A"}
    assert not [effect for effect in effects if isinstance(effect, CreateRecord)]
    short = table(STOCK, stock_row(on_hand=-12))  # projected 8 with the order: at the reorder point 10
    [request] = [
        e for e in check_stock(snap(short, requests, orders, receipts)) if isinstance(e, CreateRecord)
    ]
    assert request.values["qty"] == 50 - 8 - 20
    covered = table(
        PURCHASE_REQUESTS,
        {"request_id": "PR-1", "sku": "MUG", "qty": 45, "location_id": "LOC-A", "status": "open"},
    )
    effects = check_stock(snap(stock, covered))
    assert keys(effects) == {"stock.low:MUG@LOC-A"}
    assert not [effect for effect in effects if isinstance(effect, CreateRecord)]


@pytest.mark.parametrize(("age", "overdue"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_stocktake_is_due_from_exactly_the_interval(age, overdue):
    counted = NOW - timedelta(days=90) - age
    effects = check_stock(snap(table(STOCK, stock_row(on_hand=20, counted=counted))))
    assert ("stock.stocktake:LOC-A" in keys(effects)) is overdue


def test_a_location_never_counted_is_due_and_the_interval_comes_from_settings():
    settings = table(SETTINGS, {"key": "stocktake_interval_days", "value": "7"})
    effects = check_stock(
        snap(settings, table(STOCK, stock_row(on_hand=20, counted=NOW - timedelta(days=8))))
    )
    assert "every 7 days" in alert_for(effects, "stock.stocktake:LOC-A").message
    effects = check_stock(snap(table(STOCK, stock_row(on_hand=20, counted=None))))
    assert "never counted" in alert_for(effects, "stock.stocktake:LOC-A").message


def test_inactive_products_raise_nothing():
    products = table(PRODUCTS, {"sku": "MUG", "name": "Mug", "active": False})
    assert check_stock(snap(products, table(STOCK, stock_row(on_hand=0)))) == []


# locations --------------------------------------------------------------------


def test_no_transfer_is_suggested_on_minimum_and_maximum_alone():
    """Transfers follow days of cover (tests/test_planning.py): without a forecast there is none."""
    stock = table(STOCK, stock_row(location="LOC-A", on_hand=2), stock_row(location="LOC-B", on_hand=80))
    assert check_locations(snap(stock)) == []


# procurement ------------------------------------------------------------------


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_a_request_waiting_for_quotes_past_the_limit(age, late):
    requests = table(
        PURCHASE_REQUESTS,
        {
            "request_id": "PR-1",
            "sku": "MUG",
            "qty": 5,
            "status": "quoting",
            "created_at": NOW - timedelta(hours=72) - age,
        },
    )
    assert (keys(check_procurement(snap(requests))) == {"procurement.quotes_late:PR-1"}) is late


def test_a_purchase_order_past_its_expected_date_and_not_fully_received():
    def order(status, expected):
        return {
            "po_id": f"PO-{status}",
            "supplier_id": "S",
            "sku": "MUG",
            "qty": 10,
            "status": status,
            "expected_at": expected,
        }

    orders = table(
        PURCHASE_ORDERS,
        order("ordered", date(2026, 3, 1)),
        order("partially_received", date(2026, 3, 2)),  # due today: not late yet
        order("received", date(2026, 2, 1)),
    )
    effects = check_procurement(snap(orders))
    assert keys(effects) == {"procurement.po_late:PO-ordered"}
    assert check_procurement(snap(orders, now=datetime(2026, 3, 3, 0, 0))) != effects


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_a_purchase_order_awaiting_approval_too_long(age, late):
    orders = table(
        PURCHASE_ORDERS,
        {
            "po_id": "PO-1",
            "supplier_id": "S",
            "sku": "MUG",
            "qty": 10,
            "total": 9000,
            "status": "awaiting_approval",
            "updated_at": NOW - timedelta(hours=24) - age,
        },
    )
    effects = check_procurement(snap(orders))
    assert (keys(effects) == {"procurement.approval_late:PO-1"}) is late
    if late:
        assert alert_for(effects, "procurement.approval_late:PO-1").owner_role == "manager"


# orders -----------------------------------------------------------------------


def order(order_id="ORD-1", **values):
    return {"order_id": order_id, "customer_name": "Ann", **values}


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_unpaid_after_the_timeout(age, late):
    orders = table(
        ORDERS,
        order(status="confirmed", payment_status="pending", created_at=NOW - timedelta(hours=48) - age),
    )
    effects = check_orders(snap(orders))
    assert (keys(effects) == {"order.unpaid:ORD-1"}) is late
    if late:
        assert alert_for(effects, "order.unpaid:ORD-1").severity == "breach"


def test_cancelled_or_paid_orders_are_not_unpaid():
    orders = table(
        ORDERS,
        order("ORD-1", status="cancelled", payment_status="pending", created_at=NOW - timedelta(days=9)),
        order("ORD-2", status="new", payment_status="paid", created_at=NOW - timedelta(days=9), paid_at=NOW),
    )
    assert check_orders(snap(orders)) == []


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_paid_but_not_shipped_after_the_limit(age, late):
    orders = table(
        ORDERS,
        order(
            status="packed",
            payment_status="paid",
            created_at=NOW - timedelta(days=9),
            paid_at=NOW - timedelta(hours=72) - age,
        ),
    )
    assert (keys(check_orders(snap(orders))) == {"order.unshipped:ORD-1"}) is late


def test_shipped_without_a_tracking_number():
    orders = table(
        ORDERS,
        order("ORD-1", status="shipped", payment_status="paid", paid_at=NOW, carrier="UPS"),
        order("ORD-2", status="shipped", payment_status="paid", paid_at=NOW, tracking_no="1Z"),
    )
    assert keys(check_orders(snap(orders))) == {"order.no_tracking:ORD-1"}


# service ----------------------------------------------------------------------


def ticket(due, **values):
    return {
        "ticket_id": "TCK-1",
        "subject": "Parcel",
        "priority": "high",
        "status": "in_progress",
        "opened_at": NOW - timedelta(hours=1),
        "first_response_at": NOW - timedelta(minutes=30),
        "due_at": due,
        **values,
    }


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (NOW + timedelta(hours=6) + MINUTE, set()),
        (NOW + timedelta(hours=6), {"service.due_soon:TCK-1"}),  # a quarter of the 24 hours left
        (NOW, {"service.due_soon:TCK-1"}),
        (NOW - MINUTE, {"service.overdue:TCK-1"}),
    ],
)
def test_due_soon_is_a_warning_and_past_due_a_breach(due, expected):
    effects = check_service(snap(table(TICKETS, ticket(due, opened_at=due - timedelta(hours=24)))))
    assert keys(effects) == expected
    severities = {effect.severity for effect in effects}
    assert severities <= ({"breach"} if "service.overdue:TCK-1" in expected else {"warning"})


@pytest.mark.parametrize("priority", ["urgent", "high", "normal", "low"])
def test_a_ticket_just_opened_is_not_due_soon_whatever_its_priority(priority):
    hours = {"urgent": 4, "high": 24, "normal": 48, "low": 120}[priority]
    opened = ticket(NOW + timedelta(hours=hours), priority=priority, opened_at=NOW, first_response_at=NOW)
    assert keys(check_service(snap(table(TICKETS, opened)))) == set()
    three_quarters_on = NOW + timedelta(hours=hours * 0.75)
    assert keys(check_service(snap(table(TICKETS, opened), now=three_quarters_on))) == {
        "service.due_soon:TCK-1"
    }


def test_the_due_soon_share_is_a_setting_and_leaves_out_the_time_waited_on_the_customer():
    settings = table(SETTINGS, {"key": "ticket_due_soon_percent", "value": "50"})
    # opened 30 hours ago, 10 of them waiting: 20 of the 24 hours used, 4 hours (a sixth) left
    waited = ticket(
        NOW + timedelta(hours=4), opened_at=NOW - timedelta(hours=30), due_at=NOW + timedelta(hours=4)
    )
    waited["paused_hours"] = 10
    assert keys(check_service(snap(table(TICKETS, waited)))) == {"service.due_soon:TCK-1"}
    fresh = ticket(NOW + timedelta(hours=12), opened_at=NOW - timedelta(hours=12))
    assert keys(check_service(snap(table(TICKETS, fresh)))) == set()  # half left: not under 25%
    assert keys(check_service(snap(table(TICKETS, fresh), settings))) == {"service.due_soon:TCK-1"}


def test_finished_or_paused_tickets_are_not_overdue():
    resolved = ticket(NOW - timedelta(hours=5), status="resolved")
    assert check_service(snap(table(TICKETS, resolved))) == []
    paused = ticket(
        NOW - timedelta(hours=5), status="waiting_on_customer", paused_since=NOW - timedelta(hours=6)
    )
    assert check_service(snap(table(TICKETS, paused))) == []


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_a_late_first_response(age, late):
    row = ticket(
        NOW + timedelta(days=2),
        status="open",
        first_response_at=None,
        opened_at=NOW - timedelta(hours=8) - age,
    )
    assert (keys(check_service(snap(table(TICKETS, row)))) == {"service.no_response:TCK-1"}) is late


# after-sales ------------------------------------------------------------------


def return_row(**values):
    return {"return_id": "RET-1", "order_id": "ORD-1", "sku": "MUG", "qty": 1, **values}


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_a_return_awaiting_review(age, late):
    returns = table(RETURNS, return_row(status="requested", requested_at=NOW - timedelta(hours=48) - age))
    assert (keys(check_aftersales(snap(returns))) == {"aftersales.review_late:RET-1"}) is late


@pytest.mark.parametrize(("age", "late"), [(-MINUTE, False), (timedelta(0), True), (MINUTE, True)])
def test_an_approved_refund_not_paid(age, late):
    returns = table(
        RETURNS,
        return_row(
            status="received",
            refund_status="approved",
            refund_amount=25,
            updated_at=NOW - timedelta(hours=48) - age,
        ),
    )
    assert (keys(check_aftersales(snap(returns))) == {"aftersales.refund_late:RET-1"}) is late


# data -------------------------------------------------------------------------


def test_unreadable_rows_duplicate_ids_and_ledger_disagreements():
    def cells(values):
        return [to_cell(c.kind, values.get(c.name)) for c in ORDERS.columns]

    typed_over = cells(order("ORD-2"))
    typed_over[ORDERS.column_names.index("total")] = "lots"
    orders = read_table(
        ORDERS, [ORDERS.column_names, cells(order("ORD-1")), cells(order("ORD-1")), typed_over]
    )
    stock = table(STOCK, stock_row(on_hand=7), stock_row(sku="PAN", on_hand=3))
    moves = table(
        STOCK_MOVES,
        {"move_id": "M-1", "at": NOW, "sku": "MUG", "to_location": "LOC-A", "qty": 7, "reason": "receipt"},
        {"move_id": "M-2", "at": NOW, "sku": "PAN", "to_location": "LOC-A", "qty": 5, "reason": "receipt"},
    )
    effects = check_data(snap(orders, stock, moves))
    assert keys(effects) == {"data.duplicate_id:Orders", "data.unreadable:Orders", "data.ledger:PAN@LOC-A"}
    assert "adds up to 5" in alert_for(effects, "data.ledger:PAN@LOC-A").message
    assert alert_for(effects, "data.unreadable:Orders").message.startswith(
        "Orders: 1 problem keeps a row from being read: "
    )
    assert alert_for(effects, "data.duplicate_id:Orders").message.startswith(
        "Orders: 1 row shares its ID with another: "
    )


def test_a_limit_of_one_hour_reads_as_one_hour():
    settings = table(SETTINGS, {"key": "first_response_hours", "value": "1"})
    row = ticket(NOW + timedelta(days=2), first_response_at=None, opened_at=NOW - timedelta(hours=2))
    [late] = check_service(snap(table(TICKETS, row), settings))
    assert late.message.endswith("has no reply yet (limit 1 hour)")
