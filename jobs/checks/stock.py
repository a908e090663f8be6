"""Stock: below minimum (an alert and one automatic purchase request), above maximum, stocktake overdue."""

from __future__ import annotations

import pandas as pd

from i18n import _, formatting
from processes.declarations import STOCK_HIGH, STOCK_LOW
from processes.inventory.procedures import STOCKTAKE_DUE
from processes.procurement.procedures import OPEN_ORDER_STATES, PURCHASE_REQUEST
from sheets.tabs import LOCATIONS, PRODUCTS, PURCHASE_ORDERS, PURCHASE_REQUESTS, RECEIPTS, STOCK

from ..effects import CreateRecord, Effect, alert
from ..snapshot import Snapshot
from .common import names

#: Who the automatic purchase requests are from.
LOW_STOCK_CHECK = "low-stock check"
#: Request states whose quantity is still to be ordered (an ordered one counts through its purchase order).
REQUESTED_STATES = PURCHASE_REQUEST.group("choosing")


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
    effects += _stocktakes(snapshot, frame, locations)
    return effects


def _low_stock(snapshot: Snapshot, low: pd.DataFrame, products, locations) -> list[Effect]:
    requested = _requested(snapshot)
    incoming = incoming_quantities(snapshot)
    effects: list[Effect] = []
    for sku, location, available, minimum, maximum in low[
        ["sku", "location_id", "available", "min_qty", "max_qty"]
    ].itertuples(index=False):
        name, place = products.get(sku, sku), locations.get(location, location)
        effects.append(
            alert(
                STOCK_LOW.kind,
                f"{sku}@{location}",
                STOCK_LOW.severity,
                _(
                    "{name}: {available} available at {place}, minimum {minimum}",
                    name=name,
                    available=available,
                    place=place,
                    minimum=minimum,
                ),
                STOCK_LOW.owner_role,
            )
        )
        short = max(maximum, minimum) - available - requested.get((sku, location), 0)
        short -= incoming.get((sku, location), 0)
        if short > 0:
            effects.append(_purchase_request(snapshot, sku, location, int(short), available, minimum, place))
    return effects


def _purchase_request(snapshot, sku, location, qty, available, minimum, place) -> CreateRecord:
    return CreateRecord(
        PURCHASE_REQUESTS,
        {
            "created_at": snapshot.now,
            "requested_by": LOW_STOCK_CHECK,
            "department": "Purchasing",
            "sku": sku,
            "qty": qty,
            "reason": f"Available {available} below minimum {minimum} at {place}",
            "location_id": location,
            "source": "auto",
            "status": PURCHASE_REQUEST.start_states[0],
        },
        dedupe_key=f"stock.reorder:{sku}@{location}",
        match={"sku": (sku,), "location_id": (location,), "status": REQUESTED_STATES},
    )


def _requested(snapshot: Snapshot) -> dict[tuple[str, str], int]:
    """Per (sku, location): quantity on purchase requests not yet ordered."""
    df = snapshot.df(PURCHASE_REQUESTS)
    open_requests = df[df["status"].isin(REQUESTED_STATES)]
    return open_requests.groupby(["sku", "location_id"])["qty"].sum().astype(int).to_dict()


def incoming_quantities(snapshot: Snapshot) -> dict[tuple[str, str], int]:
    """Per (sku, location): ordered on purchase orders not finished or cancelled, less what was received."""
    orders = snapshot.df(PURCHASE_ORDERS)
    orders = orders[orders["status"].isin(OPEN_ORDER_STATES)]
    if not len(orders):
        return {}
    receipts = snapshot.df(RECEIPTS)
    received = receipts.groupby("po_id")["qty_received"].sum()
    outstanding = (orders["qty"].fillna(0) - orders["po_id"].map(received).fillna(0)).clip(lower=0)
    frame = pd.DataFrame(
        {"sku": orders["sku"], "location_id": orders["location_id"], "outstanding": outstanding}
    )
    return frame.groupby(["sku", "location_id"])["outstanding"].sum().astype(int).to_dict()


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
