"""Stock: the story's transfers, the store's stocktake, the stock rows and the Stock Moves ledger.

The ledger is the truth the stock rows must agree with. The stock
simulation (simulation.py) posts the opening balances and every everyday
move so that no row ever goes negative and the low rows land where the story
needs them; each row's on_hand here is what its moves add up to, and its
minimum and maximum are set as a person would have set them (a few rows
below minimum, one above maximum). The ledger is written last, in time order.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict
from datetime import datetime, timedelta

from sheets.table import Record
from sheets.tabs import STOCK, STOCK_COUNTS, STOCK_MOVES, TRANSFERS

from .builder import MANAGER, STORE_STAFF, WAREHOUSE, DemoBuilder, Move, declared_default
from .catalogue import DISCONTINUED, STOCKED
from .choices import COUNT_STATUS, MOVE_REASON, RESERVING_STATUSES, TRANSFER_STATUS

# Rows are (sku, location key).
LOW_STOCK_ROWS = {("KIT-004", "main"), ("KIT-007", "main"), ("STO-001", "overflow"), ("TEX-003", "store")}
OVERSTOCK_ROW = ("TBL-002", "main")
LOW_STOCK_ALERT_ROW = ("KIT-004", "main")
# The store's stocktake: one variance approved (and adjusted), one awaiting approval.
ADJUSTED_COUNT = ("TEX-001", -2)
PENDING_COUNT = ("CLN-001", 1)
OPENING_BALANCE = "opening balance"

StockRows = dict[tuple[str, str], Record]
Stocktake = tuple[datetime, Move]  # when the store was counted, and the adjustment its variance made


def seed_transfers(demo: DemoBuilder) -> Record:
    """One transfer received and one still on the road; returns the received one (it ended a low-stock alert)."""
    restocking = _transfer(
        demo, "TBL-002", "main", "store", 24, demo.ago(days=9), demo.ago(days=8), demo.ago(days=7)
    )
    _transfer(demo, "KIT-005", "overflow", "store", 10, demo.ago(days=2), demo.ago(hours=20))
    return restocking


def seed_stock(demo: DemoBuilder, stocktake: Stocktake) -> StockRows:
    """The store's stock count lines and the stock rows; returns the rows by (sku, location)."""
    counted_at, adjustment = stocktake
    reserved = _reserved_by_row(demo)
    last_counted = _seed_stock_counts(demo, counted_at, adjustment)
    return _seed_stock_rows(demo, reserved, last_counted)


def write_ledger(demo: DemoBuilder) -> None:
    """Write the Stock Moves, oldest first; it runs last, once every move knows its ref."""
    for entry in sorted(demo.ledger, key=lambda entry: entry.at):
        demo.add(STOCK_MOVES, asdict(entry))


def _transfer(
    demo: DemoBuilder,
    sku: str,
    source: str,
    target: str,
    qty: int,
    requested: datetime,
    shipped: datetime,
    received: datetime | None = None,
) -> Record:
    record = demo.add(
        TRANSFERS,
        {
            "sku": sku,
            "from_location": demo.location_ids[source],
            "to_location": demo.location_ids[target],
            "qty": qty,
            "status": TRANSFER_STATUS.received if received else TRANSFER_STATUS.in_transit,
            "requested_by": STORE_STAFF,
            "requested_at": requested,
            "shipped_at": shipped,
            "received_at": received,
        },
    )
    # Goods on the road belong to neither location: out when shipped, in when received.
    demo.move(
        shipped, sku, MOVE_REASON.transfer, record.transfer_id, WAREHOUSE, qty, source=record.from_location
    )
    if received:
        demo.move(
            received,
            sku,
            MOVE_REASON.transfer,
            record.transfer_id,
            STORE_STAFF,
            qty,
            target=record.to_location,
        )
    return record


def plan_stocktake(demo: DemoBuilder) -> Stocktake:
    """The store was counted three days ago; its approved variance already adjusted the stock.

    Planned before the everyday trade is simulated, so the units it takes out are there.
    """
    counted_at = demo.ago(days=3, hours=2)
    sku, variance = ADJUSTED_COUNT
    store = demo.location_ids["store"]
    # The ref is the count line, known only once the line is inserted (_seed_stock_counts).
    adjustment = demo.move(
        counted_at + timedelta(hours=5),
        sku,
        MOVE_REASON.adjustment,
        "",
        MANAGER,
        abs(variance),
        source=store if variance < 0 else None,
        target=store if variance > 0 else None,
    )
    return counted_at, adjustment


