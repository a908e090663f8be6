"""The low rows' last deliveries, trimmed to land where the story needs them, and a guard on the openings.

The story wants a few rows low today (stock.LOW_STOCK_ROWS). The simulation
stopped replenishing them some weeks ago, after one last delivery sized to
last until now with room to spare; `settle_low_rows` takes the spare off
again, latest delivery first, so that each ends with 1 to 3 units free. That
changes no decision of the simulation as long as the row never goes below
zero after a trimmed delivery, which `_trim` makes sure of: a trimmed
purchase is still a sensible one (whole cartons, the supplier's minimum) or
is cancelled outright.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from .builder import DemoBuilder
from .catalogue import order_quantity
from .choices import RESERVING_STATUSES
from .stock import LOW_STOCK_ROWS
from .supply import Outcome, Posting, Purchase, Row, Transfer

LEAST_PURCHASE, LEAST_TRANSFER = 10, 2


def settle_low_rows(demo: DemoBuilder, outcome: Outcome, postings: list[Posting]) -> None:
    """Trim each low row's last replenishments so that the row ends with 1 to 3 units free.

    They were sized to last until now with room to spare; taking the spare
    off again, latest delivery first, changes no decision as long as the row
    never goes below zero after a trimmed delivery, which `_trim` makes sure of.
    """
    reserved = _reserved_at_end(demo, outcome)
    for row in sorted(LOW_STOCK_ROWS):
        changes = [(at, change) for at, posted, change in postings if posted == row]
        refills = [refill for refill in _refills(outcome, row) if refill.received_at < demo.now]
        spare = sum(change for _, change in changes) - reserved[row] - demo.rng.randint(1, 3)
        _trim(row, refills, changes, spare)


def _trim(
    row: Row, refills: list[Purchase | Transfer], changes: list[tuple[datetime, int]], spare: int
) -> None:
    trimmed: list[tuple[datetime, int]] = []  # (from when, units) already taken off later deliveries
    for refill in reversed(refills):
        if spare <= 0:
            return
        cut = min(spare, _lowest_after(refill.received_at, changes, trimmed))
        qty = _trimmed(row, refill, cut)
        if qty < refill.qty:
            trimmed.append((refill.received_at, refill.qty - qty))
            spare -= refill.qty - qty
            if qty:
                refill.qty = qty
            else:
                refill.cancelled = True


def _trimmed(row: Row, refill: Purchase | Transfer, cut: int) -> int:
    """`refill`'s quantity less at most `cut`: a sensible purchase (or none: cancelled), a transfer of a few."""
    if cut <= 0:
        return refill.qty
    if isinstance(refill, Transfer):
        return max(refill.qty - cut, min(LEAST_TRANSFER, refill.qty))
    if cut >= refill.qty:
        return 0  # the buyer cancelled it
    least = order_quantity(row[0], LEAST_PURCHASE)
    return min(max(order_quantity(row[0], refill.qty - cut), least), refill.qty)


def _lowest_after(
    moment: datetime, changes: list[tuple[datetime, int]], trimmed: list[tuple[datetime, int]]
) -> int:
    """The row's lowest balance from `moment` on, less what later trims already took."""
    running, lowest = 0, None
    for at, change in changes:
        running += change
        if at >= moment:
            after = running - sum(units for since, units in trimmed if at >= since)
            lowest = after if lowest is None else min(lowest, after)
    return lowest or 0


def balanced_openings(demo: DemoBuilder, outcome: Outcome, postings: list[Posting]) -> None:
    """Raise an opening balance wherever a row would still dip below zero, or end below what is reserved.

    A guard, not a plan: it fires only when the story promises more of a slow
    seller than its shelf held (see the topped_up rows).
    """
    running: defaultdict[Row, int] = defaultdict(int)
    lowest: defaultdict[Row, int] = defaultdict(int)
    for _at, row, change in postings:
        running[row] += change
        lowest[row] = min(lowest[row], running[row])
    for row, reserved in _reserved_at_end(demo, outcome).items():
        lowest[row] = min(lowest[row], running[row] - reserved)
    for row, dip in sorted(lowest.items()):
        if dip < 0:
            outcome.openings[row] = outcome.openings.get(row, 0) - dip
            outcome.topped_up.append(row)


def _refills(outcome: Outcome, row: Row) -> list[Purchase | Transfer]:
    """The deliveries into a row, in the order they were decided."""
    sku, location = row
    if location == "main":
        return [purchase for purchase in outcome.purchases if purchase.sku == sku]
    return [transfer for transfer in outcome.transfers if transfer.sku == sku and transfer.target == location]


def _reserved_at_end(demo: DemoBuilder, outcome: Outcome) -> defaultdict[Row, int]:
    reserved: defaultdict[Row, int] = defaultdict(int, outcome.held)
    for plan in demo.orders:
        if plan.status in RESERVING_STATUSES:
            for sku, qty in plan.lines:
                reserved[sku, plan.location] += qty
    return reserved
