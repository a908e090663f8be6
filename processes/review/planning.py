"""The review's planning figures: forecast accuracy over time, and stock-outs.

Accuracy comes from the Forecast Runs tab (one row per computation of the
forecast: its backtest error, the seasonal-naive baseline's, and how the
previous forecast compared with what then sold). Stock-outs are days with
demand at a location that began with none of the product in stock, rebuilt
from the Stock Moves ledger (processes/planning/stockouts.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from i18n import ngettext
from processes.planning.demand import daily_demand
from processes.planning.stockouts import stockout_days
from sheets.tabs import FORECAST_RUNS, ORDER_LINES, ORDERS, STOCK_MOVES

from .figures import Figure, Period, mean

Tables = Mapping[str, pd.DataFrame]
#: The products listed under stock-outs, most days first.
TOP_STOCKOUTS = 10


@dataclass(frozen=True)
class AccuracyPoint:
    at: datetime
    accuracy: float | None  # backtest WAPE of the chosen methods
    baseline: float | None  # backtest WAPE of the seasonal-naive baseline
    realised: float | None  # the previous forecast against what sold


@dataclass(frozen=True)
class StockoutLine:
    sku: str
    location_id: str
    days: int
    units: float  # asked for on those days


@dataclass(frozen=True)
class PlanningFigures:
    accuracy: Figure  # mean backtest WAPE of the runs in the period (share: lower is better)
    realised: Figure  # mean realised WAPE
    stockout_days: Figure
    points: list[AccuracyPoint]  # every run in the period, oldest first
    stockouts: list[StockoutLine]


def planning_figures(tables: Tables, period: Period) -> PlanningFigures:
    runs = _frame(tables, FORECAST_RUNS.name)
    in_period = runs[period.holds(runs["run_at"])] if len(runs) else runs

    def average(column: str):
        def measure(span: Period) -> float | None:
            if not len(runs):
                return None
            return mean(runs.loc[span.holds(runs["run_at"]), column].dropna())

        return measure

    outs = _stockouts(tables, period)
    before = _stockouts(tables, period.previous())
    return PlanningFigures(
        accuracy=Figure(average("accuracy")(period), average("accuracy")(period.previous()), "share"),
        realised=Figure(
            average("realised_error")(period), average("realised_error")(period.previous()), "share"
        ),
        stockout_days=Figure(
            float(len(outs)),
            float(len(before)),
            "count",
            ngettext(
                "{count} product at a location",
                "{count} products at a location",
                outs[["sku", "location_id"]].drop_duplicates().shape[0],
            )
            if len(outs)
            else "",
        ),
        points=[
            AccuracyPoint(
                row.run_at, _value(row.accuracy), _value(row.baseline_accuracy), _value(row.realised_error)
            )
            for row in in_period.sort_values("run_at").itertuples(index=False)
        ]
        if len(in_period)
        else [],
        stockouts=_top(outs),
    )


def _stockouts(tables: Tables, period: Period) -> pd.DataFrame:
    orders, lines, moves = (
        _frame(tables, name) for name in (ORDERS.name, ORDER_LINES.name, STOCK_MOVES.name)
    )
    if not len(orders) or not len(lines):
        return pd.DataFrame(columns=["sku", "location_id", "day", "units"])
    demand = daily_demand(orders, lines, period.ends.date())
    return stockout_days(moves, demand, period.start, period.ends.date())


def _top(outs: pd.DataFrame) -> list[StockoutLine]:
    if not len(outs):
        return []
    grouped = outs.groupby(["sku", "location_id"]).agg(days=("day", "size"), units=("units", "sum"))
    grouped = grouped.sort_values(["days", "units"], ascending=False).head(TOP_STOCKOUTS)
    return [
        StockoutLine(sku, location, int(row.days), float(row.units))
        for (sku, location), row in grouped.iterrows()
    ]


def _frame(tables: Tables, name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return pd.DataFrame() if frame is None else frame.reset_index(drop=True)


def _value(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
