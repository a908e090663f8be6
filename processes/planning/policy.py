"""Stock decisions from the forecast: reorder points, what to buy, what to move between locations.

For each product at each location, with L its lead time and R the review period:

- projected stock = on hand - reserved + still to arrive on open purchase
  orders + transfers on their way in - transfers requested out;
- safety stock = z x (standard deviation of the daily forecast error) x sqrt(L),
  z from the service level (95% -> 1.64);
- reorder point = demand forecast over L + safety stock, and never below the
  row's min_qty (a manager's floor);
- order-up-to level = demand over L + R + safety stock, capped by max_qty when
  one is set; with no demand forecast at all it is the row's own max_qty (or
  min_qty), as before demand planning;
- days of cover = projected stock / forecast daily demand.

A location whose cover is below its lead time takes from another location
whose projected stock is more than it needs over its own lead time and
review period: moving stock the company already holds comes before buying.
A purchase is suggested when projected stock is at or below the reorder
point, for the order-up-to level less the projected stock, the transfer and
what open requests already ask for, rounded up to the product's minimum order
quantity and pack size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from i18n import N_, _
from processes.inventory.procedures import TRANSFER
from processes.procedure import EDITABLE
from processes.procurement.procedures import AUTOMATIC, PURCHASE_ORDER, PURCHASE_REQUEST
from sheets.tabs import (
    FORECAST,
    LOCATIONS,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    RECEIPTS,
    STOCK,
    STOCK_MOVES,
    SUPPLIERS,
    TRANSFERS,
)

#: Request states whose quantity is still to be ordered (an ordered one counts through its purchase order).
REQUESTED_STATES = PURCHASE_REQUEST.group("choosing")
CANCELLED = PURCHASE_REQUEST.transition("cancel").target
#: Transfer states in which the goods count for the destination: requested or on the road.
ON_THEIR_WAY = TRANSFER.group("open")
#: Stock moves that show someone changed the stock picture (a sale does not lift a snooze).
MOVES_THAT_LIFT_A_SNOOZE = ("receipt", "transfer", "adjustment", "return")
#: The tabs the plan is worked out from.
PLAN_TABS = (
    PRODUCTS,
    LOCATIONS,
    SUPPLIERS,
    STOCK,
    STOCK_MOVES,
    PURCHASE_ORDERS,
    RECEIPTS,
    PURCHASE_REQUESTS,
    TRANSFERS,
    FORECAST,
)
#: Notes that say why nothing is bought.
DO_NOT_REORDER = N_("do not reorder")
SNOOZED = N_("snoozed")

Frames = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Settings:
    service_level: float  # percent
    review_days: int
    default_lead_time: int

    @property
    def z(self) -> float:
        return NormalDist().inv_cdf(self.service_level / 100)

    @classmethod
    def of(cls, settings: Mapping[str, Any]) -> Settings:
        return cls(
            float(settings["service_level_percent"]),
            int(settings["review_period_days"]),
            int(settings["default_lead_time_days"]),
        )


def lead_times(frames: Frames, default: int) -> dict[str, int]:
    """Days from ordering to receiving, per product.

    The product's usual supplier (Products.supplier_id), else the supplier of
    its latest purchase order, else `default`; a supplier without a lead time
    counts as `default`.
    """
    suppliers = frames[SUPPLIERS.name]
    by_supplier = dict(zip(suppliers["supplier_id"], suppliers["lead_time_days"], strict=True))
    orders = frames[PURCHASE_ORDERS.name]
    latest = orders.sort_values("po_id", kind="stable").groupby("sku")["supplier_id"].last().to_dict()
    result = {}
    for sku, supplier in zip(frames[PRODUCTS.name]["sku"], frames[PRODUCTS.name]["supplier_id"], strict=True):
        chosen = supplier if isinstance(supplier, str) and supplier in by_supplier else latest.get(sku)
        days = by_supplier.get(chosen)
        result[sku] = int(days) if days is not None and not pd.isna(days) and days > 0 else default
    return result


def safety_stock(error_sd, lead_time, settings: Settings):
    """z x (standard deviation of the daily forecast error) x sqrt(lead time): for numbers or columns."""
    return max(settings.z, 0.0) * np.clip(error_sd, 0.0, None) * np.sqrt(np.maximum(lead_time, 0))


def projected_stock(frames: Frames) -> pd.DataFrame:
    """Per (sku, location_id): on_hand, reserved, incoming (orders), transfers in and out, projected."""
    stock = frames[STOCK.name][["sku", "location_id", "on_hand", "reserved"]].copy()
    stock[["on_hand", "reserved"]] = stock[["on_hand", "reserved"]].fillna(0)
    stock = stock.groupby(["sku", "location_id"], sort=False)[["on_hand", "reserved"]].sum()
    parts = [stock, _incoming(frames).rename("incoming")]
    transfers = frames[TRANSFERS.name]
    moving = transfers[transfers["status"].isin(ON_THEIR_WAY)]
    parts.append(_total(moving, "to_location", "transfers_in"))
    requested = transfers[transfers["status"].isin(TRANSFER.group(EDITABLE))]
    parts.append(_total(requested, "from_location", "transfers_out"))
    frame = pd.concat(parts, axis=1).fillna(0).astype("int64")
    frame["projected"] = (
        frame["on_hand"]
        - frame["reserved"]
        + frame["incoming"]
        + frame["transfers_in"]
        - frame["transfers_out"]
    )
    frame.index.names = ["sku", "location_id"]
    return frame


def _total(transfers: pd.DataFrame, location: str, name: str) -> pd.Series:
    frame = transfers.rename(columns={location: "location_id"})
    return frame.groupby(["sku", "location_id"])["qty"].sum().rename(name)


def _incoming(frames: Frames) -> pd.Series:
    """Ordered on purchase orders still to arrive, less what was received, per (sku, location)."""
    orders = frames[PURCHASE_ORDERS.name]
    orders = orders[orders["status"].isin(PURCHASE_ORDER.group("incoming"))]
    received = frames[RECEIPTS.name].groupby("po_id")["qty_received"].sum()
    outstanding = (orders["qty"].fillna(0) - orders["po_id"].map(received).fillna(0)).clip(lower=0)
    frame = pd.DataFrame(
        {"sku": orders["sku"], "location_id": orders["location_id"], "outstanding": outstanding}
    )
    return frame.groupby(["sku", "location_id"])["outstanding"].sum()


def requested_quantities(frames: Frames) -> pd.Series:
    """Per (sku, location_id): quantity on purchase requests not yet ordered."""
    requests = frames[PURCHASE_REQUESTS.name]
    still = requests[requests["status"].isin(REQUESTED_STATES)]
    return still.groupby(["sku", "location_id"])["qty"].sum()


def snoozes(frames: Frames) -> dict[tuple[str, str], str]:
    """Needs a person snoozed by cancelling an automatic request, with their reason.

    A snooze holds until stock moves at that location other than by a sale:
    a receipt, a transfer, a count adjustment or a return.
    """
    requests = frames[PURCHASE_REQUESTS.name]
    cancelled = requests[(requests["source"] == AUTOMATIC) & (requests["status"] == CANCELLED)]
    if not len(cancelled):
        return {}
    ordered = cancelled.sort_values("updated_at", kind="stable", na_position="first")
    latest = ordered.drop_duplicates(["sku", "location_id"], keep="last").set_index(["sku", "location_id"])
    moved = _last_lifting_move(frames[STOCK_MOVES.name]).reindex(latest.index)
    still = latest["updated_at"].isna() | moved.isna() | (moved <= latest["updated_at"])
    reasons = latest.loc[still, "cancel_reason"]
    return {pair: reason if isinstance(reason, str) else "" for pair, reason in reasons.items()}


def _last_lifting_move(moves: pd.DataFrame) -> pd.Series:
    """Per (sku, location_id): when stock last moved there other than by a sale."""
    lifting = moves[moves["reason"].isin(MOVES_THAT_LIFT_A_SNOOZE)]
    ends = pd.concat(
        [
            lifting[["sku", "to_location", "at"]].rename(columns={"to_location": "location_id"}),
            lifting[["sku", "from_location", "at"]].rename(columns={"from_location": "location_id"}),
        ]
    ).dropna(subset=["location_id"])
    return ends.groupby(["sku", "location_id"])["at"].max()


#: The columns of a plan, one row per product and location (indexed by sku, location_id).
PLAN_COLUMNS = (
    "daily_demand",
    "demand_over_lead_time",
    "error_sd",
    "lead_time_days",
    "safety_stock",
    "reorder_point",
    "order_up_to",
    "projected",
    "requested",
    "days_of_cover",
    "suggested_qty",
    "transfer_from",
    "transfer_qty",
    "do_not_reorder",
    "snooze_reason",
)


def plan(frames: Frames, settings: Settings) -> pd.DataFrame:
    """The plan for every active product at every active location it is stocked or forecast at.

    Worked out column by column (the cycle does it every cycle, over every Stock row);
    only the transfers go line by line, and only for locations short of cover.
    """
    forecast = frames[FORECAST.name].drop_duplicates(["sku", "location_id"]).set_index(["sku", "location_id"])
    stock = projected_stock(frames)
    pairs = _active_pairs(frames, stock.index.union(forecast.index))
    frame = pd.DataFrame(index=pairs)
    for column in ("daily_demand", "demand_over_lead_time", "error_sd"):
        frame[column] = _numbers(forecast, column, pairs)
    leads = lead_times(frames, settings.default_lead_time)
    planned_lead = pd.to_numeric(forecast["lead_time_days"], errors="coerce").reindex(pairs)
    by_product = (
        pd.Series(pairs.get_level_values(0), index=pairs).map(leads).fillna(settings.default_lead_time)
    )
    frame["lead_time_days"] = planned_lead.fillna(by_product).astype("int64")  # what the forecast summed over
    frame["projected"] = stock["projected"].reindex(pairs).fillna(0).astype("int64")
    limits = frames[STOCK.name].drop_duplicates(["sku", "location_id"]).set_index(["sku", "location_id"])
    minimum, maximum = (_numbers(limits, column, pairs).astype("int64") for column in ("min_qty", "max_qty"))
    frame["requested"] = requested_quantities(frames).reindex(pairs).fillna(0).astype("int64")
    _levels(frame, minimum, maximum, settings)
    frame["transfer_from"], frame["transfer_qty"] = _transfers(frame, settings)
    _purchases(frame, frames[PRODUCTS.name], snoozes(frames))
    return frame[list(PLAN_COLUMNS)]


def _active_pairs(frames: Frames, pairs: pd.MultiIndex) -> pd.MultiIndex:
    products, locations = frames[PRODUCTS.name], frames[LOCATIONS.name]
    inactive_products = set(products.loc[products["active"].eq(False), "sku"])
    inactive_locations = set(locations.loc[locations["active"].eq(False), "location_id"])
    keep = ~pairs.get_level_values(0).isin(inactive_products) & ~pairs.get_level_values(1).isin(
        inactive_locations
    )
    return pd.MultiIndex.from_tuples(sorted(pairs[keep]), names=["sku", "location_id"])


def _numbers(frame: pd.DataFrame, column: str, pairs: pd.MultiIndex) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce").reindex(pairs).fillna(0).astype("float64")


def _levels(frame: pd.DataFrame, minimum: pd.Series, maximum: pd.Series, settings: Settings) -> None:
    """Safety stock, reorder point, order-up-to level and days of cover, from the forecast and the row's limits."""
    daily, over_lead = frame["daily_demand"], frame["demand_over_lead_time"]
    frame["safety_stock"] = safety_stock(frame["error_sd"], frame["lead_time_days"], settings)
    frame["reorder_point"] = np.maximum(np.ceil(over_lead + frame["safety_stock"]), minimum).astype("int64")
    forecast_target = np.ceil(over_lead + daily * settings.review_days + frame["safety_stock"])
    forecast_target = forecast_target.where(maximum.eq(0), np.minimum(forecast_target, maximum))
    own_levels = maximum.where(maximum.gt(0), minimum)  # no demand forecast: the row's own levels
    target = forecast_target.where(daily.gt(0), own_levels)
    frame["order_up_to"] = np.maximum(target, frame["reorder_point"]).astype("int64")
    frame["days_of_cover"] = (frame["projected"] / daily).where(daily.gt(0))


