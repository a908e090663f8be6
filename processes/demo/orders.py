"""Customers and the story's orders: 40 orders over the last 30 days, every status present.

Orders are planned first and written afterwards: returns change the payment
status of the order they refund, the history's orders wait for the stock
simulation (history.py), and Shopify numbers follow creation time over all
of them.
"""

from __future__ import annotations

import itertools
import string
import unicodedata
from datetime import datetime
from typing import Any

from sheets.tabs import ORDER_LINES, ORDERS

from .builder import Customer, DemoBuilder, OrderPlan, staff_at, whole_seconds
from .catalogue import DISCONTINUED, STOCKED
from .choices import CHANNEL, MOVE_REASON, ORDER_STATUS, PAYMENT, SHIPPED_STATUSES

CUSTOMER_NAMES = (
    "Olivia Hart",
    "Noah Brennan",
    "Amara Okoye",
    "Lucas Moreau",
    "Sofia Lindqvist",
    "Ethan Kowalski",
    "Mia Tanaka",
    "Liam Fitzgerald",
    "Chloe Dubois",
    "Mateo Rossi",
    "Isla MacLeod",
    "Yusuf Demir",
    "Hannah Weber",
    "Arjun Mehta",
    "Grace Nakamura",
    "Felix Andersson",
    "Zoë Papadopoulos",
    "Daniel Novak",
    "Leah Goldberg",
    "Omar Haddad",
    "Emma Janssen",
    "Kenji Mori",
    "Ava Sullivan",
    "Tomás Silva",
)
STREETS = ("Maple Street", "Harbour Road", "Elm Avenue", "Mill Lane", "Station Road", "Orchard Way")
TOWNS = ("Riverton", "Ashford Vale", "Kingsbridge", "Brookfield", "Westmere", "Oakham Hill")
# carrier, tracking prefix, digits after it
CARRIERS = (("DHL", "JD", 16), ("UPS", "1Z", 14), ("FedEx", "", 12), ("Parcelforce", "PF", 10))
ORDER_WEIGHT_BY_LOCATION = {"main": 30, "overflow": 4, "store": 6}

# How many orders of each status; the first new and confirmed orders are the two unpaid too long.
ORDER_MIX = (
    (ORDER_STATUS.delivered, 13),
    (ORDER_STATUS.shipped, 6),
    (ORDER_STATUS.packed, 3),
    (ORDER_STATUS.picking, 3),
    (ORDER_STATUS.paid, 4),
    (ORDER_STATUS.confirmed, 4),
    (ORDER_STATUS.new, 4),
    (ORDER_STATUS.cancelled, 3),
)
UNPAID_TOO_LONG_HOURS = {ORDER_STATUS.new: 70, ORDER_STATUS.confirmed: 90}
FIRST_SHOPIFY_NUMBER = 1041


def invent_customers(demo: DemoBuilder) -> None:
    """Give each customer name an address and an e-mail address."""
    for index, name in enumerate(CUSTOMER_NAMES):
        demo.customers.append(invent_customer(demo, name, index))


def invent_customer(demo: DemoBuilder, name: str, index: int) -> Customer:
    """A customer called `name` with an invented address; `index` varies the e-mail domain."""
    street = f"{demo.rng.randint(2, 180)} {demo.rng.choice(STREETS)}"
    town = f"{demo.rng.choice(TOWNS)} {demo.rng.randint(10000, 99999)}"
    return Customer(name, _email(name, index), f"{street}, {town}")


def plan_orders(demo: DemoBuilder) -> None:
    """Decide every order and its lines, oldest first, without writing anything yet."""
    for status, count in ORDER_MIX:
        demo.orders += [_plan_order(demo, status, index) for index in range(count)]
    demo.orders.sort(key=lambda plan: plan.values["created_at"])


def insert_orders(demo: DemoBuilder) -> None:
    """Write every planned order, the story's and the history's, oldest first; shipped ones take their stock out."""
    shop_numbers = itertools.count(FIRST_SHOPIFY_NUMBER)
    for plan in demo.all_orders():
        if plan.values["channel"] == CHANNEL.shopify:
            plan.values["external_ref"] = f"#{next(shop_numbers)}"
        _insert_order(demo, plan)


def _plan_order(demo: DemoBuilder, status: str, index: int) -> OrderPlan:
    created = _created_at(demo, status, index)
    location = demo.rng.choices(list(ORDER_WEIGHT_BY_LOCATION), list(ORDER_WEIGHT_BY_LOCATION.values()))[0]
    customer = demo.rng.choice(demo.customers)
    channel = channel_for(demo, location)
    values = {
        "channel": channel,
        # Shopify numbers are given in order of creation, once all orders are planned.
        "external_ref": marketplace_ref(demo) if channel == CHANNEL.marketplace else None,
        "customer_name": customer.name,
        "customer_email": customer.email,
        "ship_address": customer.address,
        "created_at": created,
        "status": status,
        "location_id": demo.location_ids[location],
    }
    values.update(_progress(demo, status, index, created))
    lines = _plan_lines(demo, location)
    values["total"] = order_total(demo, lines)
    return OrderPlan(status, location, values, lines)


