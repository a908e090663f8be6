"""Demo data: one commit into an empty workbook, consistent across every tab."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from jobs.checks.stock import DEMAND_PLANNING, check_stock
from jobs.planning import refresh_plan
from jobs.snapshot import take_snapshot
from processes.demo import SEED_ACTION, is_empty, seed_demo
from processes.planning.demand import daily_demand, dense_series, split_series_id
from processes.planning.policy import Settings
from processes.planning.run import compute
from processes.planning.stockouts import stockout_days
from sheets.backends.local import LocalBackend
from sheets.ids import ALPHABET as ID_ALPHABET
from sheets.request_size import MAX_BODY_BYTES
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
    TABS_BY_NAME,
    TICKETS,
    TRANSFERS,
)
from sheets.workbook import Workbook

NOW = datetime(2026, 11, 25, 10, 30)
# The Forecast tab is the first jobs cycle's to fill, from the whole history.
SEEDED_TABS = [tab for tab in ALL_TABS if tab not in (SETTINGS, SUMMARY, AUDIT, FORECAST)]
STORY_DAYS = 30
HISTORY_DAYS = 182  # at least, before the story's 30 days

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
def seeded(tmp_path_factory) -> tuple[Workbook, dict[str, int], dict[str, int]]:
    """The demo seeded once for the module: the workbook, its counts, and the tab versions before."""
    workbook = open_workbook(tmp_path_factory.mktemp("demo"))
    before = workbook.backend.versions(ALL_TABS)
    return workbook, seed_demo(workbook, now=NOW), before


@pytest.fixture(scope="module")
def workbook(seeded) -> Workbook:
    return seeded[0]


@pytest.fixture(scope="module")
def frames(workbook) -> dict[str, pd.DataFrame]:
    """Every tab as the jobs read it."""
    snapshot = take_snapshot(workbook, NOW)
    return {name: table.df.reset_index(drop=True) for name, table in snapshot.tables.items()}


@pytest.fixture(scope="module")
def demand(frames) -> pd.DataFrame:
    """Units ordered per product, location and day, as demand planning counts them."""
    return daily_demand(frames[ORDERS.name], frames[ORDER_LINES.name], NOW.date())


def rows(workbook: Workbook, tab: Tab) -> list[Record]:
    return list(workbook.table(tab).records())


def lines_by_order(workbook: Workbook) -> dict[str, list[Record]]:
    lines: dict[str, list[Record]] = {}
    for line in rows(workbook, ORDER_LINES):
        lines.setdefault(line.order_id, []).append(line)
    return lines


# --- what is created -----------------------------------------------------------


def test_is_empty_until_seeded(tmp_path, workbook):
    assert is_empty(open_workbook(tmp_path))
    assert not is_empty(workbook)


def test_every_record_tab_is_filled_and_the_counts_are_true(seeded):
    workbook, counts, _ = seeded
    assert list(counts) == [tab.name for tab in SEEDED_TABS]
    for tab in SEEDED_TABS:
        assert len(workbook.table(tab)) == counts[tab.name] > 0, tab.name
    assert counts[LOCATIONS.name] == 3
    assert counts[SUPPLIERS.name] == 5
    assert 20 <= counts[PRODUCTS.name] <= 30
    # Six months of everyday trade behind the story's 40 orders.
    assert 2_500 <= counts[ORDERS.name] <= 6_000


def test_the_workbook_has_no_data_issues(workbook):
    assert workbook.check() == []


def test_every_order_status_appears_with_mixed_channels(workbook):
    orders = rows(workbook, ORDERS)
    assert {order.status for order in orders} == set(ORDERS.column("status").choices)
    assert len({order.channel for order in orders}) >= 3


def test_two_products_are_inactive_and_never_reordered(workbook):
    inactive = [product for product in rows(workbook, PRODUCTS) if not product.active]
    assert len(inactive) == 2
    assert all(product.do_not_reorder for product in inactive)
    assert not any(product.do_not_reorder for product in rows(workbook, PRODUCTS) if product.active)


def test_each_product_is_bought_from_its_usual_supplier_in_its_cartons_and_minimums(workbook):
    products = {product.sku: product for product in rows(workbook, PRODUCTS)}
    suppliers = {supplier.supplier_id: supplier for supplier in rows(workbook, SUPPLIERS)}
    assert all(product.supplier_id in suppliers for product in products.values())
    assert sum(bool(product.pack_size) for product in products.values()) >= 3
    hangzhou = [s.supplier_id for s in suppliers.values() if "minimum order 50" in s.notes]
    assert {p.min_order_qty for p in products.values() if p.supplier_id in hangzhou} == {50}
    for order in rows(workbook, PURCHASE_ORDERS):
        product = products[order.sku]
        assert order.supplier_id == product.supplier_id, order
        assert order.qty % (product.pack_size or 1) == 0, order
        assert order.qty >= (product.min_order_qty or 0), order


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


# --- the history ---------------------------------------------------------------


def test_the_history_reaches_six_months_back_before_the_story_with_sales_every_day(workbook, demand):
    first = min(order.created_at for order in rows(workbook, ORDERS))
    assert NOW - first >= timedelta(days=STORY_DAYS + HISTORY_DAYS)
    days_with_sales = set(demand["day"].dt.date)
    every_day = pd.date_range(first.date(), NOW.date() - timedelta(days=1), freq="D").date
    assert days_with_sales == set(every_day)


def test_orders_before_the_story_are_finished(workbook):
    started = NOW - timedelta(days=STORY_DAYS)
    for order in rows(workbook, ORDERS):
        if order.created_at >= started:
            continue
        assert order.status in ("delivered", "cancelled"), order
        if order.status == "delivered":
            assert order.carrier and order.tracking_no and order.shipped_at < order.delivered_at
            assert order.payment_status in ("paid", "partially_refunded", "refunded")
        else:
            assert order.payment_status in ("voided", "refunded")


def test_most_orders_ship_from_the_main_warehouse_fewer_from_the_store_fewest_from_overflow(workbook):
    names = {location.location_id: location.name for location in rows(workbook, LOCATIONS)}
    shipped_from = Counter(names[order.location_id] for order in rows(workbook, ORDERS))
    main, store, overflow = (
        shipped_from[name] for name in ("Main warehouse", "Harbour Street store", "Overflow warehouse")
    )
    assert main > 3 * store and store > overflow > 0


def test_orders_follow_the_weekday_online_busiest_on_mondays_and_the_store_on_saturdays(workbook):
    names = {location.location_id: location.name for location in rows(workbook, LOCATIONS)}
    by_weekday: Counter[tuple[str, int]] = Counter(
        (names[order.location_id], order.created_at.weekday()) for order in rows(workbook, ORDERS)
    )
    monday, saturday, sunday = 0, 5, 6
    assert by_weekday["Main warehouse", monday] > 1.4 * by_weekday["Main warehouse", saturday]
    assert by_weekday["Harbour Street store", saturday] > 1.4 * by_weekday["Harbour Street store", monday]
    # The store is closed on Sundays: at most a story order lands there.
    assert by_weekday["Harbour Street store", sunday] <= 3


def test_the_french_press_is_trending_and_slow_movers_sell_every_few_days(demand):
    series = dense_series(demand, NOW.date())
    series["sku"] = [split_series_id(uid)[0] for uid in series["unique_id"]]
    press = series[series["sku"] == "KIT-008"].groupby("ds")["y"].sum()
    assert press.iloc[-28:].mean() > 2.5 * press.iloc[:28].mean()
    zero_share = series.groupby("unique_id")["y"].apply(lambda units: (units == 0).mean())
    slow = zero_share[zero_share > 0.75]
    assert len(slow) >= 2  # sold on fewer than one day in four
    assert (zero_share < 0.3).any()  # and steady sellers, sold most days


def test_shelves_ran_empty_on_some_days_with_demand_after_a_late_delivery(workbook, frames, demand):
    first = min(order.created_at for order in rows(workbook, ORDERS)).date()
    empty = stockout_days(frames[STOCK_MOVES.name], demand, first, NOW.date())
    assert len(empty) >= 5
    receipts = {receipt.po_id: receipt for receipt in rows(workbook, RECEIPTS)}
    late = [
        order
        for order in rows(workbook, PURCHASE_ORDERS)
        if order.po_id in receipts and (receipts[order.po_id].received_at.date() - order.expected_at).days > 7
    ]
    assert late and all("late" in receipts[order.po_id].inspection_notes for order in late)


def test_purchases_arrive_after_their_suppliers_lead_time(workbook):
    suppliers = {supplier.supplier_id: supplier for supplier in rows(workbook, SUPPLIERS)}
    receipts = {receipt.po_id: receipt for receipt in rows(workbook, RECEIPTS)}
    for order in rows(workbook, PURCHASE_ORDERS):
        if order.ordered_at is None:
            continue
        lead = timedelta(days=suppliers[order.supplier_id].lead_time_days)
        assert order.expected_at == (order.ordered_at + lead).date()
        if order.po_id in receipts:
            assert receipts[order.po_id].received_at >= order.ordered_at + lead - timedelta(days=1)


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
    # Automatic requests are demand planning's to raise, in the first jobs cycle.
    assert [request.source for request in requests].count("auto") == 0
    quotes_per_request = Counter(quote.request_id for quote in rows(workbook, QUOTES))
    assert {3, 2} <= set(quotes_per_request.values())

    limit = BY_KEY["po_approval_limit"].default
    orders = rows(workbook, PURCHASE_ORDERS)
    assert len({order.status for order in orders}) >= 4
    assert any(order.status == "awaiting_approval" and order.total > limit for order in orders)
    assert all(order.total == pytest.approx(order.qty * order.unit_price) for order in orders)


def test_the_first_cycle_plans_a_purchase_for_the_low_stock_alerts_row(workbook):
    planned, _ = refresh_plan(take_snapshot(workbook, NOW))
    requests = [
        effect.values for effect in check_stock(planned) if getattr(effect, "tab", None) is PURCHASE_REQUESTS
    ]
    (low,) = [
        alert for alert in rows(workbook, ALERTS) if alert.kind == "stock.low" and alert.status == "open"
    ]
    sku, location = low.ref.split("@")
    (request,) = [values for values in requests if (values["sku"], values["location_id"]) == (sku, location)]
    assert request["requested_by"] == DEMAND_PLANNING and request["source"] == "auto"
    assert request["qty"] >= 50  # its supplier's minimum order


def test_forecast_runs_of_the_past_weeks_are_the_engines_own(workbook, frames, demand):
    runs = sorted(rows(workbook, FORECAST_RUNS), key=lambda run: run.run_at)
    assert len(runs) >= 8
    gaps = {later.run_at - earlier.run_at for earlier, later in zip(runs, runs[1:], strict=False)}
    assert gaps == {timedelta(weeks=1)}
    assert NOW - timedelta(weeks=len(runs) + 1) < runs[0].run_at and runs[-1].run_at < NOW
    assert all(run.series >= 30 and run.accuracy < run.baseline_accuracy for run in runs)
    assert runs[0].realised_error is None and all(run.realised_error > 0 for run in runs[1:])
    assert sum(run.stockout_days for run in runs) > 0
    last = runs[-1]
    before = pd.Timestamp(last.run_at)
    orders = frames[ORDERS.name][frames[ORDERS.name]["created_at"] < before]
    again = compute(
        {
            **frames,
            ORDERS.name: orders,
            ORDER_LINES.name: frames[ORDER_LINES.name][
                frames[ORDER_LINES.name]["order_id"].isin(orders["order_id"])
            ],
            STOCK_MOVES.name: frames[STOCK_MOVES.name][frames[STOCK_MOVES.name]["at"] < before],
            FORECAST.name: frames[FORECAST.name].iloc[0:0],
        },
        Settings(95, 7, 14),
        last.run_at,
    ).run
    assert (again["series"], again["accuracy"], again["baseline_accuracy"]) == (
        last.series,
        last.accuracy,
        last.baseline_accuracy,
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


def test_tickets_waiting_on_the_customer_have_their_clock_stopped_since_the_reply_that_asked(workbook):
    waiting = [ticket for ticket in rows(workbook, TICKETS) if ticket.status == "waiting_on_customer"]
    assert waiting
    assert [ticket.paused_since for ticket in waiting] == [ticket.first_response_at for ticket in waiting]
    assert all(ticket.paused_since is not None for ticket in waiting)


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


def test_seeding_twice_is_refused(workbook):
    with pytest.raises(ValueError, match="already holds"):
        seed_demo(workbook, now=NOW)


def test_the_seed_is_one_commit(seeded):
    workbook, counts, before = seeded
    after = workbook.backend.versions(ALL_TABS)
    moved = {name: after[name] - before[name] for name in before}
    # Every commit appends to Audit, so Audit moving by one means one commit.
    assert moved == {tab.name: int(tab.name in counts or tab is AUDIT) for tab in ALL_TABS}
    actions = Counter(entry.action for entry in rows(workbook, AUDIT))
    assert actions[f"{SEED_ACTION}: insert"] == sum(counts.values())


def test_on_google_the_seed_goes_in_parts_google_accepts(google):
    """Months of history are more than one request may hold: new rows go in parts, each one write."""
    counts = seed_demo(google.workbook, now=NOW)
    bodies = [len(json.dumps(entry.body)) for entry in google.fake.logged("batchUpdate")]
    assert len(bodies) > 1 and max(bodies) < MAX_BODY_BYTES
    assert google.requests() <= 3 * len(bodies)  # a read or two and one write per part
    google.workbook.invalidate()
    for name, count in counts.items():
        assert len(google.workbook.table(TABS_BY_NAME[name])) >= count, name


def test_the_same_seed_and_now_give_the_same_records(tmp_path, workbook):
    second, other = (open_workbook(tmp_path / name) for name in ("second", "other"))
    seed_demo(second, now=NOW)  # as the module's workbook was
    seed_demo(other, now=NOW, rng_seed=12)
    assert _without_ids(workbook) == _without_ids(second)
    assert _without_ids(workbook) != _without_ids(other)


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
    proves that the same records refer to each other the same way. The
    seconds a forecast run took are measured, so they are left out too.
    """
    numbers: dict[str, str] = {}

    def number(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}#{len(numbers)}")

    raw = _raw(workbook)
    seconds = FORECAST_RUNS.column_names.index("seconds")
    raw[FORECAST_RUNS.name] = [row[:seconds] + row[seconds + 1 :] for row in raw[FORECAST_RUNS.name]]
    return {
        tab.name: [
            [_ID.sub(number, cell) if isinstance(cell, str) else cell for cell in row]
            for row in raw[tab.name]
        ]
        for tab in SEEDED_TABS
    }
