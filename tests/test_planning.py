"""Demand planning on synthetic histories whose true demand is known.

Each series is drawn from a Poisson process with a known rate: steady,
weekly (weekdays sell more), trending (rising steadily) or intermittent (a
sale every few days). The forecast must land near the true rate over the
planning horizon, and the decisions must follow from it: the purchase
request sized from the forecast, a transfer where minimum and maximum alone
would not have fired, nothing bought for what is already coming.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from jobs.checks.locations import check_locations
from jobs.checks.stock import check_stock
from jobs.effects import CreateRecord
from jobs.planning import refresh_plan
from jobs.snapshot import snapshot_of
from processes.planning.demand import daily_demand
from processes.planning.policy import Settings, lead_times, safety_stock
from processes.planning.run import compute
from processes.planning.stockouts import daily_balances, ledger_from, stockout_days
from sheets.cells import to_cell
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.tabs import (
    FORECAST,
    FORECAST_RUNS,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    STOCK,
    STOCK_MOVES,
    SUPPLIERS,
    TRANSFERS,
)

NOW = datetime(2026, 6, 30, 9, 0)
HISTORY = 182  # days
SETTINGS = Settings(service_level=95, review_days=7, default_lead_time=14)
LEAD = 14
HORIZON = LEAD + SETTINGS.review_days


def table(tab: Tab, *rows: dict):
    cells = [[to_cell(column.kind, row.get(column.name)) for column in tab.columns] for row in rows]
    return read_table(tab, [tab.column_names, *cells])


def snap(*tables, now: datetime = NOW):
    return snapshot_of({t.tab.name: t for t in tables}, now)


def frames_of(snapshot) -> dict[str, pd.DataFrame]:
    return {name: t.df.reset_index(drop=True) for name, t in snapshot.tables.items()}


# Synthetic demand ----------------------------------------------------------------

WEEKDAY_PROFILE = np.array([1.4, 1.2, 1.0, 1.0, 1.1, 0.6, 0.7])  # Monday first; averages 1.0


def rate(pattern: str, days: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """The true units per day of `pattern` on each day (day 0 is the first day of history)."""
    if pattern == "steady":
        return np.full(len(days), 4.0)
    if pattern == "weekly":
        return 4.0 * WEEKDAY_PROFILE[weekdays]
    if pattern == "trending":
        return 2.0 + 4.0 * days / HISTORY
    if pattern == "intermittent":
        return np.full(len(days), 0.3)
    raise ValueError(pattern)


def history_days() -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(NOW.date()) - pd.Timedelta(days=HISTORY), periods=HISTORY, freq="D")


def true_rate_ahead(pattern: str) -> np.ndarray:
    """The true rate over the planning horizon, from today."""
    days = np.arange(HISTORY, HISTORY + HORIZON)
    weekdays = np.array(
        [(NOW.date() + timedelta(days=int(i - HISTORY))).weekday() for i in days],
    )
    return rate(pattern, days, weekdays)


def orders_for(series: dict[str, str], seed: int = 7) -> tuple:
    """Orders and Order Lines at location MAIN: one order per product per day it sold."""
    rng = np.random.default_rng(seed)
    days = history_days()
    orders, lines = [], []
    for sku, pattern in series.items():
        units = rng.poisson(rate(pattern, np.arange(HISTORY), days.weekday.to_numpy()))
        for day, qty in zip(days, units, strict=True):
            if qty:
                order_id = f"ORD-{len(orders) + 1}"
                created = day.to_pydatetime() + timedelta(hours=10)
                orders.append(
                    {"order_id": order_id, "customer_name": "C", "created_at": created, "status": "delivered"}
                    | {"location_id": "MAIN"}
                )
                lines.append(
                    {"line_id": f"OL-{len(lines) + 1}", "order_id": order_id, "sku": sku, "qty": int(qty)}
                )
    return table(ORDERS, *orders), table(ORDER_LINES, *lines)


PATTERNS = ("steady", "weekly", "trending", "intermittent")
SERIES_PER_PATTERN = 6


@pytest.fixture(scope="module")
def forecast():
    series = {f"{p[:3].upper()}-{i}": p for p in PATTERNS for i in range(SERIES_PER_PATTERN)}
    orders, lines = orders_for(series)
    products = table(PRODUCTS, *({"sku": sku, "name": sku} for sku in series))
    computed = compute(frames_of(snap(orders, lines, products)), SETTINGS, NOW)
    return series, computed


def by_pattern(series, computed, pattern):
    return [(sku, computed.rows.loc[(sku, "MAIN")]) for sku, p in series.items() if p == pattern]


@pytest.mark.parametrize(
    ("pattern", "tolerance"),
    [("steady", 0.10), ("weekly", 0.12), ("trending", 0.12), ("intermittent", 0.30)],
)
def test_the_forecast_lands_near_the_true_rate(forecast, pattern, tolerance):
    """Mean relative error of the forecast daily demand against the true rate over the horizon."""
    series, computed = forecast
    truth = true_rate_ahead(pattern).mean()
    errors = [abs(row["daily_demand"] / truth - 1) for _, row in by_pattern(series, computed, pattern)]
    assert np.mean(errors) < tolerance, (pattern, errors)


def test_a_trend_is_followed_not_averaged(forecast):
    """Rising demand: the forecast is above the history's average, near where the trend has got to."""
    series, computed = forecast
    history_mean = 2.0 + 4.0 * (HISTORY - 1) / 2 / HISTORY
    for _, row in by_pattern(series, computed, "trending"):
        assert row["daily_demand"] > history_mean * 1.2


