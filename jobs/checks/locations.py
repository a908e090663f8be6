"""Locations: stock to move where a location will run out before a purchase could arrive.

The plan (jobs/planning.py, processes/planning/policy.py) has already matched
each location short of cover with one that has stock to spare; this check
says so, one alert per product and location, until the transfer is requested
(a requested transfer counts in the projected stock, and the suggestion goes).
"""

from __future__ import annotations

import pandas as pd

from i18n import _
from processes.declarations import TRANSFER_SUGGESTED
from sheets.tabs import FORECAST, LOCATIONS, PRODUCTS

from ..effects import Effect, alert
from ..snapshot import Snapshot
from .common import names


def check_locations(snapshot: Snapshot) -> list[Effect]:
    plan = snapshot.df(FORECAST)
    moves = plan[plan["transfer_from"].notna() & plan["transfer_qty"].fillna(0).gt(0)]
    if not len(moves):
        return []
    products = names(snapshot.table(PRODUCTS), "sku")
    locations = names(snapshot.table(LOCATIONS), "location_id")
    effects: list[Effect] = []
    for row in moves.itertuples(index=False):
        cover = 0.0 if pd.isna(row.days_of_cover) else float(row.days_of_cover)
        effects.append(
            alert(
                TRANSFER_SUGGESTED.kind,
                f"{row.sku}@{row.location_id}",
                TRANSFER_SUGGESTED.severity,
                _(
                    "{product}: {cover:.1f} days of cover at {location}, lead time {lead} days, while "
                    "{source} has stock to spare; transfer {qty}",
                    product=products.get(row.sku, row.sku),
                    cover=cover,
                    location=locations.get(row.location_id, row.location_id),
                    lead=int(row.lead_time_days or 0),
                    source=locations.get(row.transfer_from, row.transfer_from),
                    qty=int(row.transfer_qty),
                ),
                TRANSFER_SUGGESTED.owner_role,
            )
        )
    return effects
