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
    pairs = changes.index.droplevel("day").unique()
    if not len(pairs):
        return pd.DataFrame(columns=["sku", "location_id", "day", "opening", "closing"])
    # One row per (sku, location), one column per day: the running sum is the stock each day ends with.
    before_end = changes[changes.index.get_level_values("day") < last]
    per_day = (
        before_end.unstack("day", fill_value=0).reindex(index=pairs, columns=days, fill_value=0)
        if len(before_end)
        else pd.DataFrame(0, index=pairs, columns=days)
    )
    closing = per_day.cumsum(axis=1).to_numpy()
    shown = len(days) - 1
    return pd.DataFrame(
        {
            "sku": pairs.get_level_values("sku").repeat(shown),
            "location_id": pairs.get_level_values("location_id").repeat(shown),
            "day": list(days[1:]) * len(pairs),
            "opening": closing[:, :-1].reshape(-1),
            "closing": closing[:, 1:].reshape(-1),
        }
    )


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


def ledger_from(moves: pd.DataFrame, stock: pd.DataFrame, since: pd.Timestamp) -> pd.DataFrame:
    """The moves from `since` on, after one opening move per product and location: what it held before them.

    What it held is its `on_hand` in the Stock tab less the moves since: the sum of every
    move before, as long as the tab agrees with the ledger (the data checks see to that).
    The balances `daily_balances` builds from these from `since` on are those of the whole
    ledger, read from `since` on only.
    """
    made = pd.to_datetime(moves["at"], errors="coerce")
    recent = moves[(made >= since).to_numpy()]
    qty = pd.to_numeric(recent["qty"], errors="coerce").fillna(0)
    changes = pd.concat(
        [
            pd.DataFrame({"sku": recent["sku"], "location_id": recent["to_location"], "change": qty}),
            pd.DataFrame({"sku": recent["sku"], "location_id": recent["from_location"], "change": -qty}),
        ],
        ignore_index=True,
    ).dropna(subset=["sku", "location_id"])
    since_then = changes.groupby(["sku", "location_id"])["change"].sum()
    on_hand = pd.to_numeric(stock["on_hand"], errors="coerce").fillna(0)
    now = pd.Series(on_hand.to_numpy(), index=pd.MultiIndex.from_arrays([stock["sku"], stock["location_id"]]))
    now = now[now.index.get_level_values(0).notna() & now.index.get_level_values(1).notna()]
    now = now.groupby(level=[0, 1]).sum()
    before = now.sub(since_then, fill_value=0)
    opening = pd.DataFrame(
        {
            "at": since - pd.Timedelta(seconds=1),
            "sku": before.index.get_level_values(0),
            "from_location": pd.NA,
            "to_location": before.index.get_level_values(1),
            "qty": before.to_numpy(),
        }
    )
    return pd.concat(
        [opening, recent[["at", "sku", "from_location", "to_location", "qty"]]], ignore_index=True
    )