def test_weekday_seasonality_shows_in_the_forecast_path(forecast):
    """The chosen methods for weekly series follow the weekday profile day by day."""
    series, computed = forecast
    path_by_sku = {item.sku: item.path for item in computed.result.series}
    truth = true_rate_ahead("weekly")
    for sku, _ in by_pattern(series, computed, "weekly"):
        path = path_by_sku[sku][:HORIZON]
        assert np.corrcoef(path, truth)[0, 1] > 0.7, sku


def test_each_series_gets_a_method_of_its_kind_and_beats_the_baseline_overall(forecast):
    series, computed = forecast
    intermittent = {"Croston (SBA)", "ADIDA", "IMAPA", "28-day average", "seasonal naive"}
    for _, row in by_pattern(series, computed, "intermittent"):
        assert row["method"] in intermittent
    for _, row in by_pattern(series, computed, "steady"):
        assert row["method"] not in {"Croston (SBA)", "ADIDA", "IMAPA"}
    assert computed.result.accuracy < computed.result.baseline_accuracy
    assert computed.run["series"] == len(series)
    assert 0 < computed.run["accuracy"] < computed.run["baseline_accuracy"]


def test_a_new_product_falls_back_to_a_labelled_simple_rate():
    days = [NOW - timedelta(days=d) for d in range(1, 11)]
    orders = table(
        ORDERS,
        *(
            {"order_id": f"O{i}", "customer_name": "C", "created_at": d, "location_id": "MAIN"}
            for i, d in enumerate(days)
        ),
    )
    lines = table(
        ORDER_LINES, *({"line_id": f"L{i}", "order_id": f"O{i}", "sku": "NEW", "qty": 3} for i in range(10))
    )
    computed = compute(frames_of(snap(orders, lines)), SETTINGS, NOW)
    row = computed.rows.loc[("NEW", "MAIN")]
    assert (row["method"], row["daily_demand"], row["history_days"]) == ("simple rate", 3.0, 10)
    assert pd.isna(row["accuracy"])  # not backtested


def test_demand_counts_order_days_at_the_shipping_location_and_skips_cancelled_orders():
    orders = table(
        ORDERS,
        {"order_id": "O1", "customer_name": "C", "created_at": NOW - timedelta(days=2), "location_id": "A"},
        {"order_id": "O2", "customer_name": "C", "created_at": NOW - timedelta(days=2), "location_id": "B"},
        {
            "order_id": "O3",
            "customer_name": "C",
            "created_at": NOW - timedelta(days=2),
            "location_id": "A",
            "status": "cancelled",
        },
        {"order_id": "O4", "customer_name": "C", "created_at": NOW, "location_id": "A"},  # today: not over
    )
    lines = table(
        ORDER_LINES,
        *(
            {"line_id": f"L{i}", "order_id": order, "sku": "MUG", "qty": qty}
            for i, (order, qty) in enumerate([("O1", 2), ("O1", 1), ("O2", 5), ("O3", 9), ("O4", 4)])
        ),
    )
    frames = frames_of(snap(orders, lines))
    demand = daily_demand(frames[ORDERS.name], frames[ORDER_LINES.name], NOW.date())
    day = pd.Timestamp((NOW - timedelta(days=2)).date())
    assert demand.to_dict("records") == [
        {"sku": "MUG", "location_id": "A", "day": day, "units": 3.0},
        {"sku": "MUG", "location_id": "B", "day": day, "units": 5.0},
    ]


