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


def safety_stock(error_sd: float, lead_time: int, settings: Settings) -> float:
    return max(settings.z, 0.0) * max(error_sd, 0.0) * math.sqrt(max(lead_time, 0))


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
    latest = cancelled.sort_values("updated_at", kind="stable").groupby(["sku", "location_id"]).last()
    moves = frames[STOCK_MOVES.name]
    moves = moves[moves["reason"].isin(MOVES_THAT_LIFT_A_SNOOZE)]
    result = {}
    for (sku, location), row in latest.iterrows():
        since = row["updated_at"]
        here = moves[
            (moves["sku"] == sku)
            & ((moves["to_location"] == location) | (moves["from_location"] == location))
        ]
        if pd.isna(since) or not (here["at"] > since).any():
            result[sku, location] = row["cancel_reason"] if isinstance(row["cancel_reason"], str) else ""
    return result


@dataclass(frozen=True)
class Line:
    """The plan for one product at one location."""

    sku: str
    location_id: str
    daily_demand: float
    demand_over_lead_time: float
    error_sd: float
    lead_time_days: int
    safety_stock: float
    reorder_point: int
    order_up_to: int
    projected: int
    requested: int  # on open purchase requests
    days_of_cover: float | None
    suggested_qty: int  # to buy now
    transfer_from: str = ""
    transfer_qty: int = 0
    do_not_reorder: bool = False
    snooze_reason: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.sku, self.location_id)

    @property
    def raises_request(self) -> bool:
        """Whether the automatic purchase request is due for this line."""
        return self.suggested_qty > 0 and not self.do_not_reorder and self.snooze_reason is None


def plan(frames: Frames, settings: Settings) -> list[Line]:
    """The plan for every active product at every active location it is stocked or forecast at."""
    products = frames[PRODUCTS.name].drop_duplicates("sku").set_index("sku", drop=False)
    inactive_products = set(products.index[products["active"].eq(False)])
    locations = frames[LOCATIONS.name]
    inactive_locations = set(locations.loc[locations["active"].eq(False), "location_id"])
    forecast = frames[FORECAST.name].drop_duplicates(["sku", "location_id"]).set_index(["sku", "location_id"])
    stock = projected_stock(frames)
    limits = frames[STOCK.name].drop_duplicates(["sku", "location_id"]).set_index(["sku", "location_id"])
    requested = requested_quantities(frames)
    snoozed = snoozes(frames)
    leads = lead_times(frames, settings.default_lead_time)
    pairs = sorted(
        pair
        for pair in {*stock.index, *forecast.index}
        if pair[0] not in inactive_products and pair[1] not in inactive_locations
    )
    lines = []
    for sku, location in pairs:
        row = forecast.loc[(sku, location)] if (sku, location) in forecast.index else None
        lead = leads.get(sku, settings.default_lead_time)
        lines.append(
            _line(
                sku,
                location,
                row,
                int(stock.at[(sku, location), "projected"]) if (sku, location) in stock.index else 0,
                _limit(limits, sku, location, "min_qty"),
                _limit(limits, sku, location, "max_qty"),
                int(requested.get((sku, location), 0)),
                lead,
                settings,
            )
        )
    lines = _with_transfers(lines, settings)
    unknown = pd.Series({"do_not_reorder": None, "min_order_qty": None, "pack_size": None})
    return [
        _decide(
            line, products.loc[line.sku] if line.sku in products.index else unknown, snoozed.get(line.key)
        )
        for line in lines
    ]


def _limit(limits: pd.DataFrame, sku: str, location: str, column: str) -> int:
    if (sku, location) not in limits.index:
        return 0
    value = limits.at[(sku, location), column]
    return 0 if pd.isna(value) else int(value)


def _number(row: pd.Series | None, column: str) -> float:
    if row is None:
        return 0.0
    value = row[column]
    return 0.0 if pd.isna(value) else float(value)


