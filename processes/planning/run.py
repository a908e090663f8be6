"""One computation of the forecast: demand history -> forecast per series -> the Forecast tab's rows.

The jobs cycle calls `forecast_due` every cycle and `compute` at most once per
`forecast_interval_hours`; `stock_rows` then turns the forecast and the stock
as it is now into the rows of the Forecast tab, every cycle.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from sheets.tabs import FORECAST, LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK_MOVES

from .demand import daily_demand, dense_series
from .forecast import ForecastResult, SeriesForecast, forecast_all
from .policy import Frames, Settings, lead_times, note_of, plan
from .stockouts import stockout_days

log = logging.getLogger(__name__)

#: The longest horizon forecast: lead time plus review period beyond it are planned as their average.
MAX_HORIZON_DAYS = 180
#: The Forecast columns the forecast itself sets (the others follow the stock, every cycle).
FORECAST_COLUMNS = (
    "daily_demand",
    "demand_over_lead_time",
    "method",
    "accuracy",
    "history_days",
    "computed_at",
    "baseline_accuracy",
    "error_sd",
    "lead_time_days",
)
Pair = tuple[str, str]


def forecast_due(runs: pd.DataFrame, now: datetime, interval_hours: float) -> bool:
    """Whether the forecast should be computed again: no run in Forecast Runs for `interval_hours`.

    The runs, not the Forecast rows, say when it was last computed: a shop without sales
    history has no forecast rows, and must not be forecast again every cycle.
    """
    done = runs["run_at"].dropna()
    done = done[done <= pd.Timestamp(now)]  # a run stamped in the future (a typo) does not stop it
    return not len(done) or pd.Timestamp(now) - done.max() >= pd.Timedelta(hours=interval_hours)


@dataclass(frozen=True)
class Computed:
    """A computed forecast: the forecast columns per series, and the figures of the run."""

    rows: pd.DataFrame  # FORECAST_COLUMNS indexed by (sku, location_id)
    result: ForecastResult
    run: dict[str, Any]  # the Forecast Runs row


def compute(frames: Frames, settings: Settings, now: datetime) -> Computed:
    """Forecast every active product at every active location it sold at."""
    today = now.date()
    demand = daily_demand(frames[ORDERS.name], frames[ORDER_LINES.name], today)
    demand = demand[_active(demand, frames)]
    leads = lead_times(frames, settings.default_lead_time)
    horizon = min(
        max(leads.values(), default=settings.default_lead_time) + settings.review_days, MAX_HORIZON_DAYS
    )
    result = forecast_all(dense_series(demand, today), horizon)
    rows = forecast_frame(
        {
            (item.sku, item.location_id): forecast_values(
                item, leads.get(item.sku, settings.default_lead_time), settings, now
            )
            for item in result.series
        }
    )
    previous = frames[FORECAST.name]
    run = {
        "run_at": now,
        "series": len(result.series),
        "seconds": round(result.seconds, 2),
        "accuracy": _rounded(result.accuracy, 3),
        "baseline_accuracy": _rounded(result.baseline_accuracy, 3),
        "realised_error": _rounded(realised_error(previous, demand, today), 3),
        "stockout_days": _stockouts_since(previous, frames, demand, today),
    }
    log.info("forecast: %d series in %.1f s", len(result.series), result.seconds)
    return Computed(rows, result, run)


def forecast_values(item: SeriesForecast, lead: int, settings: Settings, now: datetime) -> dict[str, Any]:
    """The forecast columns of one series: rates over the lead time and the review period beyond it."""
    path = item.path
    span = lead + settings.review_days
    daily = float(path[:span].mean()) if len(path) else 0.0
    over_lead = float(path[:lead].sum()) if lead <= len(path) else daily * lead
    return {
        "daily_demand": round(daily, 3),
        "demand_over_lead_time": round(over_lead, 1),
        "method": item.method,
        "accuracy": _rounded(item.accuracy, 3),
        "history_days": item.history_days,
        "computed_at": now,
        "baseline_accuracy": _rounded(item.baseline_accuracy, 3),
        "error_sd": round(item.error_sd, 3),
        "lead_time_days": lead,
    }


def _active(demand: pd.DataFrame, frames: Frames) -> pd.Series:
    products, locations = frames[PRODUCTS.name], frames[LOCATIONS.name]
    inactive_products = set(products.loc[products["active"].eq(False), "sku"])
    inactive_locations = set(locations.loc[locations["active"].eq(False), "location_id"])
    return ~demand["sku"].isin(inactive_products) & ~demand["location_id"].isin(inactive_locations)


def realised_error(previous: pd.DataFrame, demand: pd.DataFrame, today: date) -> float | None:
    """The last forecast against what sold since it was made, over all its series (WAPE)."""
    made = previous.dropna(subset=["computed_at", "daily_demand"])
    if not len(made):
        return None
    since = made["computed_at"].min().normalize()
    days = (pd.Timestamp(today) - since).days
    if days < 1:
        return None
    sold = demand[demand["day"] >= since].groupby(["sku", "location_id"])["units"].sum()
    expected = made.set_index(["sku", "location_id"])["daily_demand"] * days
    both = pd.concat([sold.rename("sold"), expected.rename("expected")], axis=1).fillna(0)
    total = both["sold"].sum()
    return float((both["sold"] - both["expected"]).abs().sum() / total) if total else None


def _stockouts_since(previous: pd.DataFrame, frames: Frames, demand: pd.DataFrame, today: date) -> int:
    made = previous["computed_at"].dropna()
    start = made.min().date() if len(made) else today - timedelta(days=1)
    return len(stockout_days(frames[STOCK_MOVES.name], demand, start, today))


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def stock_rows(frames: Frames, forecast: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Every Forecast row as it should read now: the forecast's columns and the plan from stock as it is.

    `forecast` holds FORECAST_COLUMNS indexed by (sku, location_id), as `compute` or
    `forecast_columns_of` give them; the result has every column of the tab, same index.
    """
    planned = plan({**frames, FORECAST.name: forecast.reset_index()}, settings)
    rows = forecast.reindex(planned.index)
    rows["daily_demand"] = rows["daily_demand"].astype("float64").fillna(0.0)
    rows["demand_over_lead_time"] = rows["demand_over_lead_time"].astype("float64").fillna(0.0)
    rows["lead_time_days"] = planned["lead_time_days"]
    rows["safety_stock"] = planned["safety_stock"].round(1)
    rows["days_of_cover"] = planned["days_of_cover"].round(1)
    for column in ("reorder_point", "suggested_qty", "projected"):
        rows[column] = planned[column]
    rows["transfer_from"] = planned["transfer_from"]
    rows["transfer_qty"] = planned["transfer_qty"].where(planned["transfer_qty"].gt(0))
    flagged = planned[planned["do_not_reorder"] | planned["snooze_reason"].notna()]
    rows["note"] = pd.Series(
        {pair: note_of(line) for pair, line in flagged.iterrows()}, dtype="object"
    ).reindex(planned.index)
    rows["sku"] = planned.index.get_level_values(0)
    rows["location_id"] = planned.index.get_level_values(1)
    return rows[[column.name for column in FORECAST.columns]]


def forecast_frame(rows: Mapping[Pair, Mapping[str, Any]]) -> pd.DataFrame:
    """FORECAST_COLUMNS indexed by (sku, location_id), from one dict per series."""
    pairs = list(rows)
    index = pd.MultiIndex.from_arrays(
        [[sku for sku, _ in pairs], [location for _, location in pairs]], names=["sku", "location_id"]
    )
    return pd.DataFrame(list(rows.values()), index=index, columns=list(FORECAST_COLUMNS))


def forecast_columns_of(table_frame: pd.DataFrame) -> pd.DataFrame:
    """The forecast columns of the Forecast tab as it stands (the rows a computation wrote)."""
    made = table_frame[table_frame["computed_at"].notna()].drop_duplicates(["sku", "location_id"])
    return made.set_index(["sku", "location_id"])[list(FORECAST_COLUMNS)]