def test_the_forecast_is_due_when_the_last_run_is_older_than_the_interval():
    from processes.planning.run import forecast_due

    runs = frames_of(snap(table(FORECAST_RUNS, LAST_RUN)))[FORECAST_RUNS.name]
    assert not forecast_due(runs, NOW, 24)
    assert forecast_due(runs, NOW + timedelta(hours=23), 24)
    assert forecast_due(runs.iloc[0:0], NOW, 24)  # never computed


# Decisions -------------------------------------------------------------------------


def forecast_row(sku="MUG", location="STORE", daily=2.0, lead=LEAD, error_sd=1.0, **extra):
    return {
        "sku": sku,
        "location_id": location,
        "daily_demand": daily,
        "demand_over_lead_time": daily * lead,
        "error_sd": error_sd,
        "lead_time_days": lead,
        "method": "exponential smoothing",
        "computed_at": NOW - timedelta(hours=1),
        **extra,
    }


def stock(sku="MUG", location="STORE", on_hand=0, reserved=0, min_qty=0, max_qty=0):
    return {"sku": sku, "location_id": location, "on_hand": on_hand, "reserved": reserved} | {
        "min_qty": min_qty,
        "max_qty": max_qty,
        "last_counted_at": NOW,
    }


#: The forecast rows the decision tests give were computed an hour ago: no computation is due.
LAST_RUN = {"run_id": "FCR-1", "run_at": NOW - timedelta(hours=1), "series": 1}


def planned(*tables):
    return refresh_plan(snap(table(FORECAST_RUNS, LAST_RUN), *tables))[0]


def requests_in(effects) -> list[CreateRecord]:
    return [
        effect for effect in effects if isinstance(effect, CreateRecord) and effect.tab is PURCHASE_REQUESTS
    ]


def expected_order_up_to(daily=2.0, lead=LEAD, error_sd=1.0) -> int:
    safety = safety_stock(error_sd, lead, SETTINGS)
    return math.ceil(daily * lead + daily * SETTINGS.review_days + safety)


def test_the_purchase_request_is_sized_from_the_forecast():
    """Projected 10 against a reorder point of 28 + safety stock: buy up to lead time + review period."""
    snapshot = planned(table(FORECAST, forecast_row()), table(STOCK, stock(on_hand=12, reserved=2)))
    [request] = requests_in(check_stock(snapshot))
    assert request.values["qty"] == expected_order_up_to() - 10
    assert (request.values["source"], request.values["location_id"]) == ("auto", "STORE")
    [row] = snapshot.table(FORECAST).records()
    assert row.reorder_point == math.ceil(28 + safety_stock(1.0, LEAD, SETTINGS))
    assert (row.projected, row.suggested_qty, row.days_of_cover) == (10, request.values["qty"], 5.0)


def test_incoming_stock_counts_so_nothing_is_bought_twice():
    """The issue's case: 5 available and 24 incoming is not short for a product selling 1 a day."""
    order = {
        "po_id": "PO-1",
        "supplier_id": "S",
        "sku": "MUG",
        "qty": 24,
        "status": "ordered",
        "location_id": "STORE",
    }
    tables = (
        table(FORECAST, forecast_row(daily=1.0)),
        table(STOCK, stock(on_hand=5, min_qty=10, max_qty=30)),
        table(PURCHASE_ORDERS, order),
    )
    assert requests_in(check_stock(planned(*tables))) == []


def test_a_pack_size_and_a_minimum_order_round_the_quantity_up():
    product = {"sku": "MUG", "name": "Mug", "pack_size": 12, "min_order_qty": 5}
    snapshot = planned(
        table(FORECAST, forecast_row()), table(STOCK, stock(on_hand=10)), table(PRODUCTS, product)
    )
    [request] = requests_in(check_stock(snapshot))
    needed = expected_order_up_to() - 10
    assert request.values["qty"] == math.ceil(needed / 12) * 12
    small = {**product, "pack_size": None, "min_order_qty": 200}
    snapshot = planned(
        table(FORECAST, forecast_row()), table(STOCK, stock(on_hand=10)), table(PRODUCTS, small)
    )
    assert requests_in(check_stock(snapshot))[0].values["qty"] == 200


