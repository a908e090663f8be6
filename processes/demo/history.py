"""The everyday sales: six months of orders before the story's own, and alongside them up to now.

The story's 40 orders show every status; a shop also has its everyday trade,
and demand planning needs months of it. `plan_sales` draws those orders day
by day from the patterns (patterns.py): how many each location ships that
weekday, which products by their popularity that day. Whether and when each
one ships depends on the stock, which the stock simulation decides
(replenishment.py); `finish_sales` then gives each order the status its
timeline reaches by now: delivered, on its way, still being packed, or
cancelled because it could not be served.

The history's orders are ordinary orders: paid, shipped with a carrier and a
tracking number, and delivered; about one in fifty is cancelled before
payment, about one in sixty delivered ones comes back (Sale.ship).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sheets.tabs import RETURNS

from .builder import MANAGER, Customer, DemoBuilder, OrderPlan, staff_at, whole_seconds
from .choices import (
    CHANNEL,
    MOVE_REASON_RETURN,
    ORDER_STATUS,
    PAYMENT,
    REFUND_STATUS,
    RETURN_KIND_RETURN,
    RETURN_STATUS,
)
from .orders import (
    CUSTOMER_NAMES,
    carrier_and_tracking,
    channel_for,
    invent_customer,
    marketplace_ref,
    order_total,
)
from .patterns import LINES_PER_ORDER, UNITS_PER_LINE, for_sale, orders_per_day, popularity

#: Days of sales history before the story's 30 days.
HISTORY_DAYS = 182
STORY_DAYS = 30
#: The first day of sales: the shop went live on Flowsheet then (the opening balances).
FIRST_DAY_AGO = HISTORY_DAYS + STORY_DAYS
CANCELLED_SHARE = 0.02
RETURNED_SHARE = 1 / 60
#: From delivery to the refund of a return, at the longest.
RETURN_TAKES = timedelta(days=12)
# Online orders by hour of the day: quiet at night, busiest in the evening.
ONLINE_HOURS = (
    1,
    0.5,
    0.3,
    0.2,
    0.2,
    0.3,
    0.6,
    1.2,
    2,
    2.5,
    2.8,
    3,
    3.2,
    3,
    2.8,
    2.6,
    2.6,
    2.8,
    3.2,
    3.8,
    4,
    3.5,
    2.5,
    1.5,
)
STORE_OPENS, STORE_CLOSES = 9.5, 17.5
FIRST_NAMES = (
    "Aiden", "Bea", "Carlos", "Dalia", "Elias", "Freya", "Gabriel", "Hana", "Ivo", "Jana",
    "Kai", "Lotte", "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Samir", "Tilda",
    "Uma", "Viktor", "Wren", "Xenia", "Yara", "Zeno",
)  # fmt: skip
LAST_NAMES = (
    "Abernathy", "Brightwater", "Castellano", "Drummond", "Eberhardt", "Fairweather", "Galloway",
    "Holmquist", "Ivanova", "Jablonski", "Kerrigan", "Lindgren", "Marchetti", "Nightingale",
    "Oyelaran", "Pemberton", "Quartermain", "Rasmussen", "Szabo", "Thornbury",
)  # fmt: skip
#: Story customers come back more often than the others.
REGULAR_WEIGHT = 6


@dataclass(frozen=True)
class ComingBack:
    """A delivered order's first item sent back unused: asked for, received (and restocked), refunded."""

    requested_at: datetime
    received_at: datetime
    refunded_at: datetime


@dataclass
class Sale:
    """One everyday order while the simulation decides its fate."""

    plan: OrderPlan
    ready_at: datetime  # when the location would ship it, stock permitting
    transit: timedelta  # from shipping to delivery
    shipped_at: datetime | None = None
    held: bool = False  # not shipped by now, its stock reserved
    unserved: bool = False  # cancelled: the stock did not come in time
    coming_back: ComingBack | None = None

    def ship(self, demo: DemoBuilder, at: datetime) -> None:
        """Shipped at `at`; about one in sixty delivered orders comes back (the stock returns with it)."""
        self.shipped_at = whole_seconds(at)
        delivered = self.shipped_at + self.transit
        if delivered + RETURN_TAKES <= demo.now and demo.rng.random() < RETURNED_SHARE:
            requested = whole_seconds(delivered + timedelta(days=demo.rng.uniform(1, 6)))
            received = whole_seconds(requested + timedelta(days=demo.rng.uniform(2, 4)))
            self.coming_back = ComingBack(requested, received, whole_seconds(received + demo.hours(2, 30)))


