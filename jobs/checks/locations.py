"""Locations: a product below minimum at one location while above maximum at another suggests a transfer."""

from __future__ import annotations

from i18n import _
from processes.declarations import TRANSFER_SUGGESTED
from processes.inventory.procedures import TRANSFER
from sheets.tabs import LOCATIONS, PRODUCTS, TRANSFERS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import names
from .stock import above_max, below_min, stock_frame

#: Transfer states in which stock is already on its way.
MOVING_STATES = TRANSFER.group("open")


def check_locations(snapshot: Snapshot) -> list[Effect]:
    frame = stock_frame(snapshot)
    low = below_min(frame)
    if not len(low):
        return []
    surplus: dict[str, list[tuple[int, str]]] = {}
    for sku, location, available, maximum in above_max(frame)[
        ["sku", "location_id", "available", "max_qty"]
    ].itertuples(index=False):
        surplus.setdefault(sku, []).append((int(available - maximum), location))
    transfers = snapshot.df(TRANSFERS)
    moving = set(
        zip(
            transfers.loc[transfers["status"].isin(MOVING_STATES), "sku"],
            transfers.loc[transfers["status"].isin(MOVING_STATES), "to_location"],
            strict=True,
        )
    )
    products = names(snapshot.table(PRODUCTS), "sku")
    locations = names(snapshot.table(LOCATIONS), "location_id")
    effects: list[Effect] = []
    for sku, location, available, minimum, maximum in low[
        ["sku", "location_id", "available", "min_qty", "max_qty"]
    ].itertuples(index=False):
        sources = [item for item in surplus.get(sku, []) if item[1] != location]
        if not sources or (sku, location) in moving:
            continue
        spare, source = max(sources)
        qty = min(spare, max(maximum, minimum) - available)
        effects.append(
            alert(
                TRANSFER_SUGGESTED.kind,
                f"{sku}@{location}",
                TRANSFER_SUGGESTED.severity,
                _(
                    "{product}: {available} available at {location} (minimum {minimum}) while {source} holds "
                    "{spare} above its maximum; transfer {qty}",
                    product=products.get(sku, sku),
                    available=available,
                    location=locations.get(location, location),
                    minimum=minimum,
                    source=locations.get(source, source),
                    spare=spare,
                    qty=qty,
                ),
                TRANSFER_SUGGESTED.owner_role,
            )
        )
    return effects