def _transfers(frame: pd.DataFrame, settings: Settings) -> tuple[pd.Series, pd.Series]:
    """Locations short of cover take stock from locations with more than they need, neediest first."""
    needed = np.ceil(
        frame["daily_demand"] * (frame["lead_time_days"] + settings.review_days) + frame["safety_stock"]
    )
    spare_rows = frame.index[frame["projected"] > needed]
    spare: dict[str, dict[str, int]] = {}
    for (sku, location), units in (frame.loc[spare_rows, "projected"] - needed[spare_rows]).items():
        spare.setdefault(sku, {})[location] = int(units)
    sources = pd.Series(None, index=frame.index, dtype="object")
    quantities = pd.Series(0, index=frame.index, dtype="int64")
    short = frame[
        frame["days_of_cover"].lt(frame["lead_time_days"]) & frame.index.get_level_values(0).isin(spare)
    ]
    for (sku, location), line in short.sort_values("days_of_cover", kind="stable").iterrows():
        offers = {place: units for place, units in spare[sku].items() if place != location and units > 0}
        if not offers:
            continue
        source = max(offers, key=lambda place: (offers[place], place))
        qty = min(offers[source], int(line["order_up_to"] - line["projected"]))
        if qty > 0:
            sources[(sku, location)], quantities[(sku, location)] = source, qty
            spare[sku][source] -= qty
    return sources, quantities