def plan_sales(demo: DemoBuilder) -> list[Sale]:
    """Every everyday order from the first day of the history until now, oldest first; nothing written."""
    customers = _customer_pool(demo)
    sales: list[Sale] = []
    first = _midnight(demo.ago(days=FIRST_DAY_AGO))
    for offset in range(FIRST_DAY_AGO + 1):
        day = first + timedelta(days=offset)
        progress = offset / FIRST_DAY_AGO
        for location in ("main", "overflow", "store"):
            count = _poisson(demo, orders_per_day(location, day.weekday()))
            for _ in range(count):
                created = _created_on(demo, day, location)
                if created < demo.now:
                    sales.append(_sale(demo, created, location, progress, customers))
    sales.sort(key=lambda sale: sale.plan.values["created_at"])
    return sales


def finish_sales(demo: DemoBuilder, sales: list[Sale]) -> None:
    """Give each order the status its timeline reaches by now, and add the orders to the history."""
    for sale in sales:
        sale.plan.values.update(_outcome(demo, sale))
        sale.plan.status = sale.plan.values["status"]
    demo.history = [sale.plan for sale in sales]


def plan_history_returns(demo: DemoBuilder, sales: list[Sale]) -> list[Sale]:
    """The sales that came back, marked before orders are written: the refund changes the payment status."""
    returned = [sale for sale in sales if sale.coming_back and sale.plan.status == ORDER_STATUS.delivered]
    for sale in returned:
        whole_order = demo.price(sale.plan.lines[0][0]) >= sale.plan.values["total"]
        sale.plan.values["payment_status"] = PAYMENT.refunded if whole_order else PAYMENT.partially_refunded
    return returned


def seed_history_returns(demo: DemoBuilder, returned: list[Sale]) -> None:
    """Write the returns of the history: each item went back on the shelf it was shipped from."""
    for sale in returned:
        _seed_return(demo, sale.plan, sale.coming_back)


def _customer_pool(demo: DemoBuilder) -> tuple[list[Customer], list[int]]:
    """The story's customers and a few hundred more, invented, with the story's coming back more often."""
    others = [
        invent_customer(demo, f"{first} {last}", len(CUSTOMER_NAMES) + index)
        for index, (first, last) in enumerate((first, last) for last in LAST_NAMES for first in FIRST_NAMES)
    ]
    pool = demo.customers + others
    return pool, [REGULAR_WEIGHT] * len(demo.customers) + [1] * len(others)


def _sale(
    demo: DemoBuilder,
    created: datetime,
    location: str,
    progress: float,
    customers: tuple[list[Customer], list[int]],
) -> Sale:
    customer = demo.rng.choices(*customers)[0]
    channel = channel_for(demo, location)
    lines = _lines(demo, location, progress)
    values: dict[str, Any] = {
        "channel": channel,
        "external_ref": marketplace_ref(demo) if channel == CHANNEL.marketplace else None,
        "customer_name": customer.name,
        "customer_email": customer.email,
        "ship_address": customer.address,
        "created_at": created,
        "location_id": demo.location_ids[location],
        "total": order_total(demo, lines),
        "paid_at": whole_seconds(created + demo.hours(0.1, 3)),
    }
    plan = OrderPlan(ORDER_STATUS.paid, location, values, lines)
    if demo.rng.random() < CANCELLED_SHARE:  # changed their mind before paying: never ships
        values.update(status=ORDER_STATUS.cancelled, payment_status=PAYMENT.voided, paid_at=None)
        plan.status = ORDER_STATUS.cancelled
    ready = whole_seconds(values["paid_at"] + demo.hours(12, 30)) if values["paid_at"] else created
    return Sale(plan, ready, demo.hours(24, 72))