def _reserved_by_row(demo: DemoBuilder) -> Counter[tuple[str, str]]:
    reserved: Counter[tuple[str, str]] = Counter()
    for plan in demo.all_orders():
        if plan.status in RESERVING_STATUSES:
            for sku, qty in plan.lines:
                reserved[sku, plan.location] += qty
    return reserved


def _balance(demo: DemoBuilder, sku: str, location: str, until: datetime | None = None) -> int:
    location_id = demo.location_ids[location]
    return sum(
        entry.effect_on(sku, location_id) for entry in demo.ledger if until is None or entry.at <= until
    )


def _seed_stock_counts(demo: DemoBuilder, counted_at: datetime, adjustment: Move) -> dict[str, datetime]:
    """One count line per product at the store; returns when each product was counted."""
    store = demo.location_ids["store"]
    variances = dict((ADJUSTED_COUNT, PENDING_COUNT))
    counted: dict[str, datetime] = {}
    for index, sku in enumerate(STOCKED["store"]):
        at = counted_at + timedelta(minutes=3 * index)
        book = _balance(demo, sku, "store", until=at)
        variance = variances.get(sku, 0)
        awaiting_approval = sku == PENDING_COUNT[0]
        record = demo.add(
            STOCK_COUNTS,
            {
                "session_id": f"{store}-{counted_at:%Y%m%d}",
                "location_id": store,
                "sku": sku,
                "book_qty": book,
                "counted_qty": book + variance,
                "variance": variance,
                "status": COUNT_STATUS.counted if awaiting_approval else COUNT_STATUS.approved,
                "counted_by": STORE_STAFF,
                "counted_at": at,
                "approved_by": None if awaiting_approval else MANAGER,
            },
        )
        if sku == adjustment.sku:
            adjustment.ref = record.count_id
        counted[sku] = at
    return counted


def _seed_stock_rows(
    demo: DemoBuilder, reserved: Counter[tuple[str, str]], store_counted: dict[str, datetime]
) -> StockRows:
    rows: StockRows = {}
    for location, skus in STOCKED.items():
        for index, sku in enumerate(skus):
            on_hand = _balance(demo, sku, location)
            held = reserved[sku, location]
            min_qty, max_qty = _limits(sku, location, on_hand, on_hand - held)
            rows[sku, location] = demo.add(
                STOCK,
                {
                    "sku": sku,
                    "location_id": demo.location_ids[location],
                    "on_hand": on_hand,
                    "reserved": held,
                    "min_qty": min_qty,
                    "max_qty": max_qty,
                    "last_counted_at": _last_counted_at(demo, sku, location, store_counted),
                    "bin": _bin(location, index),
                },
            )
    return rows


def _bin(location: str, index: int) -> str:
    """Where a product sits: aisle, shelf and bin in a warehouse (A-02-3), a shelf in the store (S-4)."""
    if location == "store":
        return f"S-{index // 4 + 1}"
    return f"{'ABCD'[index // 12 % 4]}-{index // 3 % 4 + 1:02d}-{index % 3 + 1}"


def _last_counted_at(
    demo: DemoBuilder, sku: str, location: str, store_counted: dict[str, datetime]
) -> datetime:
    """The store as its stocktake says; the main warehouse within the interval, the overflow one overdue."""
    interval = declared_default("stocktake_interval_days")
    if location == "store":
        return store_counted[sku]
    if location == "overflow":
        return demo.ago(days=demo.rng.uniform(interval + 10, 120))
    return demo.ago(days=demo.rng.uniform(10, interval - 10))


def _limits(sku: str, location: str, on_hand: int, available: int) -> tuple[int, int]:
    """Min and max as a person would set them, placing each row where the story needs it."""
    if (sku, location) in LOW_STOCK_ROWS:
        minimum = _round_up(available + 4, 5)
        return minimum, minimum * 3
    if (sku, location) == OVERSTOCK_ROW:
        maximum = _round_down(on_hand * 2 / 3, 10)
        return _round_down(maximum / 4, 5), maximum
    if sku in DISCONTINUED:  # sold off, never reordered
        return 0, on_hand
    minimum = min(available, max(2, _round_down(available * 0.4, 5)))
    return minimum, _round_up(on_hand * 1.5 + 1, 10)


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _round_down(value: float, step: int) -> int:
    return int(value // step * step)
