"""Demo data: one commit into an empty workbook, consistent across every tab."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from processes.demo import SEED_ACTION, is_empty, seed_demo
from sheets.backends.local import LocalBackend
from sheets.ids import ALPHABET as ID_ALPHABET
from sheets.schema import Kind, Tab
from sheets.settings import BY_KEY
from sheets.table import Record
from sheets.tabs import (
    ALERTS,
    ALL_TABS,
    AUDIT,
    FORECAST,
    FORECAST_RUNS,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    OUTBOX,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    QUOTES,
    RECEIPTS,
    RETURNS,
    SETTINGS,
    STOCK,
    STOCK_COUNTS,
    STOCK_MOVES,
    SUGGESTIONS,
    SUMMARY,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
    TRANSFERS,
)
from sheets.workbook import Workbook

NOW = datetime(2026, 11, 25, 10, 30)
#: Settings, Summary and Audit are the app's own; the Forecast tabs are the first jobs cycle's.
SEEDED_TABS = [tab for tab in ALL_TABS if tab not in (SETTINGS, SUMMARY, AUDIT, FORECAST, FORECAST_RUNS)]

RESERVING = ("confirmed", "paid", "picking", "packed")
SHIPPED = ("shipped", "delivered")
CLOSED_TICKETS = ("resolved", "closed")

# (tab, column, tab the value must be a key of); blank cells are allowed.
REFERENCES = [
    (ORDERS, "location_id", LOCATIONS),
    (ORDER_LINES, "order_id", ORDERS),
    (ORDER_LINES, "sku", PRODUCTS),
    (STOCK, "sku", PRODUCTS),
    (STOCK, "location_id", LOCATIONS),
    (STOCK_MOVES, "sku", PRODUCTS),
    (STOCK_MOVES, "from_location", LOCATIONS),
    (STOCK_MOVES, "to_location", LOCATIONS),
    (PURCHASE_REQUESTS, "sku", PRODUCTS),
    (QUOTES, "request_id", PURCHASE_REQUESTS),
    (QUOTES, "supplier_id", SUPPLIERS),
    (PURCHASE_ORDERS, "request_id", PURCHASE_REQUESTS),
    (PURCHASE_ORDERS, "supplier_id", SUPPLIERS),
    (PURCHASE_ORDERS, "sku", PRODUCTS),
    (RECEIPTS, "po_id", PURCHASE_ORDERS),
    (RECEIPTS, "location_id", LOCATIONS),
    (STOCK_COUNTS, "location_id", LOCATIONS),
    (STOCK_COUNTS, "sku", PRODUCTS),
    (TRANSFERS, "sku", PRODUCTS),
    (TRANSFERS, "from_location", LOCATIONS),
    (TRANSFERS, "to_location", LOCATIONS),
    (TICKETS, "order_id", ORDERS),
    (RETURNS, "order_id", ORDERS),
    (RETURNS, "sku", PRODUCTS),
]
MOVE_REFS = {
    "shipment": ORDERS,
    "receipt": RECEIPTS,
    "transfer": TRANSFERS,
    "return": RETURNS,
    "adjustment": STOCK_COUNTS,
}


def open_workbook(folder: Path) -> Workbook:
    # A fixed clock makes the updated_at stamps of two seeds comparable.
    workbook = Workbook(LocalBackend(folder), clock=lambda: NOW)
    workbook.init()
    return workbook


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Workbook, dict[str, int]]:
    workbook = open_workbook(tmp_path_factory.mktemp("demo"))
    return workbook, seed_demo(workbook, now=NOW)


@pytest.fixture(scope="module")
def workbook(seeded) -> Workbook:
    return seeded[0]


def rows(workbook: Workbook, tab: Tab) -> list[Record]:
    return list(workbook.table(tab).records())


def lines_by_order(workbook: Workbook) -> dict[str, list[Record]]:
    lines: dict[str, list[Record]] = {}
    for line in rows(workbook, ORDER_LINES):
        lines.setdefault(line.order_id, []).append(line)
    return lines


# --- what is created -----------------------------------------------------------


def test_is_empty_until_seeded(tmp_path):
    workbook = open_workbook(tmp_path)
    assert is_empty(workbook)
    seed_demo(workbook, now=NOW)
    assert not is_empty(workbook)


def test_every_record_tab_is_filled_and_the_counts_are_true(seeded):
    workbook, counts = seeded
    assert list(counts) == [tab.name for tab in SEEDED_TABS]
    for tab in SEEDED_TABS:
        assert len(workbook.table(tab)) == counts[tab.name] > 0, tab.name
    assert counts[LOCATIONS.name] == 3
    assert counts[SUPPLIERS.name] == 5
    assert 20 <= counts[PRODUCTS.name] <= 30
    assert 35 <= counts[ORDERS.name] <= 45


def test_the_workbook_has_no_data_issues(workbook):
    assert workbook.check() == []


def test_every_order_status_appears_with_mixed_channels(workbook):
    orders = rows(workbook, ORDERS)
    assert {order.status for order in orders} == set(ORDERS.column("status").choices)
    assert len({order.channel for order in orders}) >= 3
    assert all(NOW - order.created_at <= timedelta(days=30) for order in orders)


def test_two_products_are_inactive(workbook):
    assert sum(not product.active for product in rows(workbook, PRODUCTS)) == 2


# --- references ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "column", "target"),
    REFERENCES,
    ids=[f"{tab.name}.{column}" for tab, column, _ in REFERENCES],
)
def test_references_point_at_existing_records(workbook, tab, column, target):
    keys = set(workbook.table(target).keys())
    dangling = [
        record[column] for record in rows(workbook, tab) if record[column] and record[column] not in keys
    ]
    assert dangling == []


def test_every_order_line_and_count_has_its_stock_row(workbook):
    stock = set(workbook.table(STOCK).keys())
    orders = workbook.table(ORDERS)
    for line in rows(workbook, ORDER_LINES):
        assert (line.sku, orders.get(line.order_id).location_id) in stock
    for count in rows(workbook, STOCK_COUNTS):
        assert (count.sku, count.location_id) in stock


def test_returns_are_lines_of_delivered_orders(workbook):
    orders = workbook.table(ORDERS)
    lines = lines_by_order(workbook)
    for item in rows(workbook, RETURNS):
        assert orders.get(item.order_id).status == "delivered"
        ordered = {line.sku: line.qty for line in lines[item.order_id]}
        assert 0 < item.qty <= ordered[item.sku]


def test_moves_surveys_and_messages_refer_to_real_records(workbook):
    keys = {tab.name: set(workbook.table(tab).keys()) for tab in (*MOVE_REFS.values(), TICKETS, RETURNS)}
    for move in rows(workbook, STOCK_MOVES):
        if move.ref != "opening balance":
            assert move.ref in keys[MOVE_REFS[move.reason].name], move
    for survey in rows(workbook, SURVEYS):
        assert survey.ref in keys[ORDERS.name] | keys[TICKETS.name]
    for message in rows(workbook, OUTBOX):
        assert message.ref in keys[ORDERS.name] | keys[RETURNS.name]


# --- orders --------------------------------------------------------------------


def test_order_totals_equal_the_sum_of_their_lines(workbook):
    lines = lines_by_order(workbook)
    for order in rows(workbook, ORDERS):
        assert 1 <= len(lines[order.order_id]) <= 3
        assert order.total == pytest.approx(sum(line.qty * line.unit_price for line in lines[order.order_id]))


def test_payment_and_shipping_agree_with_the_status(workbook):
    for order in rows(workbook, ORDERS):
        paid = order.status in ("paid", "picking", "packed", *SHIPPED)
        assert (order.paid_at is not None) == (paid or order.payment_status == "refunded"), order
        if order.status in ("new", "confirmed"):
            assert order.payment_status == "pending"
        assert (order.carrier is not None and order.shipped_at is not None) == (order.status in SHIPPED)
        assert (order.delivered_at is not None) == (order.status == "delivered")
        assert order.created_at <= (order.paid_at or order.created_at) <= (order.shipped_at or NOW)


def test_one_shipped_order_lacks_its_tracking_number(workbook):
    shipped = [order for order in rows(workbook, ORDERS) if order.status in SHIPPED]
    assert sum(order.tracking_no is None for order in shipped) == 1


def test_two_orders_are_unpaid_past_the_timeout(workbook):
    timeout = timedelta(hours=BY_KEY["unpaid_timeout_hours"].default)
    overdue = [
        order
        for order in rows(workbook, ORDERS)
        if order.payment_status == "pending"
        and order.status != "cancelled"
        and NOW - order.created_at > timeout
    ]
    assert len(overdue) == 2


# --- stock ---------------------------------------------------------------------


def test_the_ledger_agrees_with_stock_on_hand(workbook):
    balance: Counter[tuple[str, str]] = Counter()
    for move in rows(workbook, STOCK_MOVES):
        if move.to_location:
            balance[move.sku, move.to_location] += move.qty
        if move.from_location:
            balance[move.sku, move.from_location] -= move.qty
    stock = rows(workbook, STOCK)
    assert {(row.sku, row.location_id): row.on_hand for row in stock} == {
        key: value for key, value in balance.items() if value or key in workbook.table(STOCK)
    }
    assert {move.reason for move in rows(workbook, STOCK_MOVES)} == set(MOVE_REFS)


def test_no_stock_row_ever_goes_negative(workbook):
    running: Counter[tuple[str, str]] = Counter()
    for move in sorted(rows(workbook, STOCK_MOVES), key=lambda move: move.at):
        if move.to_location:
            running[move.sku, move.to_location] += move.qty
        if move.from_location:
            running[move.sku, move.from_location] -= move.qty
            assert running[move.sku, move.from_location] >= 0, move


def test_reserved_is_what_confirmed_unshipped_orders_hold(workbook):
    orders = workbook.table(ORDERS)
    held: Counter[tuple[str, str]] = Counter()
    for line in rows(workbook, ORDER_LINES):
        order = orders.get(line.order_id)
        if order.status in RESERVING:
            held[line.sku, order.location_id] += line.qty
    assert {
        (row.sku, row.location_id): row.reserved for row in rows(workbook, STOCK) if row.reserved
    } == dict(held)
    assert all(row.reserved <= row.on_hand for row in rows(workbook, STOCK))


def test_some_rows_are_below_min_and_one_above_max(workbook):
    stock = rows(workbook, STOCK)
    assert sum(row.on_hand - row.reserved < row.min_qty for row in stock) >= 3
    assert sum(row.on_hand > row.max_qty for row in stock) == 1
    assert all(row.min_qty <= row.max_qty for row in stock)


def test_one_location_is_overdue_for_its_stocktake(workbook):
    interval = timedelta(days=BY_KEY["stocktake_interval_days"].default)
    last_counted: dict[str, datetime] = {}
    for row in rows(workbook, STOCK):
        assert NOW - timedelta(days=120) <= row.last_counted_at <= NOW
        last_counted[row.location_id] = max(
            row.last_counted_at, last_counted.get(row.location_id, row.last_counted_at)
        )
    assert sum(NOW - moment > interval for moment in last_counted.values()) == 1


def test_the_stocktake_has_a_variance_and_adjusted_the_stock(workbook):
    counts = rows(workbook, STOCK_COUNTS)
    assert len({count.session_id for count in counts}) == 1
    assert all(count.counted_qty - count.book_qty == count.variance for count in counts)
    approved = [count for count in counts if count.variance and count.status == "approved"]
    assert approved
    adjustments = {move.ref: move.qty for move in rows(workbook, STOCK_MOVES) if move.reason == "adjustment"}
    assert all(adjustments[count.count_id] == abs(count.variance) for count in approved)


def test_transfers_in_transit_and_received(workbook):
    transfers = {transfer.status: transfer for transfer in rows(workbook, TRANSFERS)}
    assert set(transfers) == {"in_transit", "received"}
    assert transfers["in_transit"].received_at is None
    assert transfers["received"].received_at is not None


# --- procurement ---------------------------------------------------------------


def test_requests_quotes_and_purchase_orders_tell_the_procurement_story(workbook):
    requests = rows(workbook, PURCHASE_REQUESTS)
    assert len({request.status for request in requests}) >= 4
    assert [request.source for request in requests].count("auto") == 1
    quotes_per_request = Counter(quote.request_id for quote in rows(workbook, QUOTES))
    assert {3, 2} <= set(quotes_per_request.values())

    limit = BY_KEY["po_approval_limit"].default
    orders = rows(workbook, PURCHASE_ORDERS)
    assert len({order.status for order in orders}) >= 4
    assert any(order.status == "awaiting_approval" and order.total > limit for order in orders)
    assert all(order.total == pytest.approx(order.qty * order.unit_price) for order in orders)


def test_the_automatic_request_is_for_a_low_stock_item(workbook):
    (auto,) = [request for request in rows(workbook, PURCHASE_REQUESTS) if request.source == "auto"]
    assert any(
        row.sku == auto.sku and row.on_hand - row.reserved < row.min_qty for row in rows(workbook, STOCK)
    )


def test_receipts_add_up_for_the_partially_received_order(workbook):
    receipts = rows(workbook, RECEIPTS)
    assert all(receipt.qty_accepted + receipt.qty_rejected == receipt.qty_received for receipt in receipts)
    (partial,) = [order for order in rows(workbook, PURCHASE_ORDERS) if order.status == "partially_received"]
    received = sum(receipt.qty_received for receipt in receipts if receipt.po_id == partial.po_id)
    assert 0 < received < partial.qty


# --- customer service, after-sales, improvement -------------------------------


def test_tickets_have_their_sla_deadline_one_breached_one_met(workbook):
    tickets = rows(workbook, TICKETS)
    for ticket in tickets:
        sla = timedelta(hours=BY_KEY[f"sla_hours_{ticket.priority}"].default)
        assert ticket.due_at == ticket.opened_at + sla
    assert {ticket.priority for ticket in tickets} == set(TICKETS.column("priority").choices)
    assert {ticket.status for ticket in tickets} == set(TICKETS.column("status").choices)
    assert {ticket.kind for ticket in tickets} == {"inquiry", "complaint"}
    past_due = [ticket for ticket in tickets if ticket.status not in CLOSED_TICKETS and ticket.due_at < NOW]
    assert len(past_due) == 1
    assert any(ticket.resolved_at and ticket.resolved_at <= ticket.due_at for ticket in tickets)


def test_surveys_follow_deliveries_and_resolutions(workbook):
    orders, tickets = workbook.table(ORDERS), workbook.table(TICKETS)
    surveys = rows(workbook, SURVEYS)
    for survey in surveys:
        subject = orders.get(survey.ref) or tickets.get(survey.ref)
        assert subject.status in ("delivered", *CLOSED_TICKETS)
        assert len(survey.token) >= 20
    assert len({survey.token for survey in surveys}) == len(surveys)
    answered = [survey for survey in surveys if survey.answered_at]
    assert answered and all(1 <= survey.score <= 5 and survey.comment for survey in answered)
    assert {survey.ref in orders for survey in surveys} == {True, False}


def test_returns_cover_each_stage_and_the_closed_one_is_refunded(workbook):
    returns = {item.status: item for item in rows(workbook, RETURNS)}
    assert set(returns) == {"requested", "approved", "received", "closed"}
    closed = returns["closed"]
    assert closed.refund_status == "paid" and closed.refunded_at and closed.refund_amount > 0
    order = workbook.table(ORDERS).get(closed.order_id)
    assert order.payment_status in ("partially_refunded", "refunded")


def test_alerts_suggestions_and_outbox(workbook):
    alerts = Counter(alert.status for alert in rows(workbook, ALERTS))
    assert alerts == {"open": 2, "resolved": 1}
    suggestions = rows(workbook, SUGGESTIONS)
    assert any(item.status == "adopted" and item.decision for item in suggestions)
    messages = {message.status: message for message in rows(workbook, OUTBOX)}
    assert set(messages) == {"queued", "sent", "failed"}
    assert messages["failed"].error and messages["sent"].sent_at


def test_nothing_happens_after_now(workbook):
    for tab in SEEDED_TABS:
        moments = [
            column.name for column in tab.columns if column.kind is Kind.DATETIME and column.name != "due_at"
        ]
        for record in rows(workbook, tab):
            for name in moments:
                assert record[name] is None or record[name] <= NOW, (tab.name, name, record)


def test_contacts_are_invented(workbook):
    emails = [supplier.email for supplier in rows(workbook, SUPPLIERS)]
    emails += [order.customer_email for order in rows(workbook, ORDERS)]
    assert all(email.endswith(("@example.com", "@example.net")) for email in emails)
    assert all(supplier.phone.startswith(("+86 555", "+1 555")) for supplier in rows(workbook, SUPPLIERS))


# --- how it is written ---------------------------------------------------------


def test_seeding_a_workbook_that_holds_data_is_refused_and_writes_nothing(tmp_path):
    workbook = open_workbook(tmp_path)
    with workbook.transaction(PRODUCTS, user="lin", action="add product") as tx:
        tx.insert(PRODUCTS, {"sku": "OWN-001", "name": "A product someone typed"})
    before = {name: len(rows_) for name, rows_ in _raw(workbook).items()}
    assert not is_empty(workbook)
    with pytest.raises(ValueError, match="empty workbook"):
        seed_demo(workbook, now=NOW)
    assert {name: len(rows_) for name, rows_ in _raw(workbook).items()} == before


def test_seeding_twice_is_refused(tmp_path):
    workbook = open_workbook(tmp_path)
    seed_demo(workbook, now=NOW)
    with pytest.raises(ValueError, match="already holds"):
        seed_demo(workbook, now=NOW)


def test_the_seed_is_one_commit(tmp_path):
    workbook = open_workbook(tmp_path)
    before = workbook.backend.versions(ALL_TABS)
    counts = seed_demo(workbook, now=NOW)
    after = workbook.backend.versions(ALL_TABS)
    moved = {name: after[name] - before[name] for name in before}
    # Every commit appends to Audit, so Audit moving by one means one commit.
    assert moved == {tab.name: int(tab.name in counts or tab is AUDIT) for tab in ALL_TABS}
    actions = Counter(entry.action for entry in rows(workbook, AUDIT))
    assert actions[f"{SEED_ACTION}: insert"] == sum(counts.values())


def test_on_google_the_seed_is_one_read_and_one_write(google):
    seed_demo(google.workbook, now=NOW)
    assert google.requests("batchUpdate") == 1
    assert google.requests() == 2


def test_the_same_seed_and_now_give_the_same_records(tmp_path):
    first, second, other = (open_workbook(tmp_path / name) for name in ("first", "second", "other"))
    seed_demo(first, now=NOW, rng_seed=11)
    seed_demo(second, now=NOW, rng_seed=11)
    seed_demo(other, now=NOW, rng_seed=12)
    assert _without_ids(first) == _without_ids(second)
    assert _without_ids(first) != _without_ids(other)


def test_default_now_is_whole_seconds(tmp_path):
    workbook = open_workbook(tmp_path)
    seed_demo(workbook)
    assert all(order.created_at.microsecond == 0 for order in rows(workbook, ORDERS))


def _raw(workbook: Workbook) -> dict[str, list[list]]:
    return {tab.name: workbook.backend.raw_rows(tab.name) for tab in ALL_TABS}


_PREFIXES = "|".join(tab.id_prefix for tab in ALL_TABS if tab.id_prefix)
# App-assigned IDs wherever they appear, also inside text such as an alert key.
_ID = re.compile(rf"\b({_PREFIXES})-[{ID_ALPHABET}]{{8,}}\b")


def _without_ids(workbook: Workbook) -> dict[str, list[list]]:
    """Every seeded cell, each app-assigned ID replaced by the order it first appears in.

    IDs are time-and-random based; numbering them by first appearance still
    proves that the same records refer to each other the same way.
    """
    numbers: dict[str, str] = {}

    def number(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}#{len(numbers)}")

    raw = _raw(workbook)
    return {
        tab.name: [
            [_ID.sub(number, cell) if isinstance(cell, str) else cell for cell in row]
            for row in raw[tab.name]
        ]
        for tab in SEEDED_TABS
    }