def test_do_not_reorder_products_are_never_requested():
    product = {"sku": "MUG", "name": "Mug", "do_not_reorder": True}
    snapshot = planned(
        table(FORECAST, forecast_row()), table(STOCK, stock(on_hand=0)), table(PRODUCTS, product)
    )
    assert requests_in(check_stock(snapshot)) == []
    assert snapshot.table(FORECAST).get(("MUG", "STORE")).note == "do not reorder"


def test_a_transfer_is_suggested_where_minimum_and_maximum_would_not_fire():
    """The issue's case: a store with 1 unit left, the warehouse with 45 and no maximum anywhere."""
    tables = (
        table(FORECAST, forecast_row(location="STORE", daily=2.0), forecast_row(location="WH", daily=0.5)),
        table(STOCK, stock(location="STORE", on_hand=1), stock(location="WH", on_hand=45)),
    )
    snapshot = planned(*tables)
    [suggestion] = check_locations(snapshot)
    row = snapshot.table(FORECAST).get(("MUG", "STORE"))
    spare = 45 - math.ceil(0.5 * (LEAD + 7) + safety_stock(1.0, LEAD, SETTINGS))
    assert (row.transfer_from, row.transfer_qty) == ("WH", min(spare, expected_order_up_to() - 1))
    assert suggestion.key == "location.transfer:MUG@STORE"
    assert f"transfer {row.transfer_qty}" in suggestion.message
    # Moving comes before buying: only what the transfer leaves short is requested.
    [request] = requests_in(check_stock(snapshot))
    assert request.values["qty"] == expected_order_up_to() - 1 - row.transfer_qty
    # Once the transfer is requested, it is stock on its way: no suggestion, and the warehouse has less to spare.
    moving = {
        "transfer_id": "TRF-1",
        "sku": "MUG",
        "from_location": "WH",
        "to_location": "STORE",
        "qty": row.transfer_qty,
        "status": "requested",
    }
    assert check_locations(planned(*tables, table(TRANSFERS, moving))) == []


def test_a_snoozed_need_stays_snoozed_until_stock_moves_at_that_location():
    cancelled_at = NOW - timedelta(days=1)
    cancelled = {
        "request_id": "PR-1",
        "sku": "MUG",
        "qty": 40,
        "location_id": "STORE",
        "source": "auto",
        "status": "cancelled",
        "cancel_reason": "supplier closed until January",
        "updated_at": cancelled_at,
    }
    tables = (
        table(FORECAST, forecast_row()),
        table(STOCK, stock(on_hand=3)),
        table(PURCHASE_REQUESTS, cancelled),
    )
    snapshot = planned(*tables)
    assert requests_in(check_stock(snapshot)) == []
    assert snapshot.table(FORECAST).get(("MUG", "STORE")).note == "snoozed: supplier closed until January"
    sale = {"move_id": "M1", "at": NOW - timedelta(hours=2), "sku": "MUG", "from_location": "STORE"} | {
        "qty": 1,
        "reason": "shipment",
    }
    assert requests_in(check_stock(planned(*tables, table(STOCK_MOVES, sale)))) == []
    counted = {**sale, "move_id": "M2", "from_location": None, "to_location": "STORE", "reason": "adjustment"}
    assert len(requests_in(check_stock(planned(*tables, table(STOCK_MOVES, sale, counted))))) == 1


def test_the_lead_time_comes_from_the_usual_supplier_then_the_last_order_then_settings():
    suppliers = table(
        SUPPLIERS,
        {"supplier_id": "FAST", "name": "Fast", "lead_time_days": 5},
        {"supplier_id": "SLOW", "name": "Slow", "lead_time_days": 40},
        {"supplier_id": "VAGUE", "name": "Vague"},
    )
    products = table(
        PRODUCTS,
        {"sku": "A", "name": "A", "supplier_id": "FAST"},
        {"sku": "B", "name": "B"},
        {"sku": "C", "name": "C"},
        {"sku": "D", "name": "D", "supplier_id": "VAGUE"},
    )
    orders = table(
        PURCHASE_ORDERS,
        {"po_id": "PO-1", "supplier_id": "FAST", "sku": "B", "qty": 1},
        {"po_id": "PO-2", "supplier_id": "SLOW", "sku": "B", "qty": 1},
        {"po_id": "PO-3", "supplier_id": "SLOW", "sku": "A", "qty": 1},
    )
    leads = lead_times(frames_of(snap(suppliers, products, orders)), default=14)
    assert leads == {"A": 5, "B": 40, "C": 14, "D": 14}


