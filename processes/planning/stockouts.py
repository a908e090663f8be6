"""Stock-outs: days on which a product was asked for at a location that had none of it.

The stock a location held on each day is rebuilt from the Stock Moves ledger
(every change of stock is one row). A stock-out day is a day with demand for
the product there that began with none of it in stock (a day that ends at 0
because the last units were sold is not one: those customers were served).
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def daily_balances(moves: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Stock per (sku, location_id) at the end of each day from `start` to `end` (exclusive), and before `start`.

    Columns: sku, location_id, day, opening (stock at the start of the day), closing.
    """
    if not len(moves):
        return pd.DataFrame(columns=["sku", "location_id", "day", "opening", "closing"])
    qty = moves["qty"].fillna(0)
    entries = pd.concat(
        [
            pd.DataFrame(
                {"sku": moves["sku"], "location_id": moves["to_location"], "at": moves["at"], "change": qty}
            ),
            pd.DataFrame(
                {
                    "sku": moves["sku"],
                    "location_id": moves["from_location"],
                    "at": moves["at"],
                    "change": -qty,
                }
            ),
        ],
        ignore_index=True,
    )
    entries = entries[entries["location_id"].notna() & entries["sku"].notna() & entries["at"].notna()]
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    entries["day"] = entries["at"].dt.normalize().clip(lower=first - pd.Timedelta(days=1))
    changes = entries.groupby(["sku", "location_id", "day"])["change"].sum()
    days = pd.date_range(first - pd.Timedelta(days=1), last - pd.Timedelta(days=1), freq="D")
    frames = []
    for (sku, location), per_day in changes.groupby(level=[0, 1]):
        per_day = per_day.droplevel([0, 1])
        per_day = per_day[per_day.index < last]
        closing = per_day.reindex(days, fill_value=0).cumsum()
        frame = pd.DataFrame(
            {"day": days[1:], "opening": closing.to_numpy()[:-1], "closing": closing.to_numpy()[1:]}
        )
        frame.insert(0, "location_id", location)
        frame.insert(0, "sku", sku)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["sku", "location_id", "day", "opening", "closing"])
    return pd.concat(frames, ignore_index=True)


def stockout_days(moves: pd.DataFrame, demand: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The stock-out days from `start` to `end` (exclusive): `sku, location_id, day, units` asked for.

    `demand` is processes.planning.demand.daily_demand's frame.
    """
    wanted = demand[(demand["day"] >= pd.Timestamp(start)) & (demand["day"] < pd.Timestamp(end))]
    wanted = wanted[wanted["units"] > 0]
    if not len(wanted):
        return wanted.iloc[0:0]
    balances = daily_balances(moves, start, end)
    joined = wanted.merge(balances, on=["sku", "location_id", "day"], how="left")
    empty = pd.to_numeric(joined["opening"], errors="coerce").fillna(0).le(0)
    return joined.loc[empty, ["sku", "location_id", "day", "units"]].reset_index(drop=True)