def _line(
    sku: str,
    location: str,
    row: pd.Series | None,
    projected: int,
    minimum: int,
    maximum: int,
    requested: int,
    lead: int,
    settings: Settings,
) -> Line:
    daily = _number(row, "daily_demand")
    if row is not None and not pd.isna(row["lead_time_days"]):
        lead = int(row["lead_time_days"])  # the lead time the forecast was summed over
    over_lead = _number(row, "demand_over_lead_time")
    error_sd = _number(row, "error_sd")
    safety = safety_stock(error_sd, lead, settings)
    reorder_point = max(math.ceil(over_lead + safety), minimum)
    if daily > 0:
        target = math.ceil(over_lead + daily * settings.review_days + safety)
        if maximum:
            target = min(target, maximum)
    else:
        target = maximum or minimum
    return Line(
        sku=sku,
        location_id=location,
        daily_demand=daily,
        demand_over_lead_time=over_lead,
        error_sd=error_sd,
        lead_time_days=lead,
        safety_stock=safety,
        reorder_point=reorder_point,
        order_up_to=max(target, reorder_point),
        projected=projected,
        requested=requested,
        days_of_cover=projected / daily if daily > 0 else None,
        suggested_qty=0,
    )


def _with_transfers(lines: list[Line], settings: Settings) -> list[Line]:
    """Lines short of cover take stock from locations with more than they need, neediest first."""
    spare: dict[str, dict[str, int]] = {}
    for line in lines:
        needed = math.ceil(
            line.daily_demand * (line.lead_time_days + settings.review_days) + line.safety_stock
        )
        if line.projected > needed:
            spare.setdefault(line.sku, {})[line.location_id] = line.projected - needed
    short = sorted(
        (
            line
            for line in lines
            if line.days_of_cover is not None and line.days_of_cover < line.lead_time_days
        ),
        key=lambda line: (line.days_of_cover, line.sku, line.location_id),
    )
    moved: dict[tuple[str, str], tuple[str, int]] = {}
    for line in short:
        sources = {
            place: units for place, units in spare.get(line.sku, {}).items() if place != line.location_id
        }
        if not sources:
            continue
        source = max(sources, key=lambda place: (sources[place], place))
        qty = min(sources[source], line.order_up_to - line.projected)
        if qty > 0:
            moved[line.sku, line.location_id] = (source, qty)
            spare[line.sku][source] -= qty
    return [
        _moved(line, *moved[line.sku, line.location_id]) if (line.sku, line.location_id) in moved else line
        for line in lines
    ]


def _moved(line: Line, source: str, qty: int) -> Line:
    return Line(**{**line.__dict__, "transfer_from": source, "transfer_qty": qty})


def _decide(line: Line, product: pd.Series, snooze_reason: str | None) -> Line:
    """What to buy, and the note that says why nothing is bought when nothing is."""
    values = dict(line.__dict__)
    if bool(product["do_not_reorder"]) if not pd.isna(product["do_not_reorder"]) else False:
        return Line(**{**values, "do_not_reorder": True})
    need = 0
    if line.projected <= line.reorder_point:
        need = line.order_up_to - line.projected - line.transfer_qty - line.requested
    values["suggested_qty"] = _rounded(need, product) if need > 0 else 0
    if snooze_reason is not None and values["suggested_qty"]:
        values["snooze_reason"] = snooze_reason
    return Line(**values)


def _rounded(qty: int, product: pd.Series) -> int:
    """`qty` raised to the minimum order quantity, then up to a whole number of packs."""
    minimum = product["min_order_qty"]
    if not pd.isna(minimum) and minimum > qty:
        qty = int(minimum)
    pack = product["pack_size"]
    if not pd.isna(pack) and pack > 1:
        qty = int(math.ceil(qty / pack) * pack)
    return int(qty)


def note_of(line: Line) -> str | None:
    """Why nothing is bought for `line`, in the language in force (the sheet's, in the jobs)."""
    if line.do_not_reorder:
        return _(DO_NOT_REORDER)
    if line.snooze_reason is not None:
        return _("snoozed: {reason}", reason=line.snooze_reason) if line.snooze_reason else _(SNOOZED)
    return None


def plan_values(line: Line) -> dict[str, Any]:
    """The stock columns of `line`'s Forecast row (the forecast's own columns come from the forecast)."""
    return {
        "safety_stock": round(line.safety_stock, 1),
        "reorder_point": line.reorder_point,
        "suggested_qty": line.suggested_qty,
        "days_of_cover": None if line.days_of_cover is None else round(line.days_of_cover, 1),
        "projected": line.projected,
        "transfer_from": line.transfer_from or None,
        "transfer_qty": line.transfer_qty or None,
        "note": note_of(line),
    }