def _lines(demo: DemoBuilder, location: str, progress: float) -> list[tuple[str, int]]:
    """Distinct products drawn by their popularity that day, each in a small quantity."""
    offered = list(for_sale(location))
    weights = [popularity(sku, progress) for sku in offered]
    lines = []
    for _ in range(min(demo.rng.choice(LINES_PER_ORDER), len(offered))):
        index = demo.rng.choices(range(len(offered)), weights)[0]
        lines.append((offered.pop(index), demo.rng.choice(UNITS_PER_LINE)))
        weights.pop(index)
    return lines


def _outcome(demo: DemoBuilder, sale: Sale) -> dict[str, Any]:
    """Status, payment and shipping fields as they stand now."""
    values = sale.plan.values
    if sale.plan.status == ORDER_STATUS.cancelled:
        return {}
    if sale.unserved:  # paid, then cancelled when the stock did not come: the payment went back
        return {"status": ORDER_STATUS.cancelled, "payment_status": PAYMENT.refunded}
    if values["paid_at"] > demo.now:  # placed moments ago: not paid (nor confirmed) yet
        return {"status": ORDER_STATUS.new, "payment_status": PAYMENT.pending, "paid_at": None}
    progress: dict[str, Any] = {"payment_status": PAYMENT.paid}
    if sale.shipped_at is None:
        progress["status"] = _being_prepared(demo.now - values["paid_at"])
        return progress
    carrier, tracking = carrier_and_tracking(demo)
    delivered = whole_seconds(sale.shipped_at + sale.transit)
    progress.update(carrier=carrier, tracking_no=tracking, shipped_at=sale.shipped_at)
    if delivered <= demo.now:
        progress.update(status=ORDER_STATUS.delivered, delivered_at=delivered)
    else:
        progress["status"] = ORDER_STATUS.shipped
    return progress


def _being_prepared(since_paid: timedelta) -> str:
    """A paid order not yet shipped: picked a few hours after payment, packed some hours later."""
    hours = since_paid / timedelta(hours=1)
    if hours < 6:
        return ORDER_STATUS.paid
    return ORDER_STATUS.picking if hours < 16 else ORDER_STATUS.packed


def _seed_return(demo: DemoBuilder, plan: OrderPlan, back: ComingBack) -> None:
    sku = plan.lines[0][0]
    record = demo.add(
        RETURNS,
        {
            "order_id": plan.order_id,
            "sku": sku,
            "qty": 1,
            "kind": RETURN_KIND_RETURN,
            "reason": demo.rng.choice(RETURN_REASONS),
            "requested_at": back.requested_at,
            "status": RETURN_STATUS.closed,
            "reviewed_by": MANAGER,
            "decision_note": "Unused and within 30 days: refund on receipt",
            "restock_qty": 1,
            "refund_amount": demo.price(sku),
            "refund_status": REFUND_STATUS.paid,
            "refund_ref": f"RF-{demo.rng.randint(10_000_000, 99_999_999)}",
            "refunded_at": back.refunded_at,
        },
    )
    demo.move(
        back.received_at,
        sku,
        MOVE_REASON_RETURN,
        record.return_id,
        staff_at(plan.location),
        1,
        target=demo.location_ids[plan.location],
    )


RETURN_REASONS = ("No longer needed", "Ordered the wrong size", "A gift that was not wanted", "Bought twice")


def _created_on(demo: DemoBuilder, day: datetime, location: str) -> datetime:
    if location == "store":
        hour = demo.rng.uniform(STORE_OPENS, STORE_CLOSES)
    else:
        hour = demo.rng.choices(range(24), ONLINE_HOURS)[0] + demo.rng.random()
    return whole_seconds(day + timedelta(hours=hour))


def _poisson(demo: DemoBuilder, mean: float) -> int:
    """A Poisson draw (Knuth's method: fine for the small means of a day's orders)."""
    limit, count, product = math.exp(-mean), 0, demo.rng.random()
    while product > limit:
        count += 1
        product *= demo.rng.random()
    return count


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0)
