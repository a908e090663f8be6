"""The Forecast Runs of the past weeks, computed by the real engine on the history as it stood then.

The review shows how accurate the forecast has been over time from the
Forecast Runs tab, one row per computation. A shop that had run demand
planning would have one a day; the demo gives it one a week for the last
RUNS weeks. Each is `processes.planning.run.compute` on what was in the
sheet at that moment: the orders created before it, the ledger up to it,
and the previous run's forecast (which its realised error is measured
against). Nothing in a row is made up: accuracy, baseline, realised error,
stock-out days and even the seconds are what the computation gave.

The Forecast tab itself is left to the first jobs cycle: it computes the
forecast on first start, from the whole history.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from processes.planning.policy import Settings
from processes.planning.run import compute
from sheets.cells import to_cell
from sheets.reading import read_table
from sheets.schema import Tab
from sheets.settings import BY_KEY
from sheets.tabs import (
    FORECAST,
    FORECAST_RUNS,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    PRODUCTS,
    PURCHASE_ORDERS,
    STOCK_MOVES,
    SUPPLIERS,
)

from .builder import DemoBuilder

RUNS = 8  # weekly, the last one a week ago
RUN_HOUR = 6  # the cycle's first run of the day, before the shop opens
#: The planning settings the runs used: the declared defaults, as the Settings tab holds them.
SETTINGS = Settings.of(
    {
        key: BY_KEY[key].default
        for key in ("service_level_percent", "review_period_days", "default_lead_time_days")
    }
)


def seed_forecast_runs(demo: DemoBuilder) -> None:
    """One Forecast Runs row a week for the last RUNS weeks, oldest first."""
    # The forecasting library loads on first use; loaded now, the first run's seconds are its own.
    importlib.import_module("statsforecast.models")
    frames = _frames(demo)
    previous = _frame(FORECAST, [])
    for weeks_ago in range(RUNS, 0, -1):
        at = (demo.now - timedelta(weeks=weeks_ago)).replace(hour=RUN_HOUR, minute=0, second=0)
        computed = compute({**_as_of(frames, at), FORECAST.name: previous}, SETTINGS, at)
        demo.add(FORECAST_RUNS, _plain(computed.run))
        previous = computed.rows.reset_index()


def _frames(demo: DemoBuilder) -> dict[str, pd.DataFrame]:
    """The tabs the forecast reads, typed as a snapshot of the sheet would give them."""
    frames = {
        tab.name: _frame(tab, demo.records[tab.name])
        for tab in (ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS, SUPPLIERS, PURCHASE_ORDERS)
    }
    # The ledger is written last (its moves get their IDs then): number them meanwhile.
    moves = [{"move_id": f"move {number}", **asdict(move)} for number, move in enumerate(demo.ledger)]
    frames[STOCK_MOVES.name] = _frame(STOCK_MOVES, moves)
    return frames


def _as_of(frames: dict[str, pd.DataFrame], moment: datetime) -> dict[str, pd.DataFrame]:
    """What the sheet held at `moment`: orders placed and stock moved before it, purchases ordered before it."""
    at = pd.Timestamp(moment)
    orders = frames[ORDERS.name]
    orders = orders[orders["created_at"] < at]
    lines = frames[ORDER_LINES.name]
    moves = frames[STOCK_MOVES.name]
    purchases = frames[PURCHASE_ORDERS.name]
    return {
        **frames,
        ORDERS.name: orders,
        ORDER_LINES.name: lines[lines["order_id"].isin(orders["order_id"])],
        STOCK_MOVES.name: moves[moves["at"] < at],
        PURCHASE_ORDERS.name: purchases[purchases["ordered_at"] < at],
    }


def _frame(tab: Tab, rows: list[Any]) -> pd.DataFrame:
    """`rows` (records or dicts) as the typed frame reading the tab would give."""
    grid = [[column.name for column in tab.columns]]
    grid += [[to_cell(column.kind, row.get(column.name)) for column in tab.columns] for row in rows]
    return read_table(tab, grid).df.reset_index(drop=True)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Numbers as Python numbers (the engine gives numpy ones)."""
    return {name: value.item() if hasattr(value, "item") else value for name, value in values.items()}