def order_total(demo: DemoBuilder, lines: list[tuple[str, int]]) -> float:
    """What the customer pays: the sum of the lines at list price."""
    return round(sum(qty * demo.price(sku) for sku, qty in lines), 2)


def _created_at(demo: DemoBuilder, status: str, index: int) -> datetime:
    """Spread over the last 30 days so that each status is plausible today."""
    if status == ORDER_STATUS.delivered:
        return demo.ago(days=29.5 - index * 1.9 + demo.rng.uniform(-0.3, 0.3))
    if status == ORDER_STATUS.shipped:
        return demo.ago(days=4.5 - index * 0.45)
    if status == ORDER_STATUS.cancelled:
        return demo.ago(days=demo.rng.uniform(3, 20))
    if index == 0 and status in UNPAID_TOO_LONG_HOURS:
        return demo.ago(hours=UNPAID_TOO_LONG_HOURS[status])
    if status in (ORDER_STATUS.new, ORDER_STATUS.confirmed):
        return demo.ago(hours=demo.rng.uniform(0.3, 40))
    return demo.ago(hours=demo.rng.uniform(4, 40))


def marketplace_ref(demo: DemoBuilder) -> str:
    return f"MP-{demo.rng.randint(100, 999)}-{demo.rng.randint(1_000_000, 9_999_999)}"


def channel_for(demo: DemoBuilder, location: str) -> str:
    """The store takes orders over the counter and the phone; the warehouses ship what comes online."""
    if location == "store":
        return demo.rng.choice((CHANNEL.manual, CHANNEL.phone))
    return demo.rng.choices(
        (CHANNEL.shopify, CHANNEL.marketplace, CHANNEL.phone, CHANNEL.manual), (5, 3, 1, 1)
    )[0]


def _progress(demo: DemoBuilder, status: str, index: int, created: datetime) -> dict[str, Any]:
    """Payment and shipping fields that agree with the order's status."""
    if status in (ORDER_STATUS.new, ORDER_STATUS.confirmed):
        return {"payment_status": PAYMENT.pending}
    if status == ORDER_STATUS.cancelled:
        if index == 0:  # paid, then cancelled: the payment went back
            return {
                "payment_status": PAYMENT.refunded,
                "paid_at": whole_seconds(created + demo.hours(0.2, 2)),
            }
        return {"payment_status": PAYMENT.voided}
    paid_at = whole_seconds(created + demo.hours(0.1, 3))
    progress: dict[str, Any] = {"payment_status": PAYMENT.paid, "paid_at": paid_at}
    if status in SHIPPED_STATUSES:
        shipped_at = whole_seconds(paid_at + demo.hours(12, 30))
        carrier, tracking = carrier_and_tracking(demo)
        # The first shipped order went out without its tracking number: a check should notice.
        missing_tracking = status == ORDER_STATUS.shipped and index == 0
        progress.update(
            carrier=carrier, tracking_no=None if missing_tracking else tracking, shipped_at=shipped_at
        )
    if status == ORDER_STATUS.delivered:
        progress["delivered_at"] = whole_seconds(progress["shipped_at"] + demo.hours(24, 72))
    return progress


def carrier_and_tracking(demo: DemoBuilder) -> tuple[str, str]:
    """A carrier and a tracking number in that carrier's format."""
    carrier, prefix, digits = demo.rng.choice(CARRIERS)
    return carrier, prefix + "".join(demo.rng.choice(string.digits) for _ in range(digits))


def _plan_lines(demo: DemoBuilder, location: str) -> list[tuple[str, int]]:
    for_sale = [sku for sku in STOCKED[location] if sku not in DISCONTINUED]
    count = demo.rng.choice((1, 1, 2, 2, 3))
    return [(sku, demo.rng.choice((1, 1, 1, 2, 2, 3))) for sku in demo.rng.sample(for_sale, count)]


def _insert_order(demo: DemoBuilder, plan: OrderPlan) -> None:
    plan.record = demo.add(ORDERS, plan.values)
    for sku, qty in plan.lines:
        demo.add(
            ORDER_LINES,
            {"order_id": plan.order_id, "sku": sku, "qty": qty, "unit_price": demo.price(sku)},
        )
        if plan.status in SHIPPED_STATUSES:
            demo.move(
                plan.values["shipped_at"],
                sku,
                MOVE_REASON.shipment,
                plan.order_id,
                staff_at(plan.location),
                qty,
                source=demo.location_ids[plan.location],
            )


def _email(name: str, index: int) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    domain = "example.net" if index % 3 == 0 else "example.com"
    return f"{plain.lower().replace(' ', '.')}@{domain}"