def test_stockout_days_are_days_with_demand_that_began_with_no_stock():
    day = pd.Timestamp(NOW.date())
    moves = table(
        STOCK_MOVES,
        {"move_id": "M1", "at": day - pd.Timedelta(days=5), "sku": "MUG", "to_location": "A", "qty": 2}
        | {"reason": "receipt"},
        {"move_id": "M2", "at": day - pd.Timedelta(days=4), "sku": "MUG", "from_location": "A", "qty": 2}
        | {"reason": "shipment"},
        {"move_id": "M3", "at": day - pd.Timedelta(days=1), "sku": "MUG", "to_location": "A", "qty": 5}
        | {"reason": "receipt"},
    )
    demand = pd.DataFrame(
        {
            "sku": "MUG",
            "location_id": "A",
            "day": [day - pd.Timedelta(days=d) for d in (4, 3, 2, 1)],
            "units": [2.0, 1.0, 1.0, 1.0],
        }
    )
    frames = frames_of(snap(moves))
    outs = stockout_days(frames[STOCK_MOVES.name], demand, (NOW - timedelta(days=7)).date(), NOW.date())
    assert list(outs["day"]) == [
        day - pd.Timedelta(days=3),
        day - pd.Timedelta(days=2),
        day - pd.Timedelta(days=1),
    ]


def test_the_moves_since_a_day_and_the_stock_tab_give_the_balances_of_the_whole_ledger():
    day = pd.Timestamp(NOW.date())
    rng = np.random.default_rng(7)
    rows, on_hand = [], {}
    for number in range(400):  # a year of receipts, shipments and transfers between two places
        sku, source = f"SKU-{number % 3}", "AB"[number % 2]
        target = "B" if source == "A" else "A"
        moment = day - pd.Timedelta(days=365) + pd.Timedelta(hours=22 * number)
        kind = number % 4
        row = {"move_id": f"M{number}", "at": moment, "sku": sku, "qty": int(rng.integers(1, 6))}
        if kind == 0:
            row |= {"to_location": source, "reason": "receipt"}
        elif kind == 3:
            row |= {"from_location": source, "to_location": target, "reason": "transfer"}
        else:
            row |= {"from_location": source, "reason": "shipment"}
        rows.append(row)
        for place, sign in ((row.get("to_location"), 1), (row.get("from_location"), -1)):
            if place:
                on_hand[(sku, place)] = on_hand.get((sku, place), 0) + sign * row["qty"]
    moves = frames_of(snap(table(STOCK_MOVES, *rows)))[STOCK_MOVES.name]
    stock_rows = [{"sku": sku, "location_id": place, "on_hand": qty} for (sku, place), qty in on_hand.items()]
    stock_rows.append({"sku": "NEW", "location_id": "A", "on_hand": 4})  # counted in, no move yet
    stock = frames_of(snap(table(STOCK, *stock_rows)))[STOCK.name]
    moves = pd.concat(  # its opening count was a move long ago
        [
            moves,
            pd.DataFrame({"at": [day - pd.Timedelta(days=400)], "sku": "NEW", "to_location": "A", "qty": 4}),
        ],
        ignore_index=True,
    )
    since = day - pd.Timedelta(days=40)
    start, end = (since + pd.Timedelta(days=10)).date(), day.date()

    window = ledger_from(moves, stock, since)

    assert len(window) < len(moves) / 5
    pd.testing.assert_frame_equal(
        daily_balances(window, start, end).sort_values(["sku", "location_id", "day"], ignore_index=True),
        daily_balances(moves, start, end).sort_values(["sku", "location_id", "day"], ignore_index=True),
        check_dtype=False,
    )


def test_inactive_locations_and_products_are_not_planned():
    locations = table(LOCATIONS, {"location_id": "STORE", "name": "Store", "active": False})
    snapshot = planned(table(FORECAST, forecast_row()), table(STOCK, stock(on_hand=0)), locations)
    assert len(snapshot.table(FORECAST)) == 0
    assert requests_in(check_stock(snapshot)) == []
