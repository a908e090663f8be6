"""Demand: units ordered per product, per location, per day, from the order history in the sheet.

An order counts on the day it was created, at the location it ships from,
unless it was cancelled. A day without orders is a day of zero demand, from
the first day a product sold at a location up to yesterday (today is not over).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from processes.orders.procedure import ORDER
from processes.procedure import ABANDONED

#: The longest history a forecast looks at: a year shows every season once.
HISTORY_DAYS = 365
COLUMNS = ("sku", "location_id", "day", "units")


def daily_demand(orders: pd.DataFrame, lines: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per product, location and day with demand: `sku, location_id, day, units`.

    Only days before `today` and within HISTORY_DAYS of it count; lines of an
    order without a location, or of a cancelled order, do not.
    """
    first = pd.Timestamp(today - timedelta(days=HISTORY_DAYS))
    last = pd.Timestamp(today)
    placed = orders[~orders["status"].isin(ORDER.group(ABANDONED))]
    placed = placed[placed["location_id"].notna() & placed["created_at"].notna()]
    placed = placed[(placed["created_at"] >= first) & (placed["created_at"] < last)]
    days = placed["created_at"].dt.normalize()
    where = pd.DataFrame(
        {"location_id": placed["location_id"].to_numpy(), "day": days.to_numpy()},
        index=placed["order_id"].to_numpy(),
    )
    joined = lines[["order_id", "sku", "qty"]].join(where, on="order_id", how="inner")
    joined = joined[joined["sku"].notna() & (joined["qty"].fillna(0) > 0)]
    grouped = joined.groupby(["sku", "location_id", "day"], sort=True)["qty"].sum()
    result = grouped.reset_index().rename(columns={"qty": "units"})
    result["units"] = result["units"].astype("float64")
    return result[list(COLUMNS)]


def dense_series(demand: pd.DataFrame, today: date) -> pd.DataFrame:
    """Every day from each series' first sale to yesterday, zero where nothing sold: `unique_id, ds, y`.

    `unique_id` is "sku@location_id".
    """
    if not len(demand):
        return pd.DataFrame({"unique_id": [], "ds": pd.to_datetime([]), "y": []})
    yesterday = pd.Timestamp(today) - pd.Timedelta(days=1)
    frames = []
    for (sku, location), rows in demand.groupby(["sku", "location_id"], sort=True):
        index = pd.date_range(rows["day"].min(), yesterday, freq="D")
        units = rows.set_index("day")["units"].reindex(index, fill_value=0.0)
        frames.append(
            pd.DataFrame({"unique_id": series_id(sku, location), "ds": index, "y": units.to_numpy()})
        )
    return pd.concat(frames, ignore_index=True)


def series_id(sku: str, location_id: str) -> str:
    return f"{sku}@{location_id}"


def split_series_id(unique_id: str) -> tuple[str, str]:
    sku, _, location = unique_id.rpartition("@")
    return sku, location
