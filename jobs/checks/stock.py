"""Stock: below minimum, above maximum, stocktake overdue, and the automatic purchase requests of the plan."""

from __future__ import annotations

import pandas as pd

from i18n import _, formatting
from processes.declarations import STOCK_HIGH, STOCK_LOW
from processes.inventory.procedures import STOCKTAKE_DUE
from processes.planning.policy import REQUESTED_STATES
from processes.procurement.procedures import AUTOMATIC, PURCHASE_REQUEST
from sheets.tabs import FORECAST, LOCATIONS, PRODUCTS, PURCHASE_REQUESTS, STOCK

from ..effects import CreateRecord, Effect, alert
from ..snapshot import Snapshot
from .common import names

#: Who the automatic purchase requests are from.
DEMAND_PLANNING = "demand planning"


def stock_frame(snapshot: Snapshot) -> pd.DataFrame:
    """Stock rows of active products at active locations, with available, minimum and maximum as ints."""
    df = snapshot.df(STOCK)
    frame = pd.DataFrame(
        {
            "sku": df["sku"].to_numpy(),
            "location_id": df["location_id"].to_numpy(),
            "available": (df["on_hand"].fillna(0) - df["reserved"].fillna(0)).astype("int64").to_numpy(),
            "min_qty": df["min_qty"].fillna(0).astype("int64").to_numpy(),
            "max_qty": df["max_qty"].fillna(0).astype("int64").to_numpy(),
            "last_counted_at": df["last_counted_at"].to_numpy(),
        }
    )
    inactive_products = _inactive(snapshot, PRODUCTS, "sku")
    inactive_locations = _inactive(snapshot, LOCATIONS, "location_id")
    keep = ~frame["sku"].isin(inactive_products) & ~frame["location_id"].isin(inactive_locations)
    return frame[keep]


def _inactive(snapshot: Snapshot, tab, key: str) -> list[str]:
    table = snapshot.table(tab)
    return [
        k for k, active in zip(table.columns[key], table.columns["active"], strict=True) if active is False
    ]


def below_min(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["available"] < frame["min_qty"]]


def above_max(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["max_qty"] > 0) & (frame["available"] > frame["max_qty"])]


def check_stock(snapshot: Snapshot) -> list[Effect]:
    frame = stock_frame(snapshot)
    products = names(snapshot.table(PRODUCTS), "sku")
    locations = names(snapshot.table(LOCATIONS), "location_id")
    effects: list[Effect] = []
    low = below_min(frame)
    if len(low):
        effects += _low_stock(snapshot, low, products, locations)
    for sku, location, available, maximum in above_max(frame)[
        ["sku", "location_id", "available", "max_qty"]
    ].itertuples(index=False):
        effects.append(
            alert(
                STOCK_HIGH.kind,
                f"{sku}@{location}",
                STOCK_HIGH.severity,
                _(
                    "{product}: {available} available at {location}, maximum {maximum}",
                    product=products.get(sku, sku),
                    available=available,
                    location=locations.get(location, location),
                    maximum=maximum,
                ),
                STOCK_HIGH.owner_role,
            )
        )
    effects += reorders(snapshot, locations)
    effects += _stocktakes(snapshot, frame, locations)
    return effects


def _low_stock(snapshot: Snapshot, low: pd.DataFrame, products, locations) -> list[Effect]:
    effects: list[Effect] = []
    for sku, location, available, minimum in low[["sku", "location_id", "available", "min_qty"]].itertuples(
        index=False
    ):
        effects.append(
            alert(
                STOCK_LOW.kind,
                f"{sku}@{location}",
                STOCK_LOW.severity,
                _(
                    "{name}: {available} available at {place}, minimum {minimum}",
                    name=products.get(sku, sku),
                    available=available,
                    place=locations.get(location, location),
                    minimum=minimum,
                ),
                STOCK_LOW.owner_role,
            )
        )
    return effects


def reorders(snapshot: Snapshot, locations: dict[str, str]) -> list[Effect]:
    """One automatic purchase request per product and location the plan says to buy for now.

    The plan leaves out what open requests already ask for, products marked
    do not reorder, and needs a person snoozed (its note says which).
    """
    plan = snapshot.df(FORECAST)
    due = plan[plan["suggested_qty"].fillna(0).gt(0) & plan["note"].isna()]
    return [
        _purchase_request(snapshot, row, locations.get(row.location_id, row.location_id))
        for row in due.itertuples(index=False)
    ]


def _purchase_request(snapshot: Snapshot, row, place: str) -> CreateRecord:
    if pd.isna(row.days_of_cover):
        cover = _("no sales forecast")
    else:
        cover = _("{days:.1f} days of cover", days=float(row.days_of_cover))
    return CreateRecord(
        PURCHASE_REQUESTS,
        {
            "created_at": snapshot.now,
            "requested_by": DEMAND_PLANNING,
            "department": "Purchasing",
            "sku": row.sku,
            "qty": int(row.suggested_qty),
            "reason": _(
                "Projected stock {projected} at {place} is at or below its reorder point {reorder_point} "
                "({cover}, lead time {lead} days)",
                projected=int(row.projected),
                place=place,
                reorder_point=int(row.reorder_point),
                cover=cover,
                lead=int(row.lead_time_days or 0),
            ),
            "location_id": row.location_id,
            "source": AUTOMATIC,
            "status": PURCHASE_REQUEST.start_states[0],
        },
        dedupe_key=f"stock.reorder:{row.sku}@{row.location_id}",
        match={"sku": (row.sku,), "location_id": (row.location_id,), "status": REQUESTED_STATES},
    )


def _stocktakes(snapshot: Snapshot, frame: pd.DataFrame, locations: dict[str, str]) -> list[Effect]:
    days = snapshot.setting(STOCKTAKE_DUE.setting)
    latest = frame.groupby("location_id")["last_counted_at"].max()
    cutoff = pd.Timestamp(snapshot.now) - pd.Timedelta(days=days)
    effects: list[Effect] = []
    for location, counted in latest.items():
        if pd.notna(counted) and counted > cutoff:
            continue
        when = (
            _("last counted {day}", day=formatting.when(counted.date()))
            if pd.notna(counted)
            else _("never counted")
        )
        effects.append(
            alert(
                STOCKTAKE_DUE.kind,
                location,
                STOCKTAKE_DUE.severity,
                _(
                    "{location}: {when}; a stocktake is due every {days} days",
                    location=locations.get(location, location),
                    when=when,
                    days=days,
                ),
                STOCKTAKE_DUE.owner_role,
            )
        )
    return effects