def _purchases(frame: pd.DataFrame, products: pd.DataFrame, snoozed: Mapping[tuple[str, str], str]) -> None:
    """What to buy: at or below the reorder point, up to the order-up-to level, in whole packs."""
    products = products.drop_duplicates("sku").set_index("sku")
    skus = frame.index.get_level_values(0)
    never = products["do_not_reorder"].reindex(skus).fillna(False).astype(bool).to_numpy()
    need = frame["order_up_to"] - frame["projected"] - frame["transfer_qty"] - frame["requested"]
    need = need.where(frame["projected"].le(frame["reorder_point"]) & need.gt(0) & ~never, 0)
    minimum = pd.to_numeric(products["min_order_qty"], errors="coerce").reindex(skus).fillna(0).to_numpy()
    pack = (
        pd.to_numeric(products["pack_size"], errors="coerce").reindex(skus).fillna(1).clip(lower=1).to_numpy()
    )
    rounded = np.ceil(np.maximum(need, minimum) / pack) * pack
    frame["suggested_qty"] = np.where(need > 0, rounded, 0).astype("int64")
    frame["do_not_reorder"] = never
    reasons = pd.Series([snoozed.get(pair) for pair in frame.index], index=frame.index, dtype="object")
    frame["snooze_reason"] = reasons.where(frame["suggested_qty"].gt(0), None)


def note_of(row: Mapping[str, Any]) -> str | None:
    """Why nothing is bought for a plan row, in the language in force (the sheet's, in the jobs)."""
    if row["do_not_reorder"]:
        return _(DO_NOT_REORDER)
    reason = row["snooze_reason"]
    if reason is None or (isinstance(reason, float) and math.isnan(reason)):
        return None
    return _("snoozed: {reason}", reason=reason) if reason else _(SNOOZED)
