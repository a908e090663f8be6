"""Demo data: a small home & kitchen shop, seeded into an empty workbook in one commit.

`python app.py --demo` calls `seed_demo` so every page, job and report has something
worth showing on first start. The records tell one consistent story: every reference
points at a real record, order totals are the sum of their lines, reserved stock is
what confirmed orders hold, and the Stock Moves ledger adds up to each Stock row's
on_hand exactly. Times are relative to `now` and every choice comes from one seeded
random generator, so the same seed and `now` give the same records (IDs apart: the
app assigns those).

Every name, address, e-mail and phone number is invented (example.com, example.net,
555 numbers).
"""

from __future__ import annotations

import math
import random
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sheets.schema import Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS
from sheets.table import Record, Table
from sheets.tabs import (
    ALERTS,
    ALL_TABS,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    OUTBOX,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    QUOTES,
    RECEIPTS,
    RETURNS,
    STOCK,
    STOCK_COUNTS,
    STOCK_MOVES,
    SUGGESTIONS,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
    TRANSFERS,
)
from sheets.transaction import Transaction
from sheets.workbook import Workbook

DEMO_USER = "demo"
SEED_ACTION = "seed demo data"

#: The tabs that must be empty before seeding (see is_empty).
EMPTINESS_TABS = (ORDERS, PRODUCTS, STOCK)


class _Choices:
    """A column's declared choices as attributes, so a misspelt status fails at once."""

    def __init__(self, tab: Tab, column: str) -> None:
        self._where = f"{tab.name}.{column}"
        self._values = tab.column(column).choices

    def __getattr__(self, name: str) -> str:
        return self.choice(name)

    def choice(self, name: str) -> str:
        """The choice spelt `name` (for a choice that is a Python keyword, such as "return")."""
        if name in self._values:
            return name
        raise AttributeError(f"{self._where} declares no choice {name!r}")


ORDER_STATUS = _Choices(ORDERS, "status")
PAYMENT = _Choices(ORDERS, "payment_status")
CHANNEL = _Choices(ORDERS, "channel")
LOCATION_KIND = _Choices(LOCATIONS, "kind")
MOVE_REASON = _Choices(STOCK_MOVES, "reason")
MOVE_REASON_RETURN = MOVE_REASON.choice("return")
REQUEST_STATUS = _Choices(PURCHASE_REQUESTS, "status")
REQUEST_SOURCE = _Choices(PURCHASE_REQUESTS, "source")
PO_STATUS = _Choices(PURCHASE_ORDERS, "status")
COUNT_STATUS = _Choices(STOCK_COUNTS, "status")
TRANSFER_STATUS = _Choices(TRANSFERS, "status")
TICKET_KIND = _Choices(TICKETS, "kind")
TICKET_STATUS = _Choices(TICKETS, "status")
PRIORITY = _Choices(TICKETS, "priority")
RETURN_KIND = _Choices(RETURNS, "kind")
RETURN_KIND_RETURN = RETURN_KIND.choice("return")
RETURN_STATUS = _Choices(RETURNS, "status")
REFUND_STATUS = _Choices(RETURNS, "refund_status")
SEVERITY = _Choices(ALERTS, "severity")
ALERT_STATUS = _Choices(ALERTS, "status")
ROLE = _Choices(ALERTS, "owner_role")
SUGGESTION_STATUS = _Choices(SUGGESTIONS, "status")
MESSAGE_STATUS = _Choices(OUTBOX, "status")

# Orders in these statuses hold their stock as reserved until it ships.
RESERVING_STATUSES = (
    ORDER_STATUS.confirmed,
    ORDER_STATUS.paid,
    ORDER_STATUS.picking,
    ORDER_STATUS.packed,
)
SHIPPED_STATUSES = (ORDER_STATUS.shipped, ORDER_STATUS.delivered)

# --- the cast ----------------------------------------------------------------

MANAGER = "maria"
WAREHOUSE = "tom"
SERVICE = "lena"
BUYER = "raj"
STORE_STAFF = "ines"
LOW_STOCK_CHECK = "low-stock check"
OPENING_BALANCE = "opening balance"
ALERT_LOW_STOCK = "stock.low"
ALERT_UNPAID = "order.unpaid"

LOCATION_DATA = (
    ("main", "Main warehouse", LOCATION_KIND.warehouse),
    ("overflow", "Overflow warehouse", LOCATION_KIND.warehouse),
    ("store", "Harbour Street store", LOCATION_KIND.store),
)

# key, name, contact, email, phone, rating, lead time (days), active, notes
SUPPLIER_DATA = (
    (
        "hangzhou",
        "Hangzhou Homeware Trading Co.",
        "Mei Zhang",
        "mei.zhang@example.net",
        "+86 555 0101 2288",
        4.5,
        28,
        True,
        "Cookware, cutlery and knives; ships FOB Ningbo; minimum order 50 pcs",
    ),
    (
        "lakeside",
        "Lakeside Kitchen Supply",
        "Dana Whitfield",
        "dana.whitfield@example.com",
        "+1 555 0142",
        4.1,
        7,
        True,
        "Domestic distributor: quick, and dearer",
    ),
    (
        "greenleaf",
        "Greenleaf Home Goods Ltd.",
        "Hao Lin",
        "hao.lin@example.net",
        "+86 555 0177 4410",
        3.8,
        35,
        True,
        "Textiles and kitchen tools; send samples before each new range",
    ),
    (
        "bluestone",
        "Bluestone Ceramics",
        "Rosa Delgado",
        "rosa.delgado@example.com",
        "+1 555 0163",
        4.7,
        14,
        True,
        "Mugs and plates under framework contract FC-2025-02",
    ),
    (
        "quickbuy",
        "Quickbuy Wholesale",
        "Victor Hale",
        "victor.hale@example.com",
        "+1 555 0198",
        2.6,
        10,
        False,
        "Paused after two late deliveries and a short shipment",
    ),
)

# sku, name, category, unit, unit_cost, price
CATALOGUE = (
    ("KIT-001", "Cast iron skillet 26 cm", "Cookware", "pcs", 14.20, 39.90),
    ("KIT-002", "Stainless saucepan 2 L", "Cookware", "pcs", 11.80, 32.00),
    ("KIT-003", "Non-stick frying pan 28 cm", "Cookware", "pcs", 9.60, 27.50),
    ("KIT-004", "Chef's knife 20 cm", "Kitchen tools", "pcs", 8.40, 29.90),
    ("KIT-005", "Bamboo cutting board", "Kitchen tools", "pcs", 4.10, 14.90),
    ("KIT-006", "Silicone spatula set of 3", "Kitchen tools", "set", 2.30, 9.90),
    ("KIT-007", "Digital kitchen scale", "Kitchen tools", "pcs", 6.90, 19.90),
    ("KIT-008", "French press 1 L", "Coffee & tea", "pcs", 7.20, 24.00),
    ("KIT-009", "Glass teapot 800 ml", "Coffee & tea", "pcs", 5.80, 18.50),
    ("KIT-010", "Enamel kettle 1.5 L", "Coffee & tea", "pcs", 12.00, 34.00),
    ("TBL-001", "Stoneware dinner plates, set of 4", "Tableware", "set", 12.50, 36.00),
    ("TBL-002", "Ceramic mug 350 ml", "Tableware", "pcs", 2.10, 8.50),
    ("TBL-003", "Glass tumblers, set of 6", "Tableware", "set", 6.40, 19.00),
    ("TBL-004", "Cutlery set, 24 pieces", "Tableware", "set", 15.30, 49.00),
    ("STO-001", "Glass food containers, set of 5", "Storage", "set", 9.80, 29.00),
    ("STO-002", "Airtight pantry jar 1.5 L", "Storage", "pcs", 3.20, 11.50),
    ("STO-003", "Spice rack with 12 jars", "Storage", "pcs", 8.70, 27.00),
    ("STO-004", "Enamel bread bin", "Storage", "pcs", 10.40, 32.00),
    ("TEX-001", "Linen tea towels, set of 3", "Textiles", "set", 4.60, 15.90),
    ("TEX-002", "Cotton apron", "Textiles", "pcs", 5.10, 17.50),
    ("TEX-003", "Oven mitts", "Textiles", "pair", 3.40, 12.00),
    ("TEX-004", "Waffle table runner", "Textiles", "pcs", 4.20, 14.00),
    ("CLN-001", "Dish brush, beech handle", "Cleaning", "pcs", 1.60, 6.50),
    ("CLN-002", "Microfibre cloths, pack of 10", "Cleaning", "pack", 2.80, 9.90),
)
DISCONTINUED = ("KIT-010", "TEX-004")

STOCKED = {
    # The main warehouse keeps everything but the runner, which sold out before it was dropped.
    "main": tuple(sku for sku, *_ in CATALOGUE if sku != "TEX-004"),
    "overflow": ("KIT-001", "KIT-003", "KIT-005", "TBL-001", "TBL-002", "STO-001", "STO-003", "CLN-002"),
    "store": (
        "KIT-004",
        "KIT-005",
        "KIT-008",
        "KIT-009",
        "TBL-002",
        "TBL-003",
        "TEX-001",
        "TEX-002",
        "TEX-003",
        "CLN-001",
    ),
}
LOW_STOCK_ROWS = {("KIT-004", "main"), ("KIT-007", "main"), ("STO-001", "overflow"), ("TEX-003", "store")}
OVERSTOCK_ROW = ("TBL-002", "main")
LOW_STOCK_ALERT_ROW = ("KIT-004", "main")
# The store's stocktake: one variance approved (and adjusted), one awaiting approval.
ADJUSTED_COUNT = ("TEX-001", -2)
PENDING_COUNT = ("CLN-001", 1)
ORDER_WEIGHT_BY_LOCATION = {"main": 30, "overflow": 4, "store": 6}

CUSTOMERS = (
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
TOKEN_ALPHABET = string.ascii_letters + string.digits

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

SURVEY_COMMENTS = {
    5: (
        "Lovely quality, arrived fast.",
        "Exactly as pictured, thank you!",
        "Great packaging, nothing broken.",
    ),
    4: ("Good product, delivery took a day longer than promised.", "Happy overall."),
    3: ("Fine, but the box was dented.",),
    2: ("Took a week to get an answer.",),
    1: ("Wrong item and nobody called back.",),
}
SCORE_WEIGHTS = {5: 6, 4: 4, 3: 2, 2: 1, 1: 1}


class _TicketScript(NamedTuple):
    kind: str
    priority: str
    status: str
    opened_hours_ago: float | None  # None: an hour after the order was placed
    order: str | None  # which order it is about: an order status, or "untracked"
    subject: str  # may name {product}, the order's first item
    details: str
    response_after: float | None = None  # hours after opening
    resolved_after: float | None = None
    resolution: str | None = None


UNTRACKED = "untracked"

RETURN_REASONS = {
    RETURN_STATUS.closed: "No longer needed",
    RETURN_STATUS.received: "Changed my mind; still in its box",
    RETURN_STATUS.approved: "Would prefer it in another colour",
    RETURN_STATUS.requested: "Does not match the photo",
}
RETURN_DECISIONS = {
    RETURN_STATUS.closed: "Unused and within 30 days: refund on receipt",
    RETURN_STATUS.received: "Unopened: refund once inspected",
    RETURN_STATUS.approved: "Exchange approved: the replacement ships when the return arrives",
}

# submitted by, days ago, process, text, votes, status, decided by, decision
SUGGESTION_DATA = (
    (
        WAREHOUSE,
        21,
        "Orders",
        "Print the packing checklist on the picking slip so the fragile-items step is never skipped.",
        5,
        SUGGESTION_STATUS.adopted,
        MANAGER,
        "Adopted: the checklist is on the picking slip from this week.",
    ),
    (
        SERVICE,
        9,
        "Customer service",
        "Send the satisfaction survey two days after delivery, not one: people have not unpacked yet.",
        3,
        SUGGESTION_STATUS.open,
        None,
        None,
    ),
    (
        BUYER,
        15,
        "Procurement",
        "Skip the third quote for repeat orders under 500.",
        1,
        SUGGESTION_STATUS.rejected,
        MANAGER,
        "Rejected: three quotes keep prices honest; repeat items belong under a framework contract.",
    ),
)

TICKET_SCRIPTS = (
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.low,
        TICKET_STATUS.open,
        20,
        None,
        "Do you ship to Canada?",
        "Planning a gift for my sister in Toronto.",
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.in_progress,
        10,
        UNTRACKED,
        "Where is my parcel?",
        "The shipping e-mail has no tracking number.",
        response_after=1.5,
    ),
    _TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.urgent,
        TICKET_STATUS.open,
        6,
        ORDER_STATUS.delivered,
        "Wrong item: I ordered the {product}",
        "The box held something I did not order. I need the right one before the weekend.",
    ),
    _TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.high,
        TICKET_STATUS.in_progress,
        8,
        ORDER_STATUS.delivered,
        "{product}: arrived damaged",
        "Photos attached: the corner is cracked.",
        response_after=2,
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.waiting_on_customer,
        None,
        ORDER_STATUS.paid,
        "Change of delivery address",
        "Please send it to my office instead.",
        response_after=3,
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.low,
        TICKET_STATUS.resolved,
        120,
        None,
        "Is the bamboo cutting board dishwasher safe?",
        "Before I order two more.",
        response_after=6,
        resolved_after=26,
        resolution="Hand wash only; sent the care leaflet.",
    ),
    _TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.normal,
        TICKET_STATUS.resolved,
        150,
        ORDER_STATUS.delivered,
        "Parcel arrived two days late",
        "It was a birthday present.",
        response_after=4,
        resolved_after=30,
        resolution="Carrier delay confirmed; apologised and sent a 10% voucher.",
    ),
    _TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.high,
        TICKET_STATUS.closed,
        240,
        ORDER_STATUS.delivered,
        "{product}: part missing from the box",
        "The box was sealed but one piece is missing.",
        response_after=1,
        resolved_after=20,
        resolution="Missing piece sent from stock; supplier told about the packing fault.",
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.urgent,
        TICKET_STATUS.closed,
        None,
        ORDER_STATUS.cancelled,
        "Please cancel my order",
        "Ordered twice by mistake.",
        response_after=0.5,
        resolved_after=2,
        resolution="Order cancelled before picking; customer confirmed by e-mail.",
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.resolved,
        50,
        ORDER_STATUS.delivered,
        "Invoice for my order",
        "I need an invoice with my company name.",
        response_after=2,
        resolved_after=12,
        resolution="Invoice sent as PDF.",
    ),
    _TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.high,
        TICKET_STATUS.open,
        3,
        None,
        "Bulk order for a café: 40 mugs",
        "Can you do a trade price and deliver next week?",
    ),
    _TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.low,
        TICKET_STATUS.waiting_on_customer,
        48,
        ORDER_STATUS.delivered,
        "{product}: colour differs from the photo",
        "Much darker than on the website.",
        response_after=5,
    ),
)


@dataclass
class _Move:
    """One Stock Moves row; field names are the tab's columns."""

    at: datetime
    sku: str
    from_location: str | None
    to_location: str | None
    qty: int
    reason: str
    ref: str
    by: str

    def effect_on(self, sku: str, location_id: str) -> int:
        """How this move changes one stock row's balance."""
        if sku != self.sku:
            return 0
        if self.to_location == location_id:
            return self.qty
        if self.from_location == location_id:
            return -self.qty
        return 0


@dataclass
class _OrderPlan:
    status: str
    location: str
    values: dict[str, Any]
    lines: list[tuple[str, int]]
    record: Record | None = None

    @property
    def order_id(self) -> str:
        assert self.record is not None, "the order is not inserted yet"
        return self.record.order_id


@dataclass
class _ReturnPlan:
    order: _OrderPlan
    status: str
    kind: str
    requested_share: float  # of the time between delivery and now
    received_share: float | None = None


# --- public ------------------------------------------------------------------


def is_empty(workbook: Workbook) -> bool:
    """Whether the workbook has no orders, products or stock yet (demo data goes only there)."""
    return _all_empty(workbook.tables(*EMPTINESS_TABS).values())


def seed_demo(workbook: Workbook, now: datetime | None = None, rng_seed: int = 7) -> dict[str, int]:
    """Fill an empty workbook with a consistent demo shop; returns the records created per tab.

    Everything is written in one transaction (one request on Google). Raises
    ValueError, writing nothing, when the workbook already holds orders,
    products or stock.
    """
    moment = (now or datetime.now()).replace(microsecond=0)
    with workbook.transaction(*EMPTINESS_TABS, user=DEMO_USER, action=SEED_ACTION) as tx:
        # Checked inside the transaction, so a concurrent writer cannot slip in between.
        if not _all_empty(tx.table(tab) for tab in EMPTINESS_TABS):
            raise ValueError(
                "The workbook already holds orders, products or stock; demo data goes only into an empty workbook."
            )
        seeder = _DemoSeeder(tx, random.Random(rng_seed), moment)
        seeder.seed()
    return seeder.counts_by_tab()


def _all_empty(tables: Iterable[Table]) -> bool:
    return all(len(table) == 0 for table in tables)


# --- the seeder --------------------------------------------------------------


class _DemoSeeder:
    """Inserts the demo records in dependency order; moves and stock rows come last."""

    def __init__(self, tx: Transaction, rng: random.Random, now: datetime) -> None:
        self.tx = tx
        self.rng = rng
        self.now = now
        self.counts: Counter[str] = Counter()
        self.ledger: list[_Move] = []
        self.location_ids: dict[str, str] = {}
        self.location_names: dict[str, str] = {}
        self.suppliers: dict[str, Record] = {}
        self.products: dict[str, Record] = {}
        self.customers: list[tuple[str, str, str]] = []
        self.orders: list[_OrderPlan] = []
        self.returns: list[_ReturnPlan] = []
        self.return_records: dict[str, Record] = {}
        self.stock: dict[tuple[str, str], Record] = {}
        self.tickets: list[Record] = []
        self.reserved: Counter[tuple[str, str]] = Counter()
        self.last_counted: dict[tuple[str, str], datetime] = {}
        self.restocking_transfer: Record | None = None
        self.low_stock_seen = now

    def seed(self) -> None:
        self.seed_locations()
        self.seed_suppliers()
        self.seed_products()
        self.invent_customers()
        self.seed_orders()
        self.seed_returns()
        self.seed_procurement()
        self.seed_transfers()
        counted_at, adjustment = self.plan_stocktake()
        self.seed_opening_balances()
        self.seed_stock_counts(counted_at, adjustment)
        self.seed_stock()
        self.seed_low_stock_request()
        self.seed_alerts()
        self.seed_tickets()
        self.seed_surveys()
        self.seed_suggestions()
        self.seed_outbox()
        self.seed_moves()

    def counts_by_tab(self) -> dict[str, int]:
        return {tab.name: self.counts[tab.name] for tab in ALL_TABS if self.counts[tab.name]}

    # helpers ---------------------------------------------------------------

    def add(self, tab: Tab, values: dict[str, Any]) -> Record:
        self.counts[tab.name] += 1
        return self.tx.insert(tab, values)

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        return _seconds(self.now - timedelta(days=days, hours=hours))

    def between(self, start: datetime, share: float) -> datetime:
        """The moment `share` of the way from `start` to now."""
        return _seconds(start + (self.now - start) * share)

    def hours(self, low: float, high: float) -> timedelta:
        return timedelta(hours=self.rng.uniform(low, high))

    def move(
        self,
        at: datetime,
        sku: str,
        reason: str,
        ref: str,
        by: str,
        qty: int,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> _Move:
        entry = _Move(at, sku, source, target, qty, reason, ref, by)
        self.ledger.append(entry)
        return entry

    def price(self, sku: str) -> float:
        return self.products[sku].price

    # master data -----------------------------------------------------------

    def seed_locations(self) -> None:
        for key, name, kind in LOCATION_DATA:
            record = self.add(LOCATIONS, {"name": name, "kind": kind, "active": True})
            self.location_ids[key] = record.location_id
            self.location_names[key] = name

    def seed_suppliers(self) -> None:
        for key, name, contact, email, phone, rating, lead_time, active, notes in SUPPLIER_DATA:
            self.suppliers[key] = self.add(
                SUPPLIERS,
                {
                    "name": name,
                    "contact": contact,
                    "email": email,
                    "phone": phone,
                    "rating": rating,
                    "lead_time_days": lead_time,
                    "active": active,
                    "notes": notes,
                },
            )

    def seed_products(self) -> None:
        for sku, name, category, unit, unit_cost, price in CATALOGUE:
            self.products[sku] = self.add(
                PRODUCTS,
                {
                    "sku": sku,
                    "name": name,
                    "category": category,
                    "unit": unit,
                    "unit_cost": unit_cost,
                    "price": price,
                    "active": sku not in DISCONTINUED,
                },
            )

    def invent_customers(self) -> None:
        for index, name in enumerate(CUSTOMERS):
            street = f"{self.rng.randint(2, 180)} {self.rng.choice(STREETS)}"
            town = f"{self.rng.choice(TOWNS)} {self.rng.randint(10000, 99999)}"
            self.customers.append((name, _email(name, index), f"{street}, {town}"))

    # orders ----------------------------------------------------------------

    def seed_orders(self) -> None:
        for status, count in ORDER_MIX:
            self.orders += [self.plan_order(status, index) for index in range(count)]
        self.orders.sort(key=lambda plan: plan.values["created_at"])
        self.plan_returns()
        shop_number = 1040
        for plan in self.orders:
            if plan.values["channel"] == CHANNEL.shopify:
                shop_number += 1
                plan.values["external_ref"] = f"#{shop_number}"
            self.insert_order(plan)

    def plan_order(self, status: str, index: int) -> _OrderPlan:
        created = self.order_created_at(status, index)
        location = self.rng.choices(list(ORDER_WEIGHT_BY_LOCATION), list(ORDER_WEIGHT_BY_LOCATION.values()))[
            0
        ]
        name, email, address = self.rng.choice(self.customers)
        channel = self.channel_for(location)
        values = {
            "channel": channel,
            # Shopify numbers are given in order of creation, once all orders are planned.
            "external_ref": self.marketplace_ref() if channel == CHANNEL.marketplace else None,
            "customer_name": name,
            "customer_email": email,
            "ship_address": address,
            "created_at": created,
            "status": status,
            "location_id": self.location_ids[location],
        }
        values.update(self.order_progress(status, index, created))
        lines = self.plan_lines(location)
        values["total"] = round(sum(qty * self.price(sku) for sku, qty in lines), 2)
        return _OrderPlan(status, location, values, lines)

    def order_created_at(self, status: str, index: int) -> datetime:
        """Spread over the last 30 days so that each status is plausible today."""
        if status == ORDER_STATUS.delivered:
            return self.ago(days=29.5 - index * 1.9 + self.rng.uniform(-0.3, 0.3))
        if status == ORDER_STATUS.shipped:
            return self.ago(days=4.5 - index * 0.45)
        if status == ORDER_STATUS.cancelled:
            return self.ago(days=self.rng.uniform(3, 20))
        if index == 0 and status in UNPAID_TOO_LONG_HOURS:
            return self.ago(hours=UNPAID_TOO_LONG_HOURS[status])
        if status in (ORDER_STATUS.new, ORDER_STATUS.confirmed):
            return self.ago(hours=self.rng.uniform(0.3, 40))
        return self.ago(hours=self.rng.uniform(4, 40))

    def marketplace_ref(self) -> str:
        return f"MP-{self.rng.randint(100, 999)}-{self.rng.randint(1_000_000, 9_999_999)}"

    def channel_for(self, location: str) -> str:
        if location == "store":
            return self.rng.choice((CHANNEL.manual, CHANNEL.phone))
        return self.rng.choices(
            (CHANNEL.shopify, CHANNEL.marketplace, CHANNEL.phone, CHANNEL.manual), (5, 3, 1, 1)
        )[0]

    def order_progress(self, status: str, index: int, created: datetime) -> dict[str, Any]:
        """Payment and shipping fields that agree with the order's status."""
        if status in (ORDER_STATUS.new, ORDER_STATUS.confirmed):
            return {"payment_status": PAYMENT.pending}
        if status == ORDER_STATUS.cancelled:
            if index == 0:  # paid, then cancelled: the payment went back
                return {"payment_status": PAYMENT.refunded, "paid_at": _seconds(created + self.hours(0.2, 2))}
            return {"payment_status": PAYMENT.voided}
        paid_at = _seconds(created + self.hours(0.1, 3))
        progress: dict[str, Any] = {"payment_status": PAYMENT.paid, "paid_at": paid_at}
        if status in SHIPPED_STATUSES:
            shipped_at = _seconds(paid_at + self.hours(12, 30))
            carrier, prefix, digits = self.rng.choice(CARRIERS)
            tracking = prefix + "".join(self.rng.choice(string.digits) for _ in range(digits))
            # The first shipped order went out without its tracking number: a check should notice.
            missing_tracking = status == ORDER_STATUS.shipped and index == 0
            progress.update(
                carrier=carrier, tracking_no=None if missing_tracking else tracking, shipped_at=shipped_at
            )
        if status == ORDER_STATUS.delivered:
            progress["delivered_at"] = _seconds(progress["shipped_at"] + self.hours(24, 72))
        return progress

    def plan_lines(self, location: str) -> list[tuple[str, int]]:
        for_sale = [sku for sku in STOCKED[location] if sku not in DISCONTINUED]
        count = self.rng.choice((1, 1, 2, 2, 3))
        return [(sku, self.rng.choice((1, 1, 1, 2, 2, 3))) for sku in self.rng.sample(for_sale, count)]

    def insert_order(self, plan: _OrderPlan) -> None:
        plan.record = self.add(ORDERS, plan.values)
        for sku, qty in plan.lines:
            self.add(
                ORDER_LINES,
                {"order_id": plan.order_id, "sku": sku, "qty": qty, "unit_price": self.price(sku)},
            )
            if plan.status in SHIPPED_STATUSES:
                self.move(
                    plan.values["shipped_at"],
                    sku,
                    MOVE_REASON.shipment,
                    plan.order_id,
                    _staff_at(plan.location),
                    qty,
                    source=self.location_ids[plan.location],
                )

    def delivered(self) -> list[_OrderPlan]:
        return [plan for plan in self.orders if plan.status == ORDER_STATUS.delivered]

    # after-sales -----------------------------------------------------------

    def plan_returns(self) -> None:
        """Four returns on delivered orders, one per stage; the refunded one marks its order's payment."""
        delivered = sorted(self.delivered(), key=lambda plan: plan.values["delivered_at"])
        self.returns = [
            _ReturnPlan(delivered[1], RETURN_STATUS.closed, RETURN_KIND_RETURN, 0.15, 0.35),
            _ReturnPlan(delivered[4], RETURN_STATUS.received, RETURN_KIND_RETURN, 0.3, 0.8),
            _ReturnPlan(delivered[8], RETURN_STATUS.approved, RETURN_KIND.exchange, 0.5),
            _ReturnPlan(delivered[11], RETURN_STATUS.requested, RETURN_KIND_RETURN, 0.9),
        ]
        refunded = self.returns[0].order
        whole_order = self.price(refunded.lines[0][0]) >= refunded.values["total"]
        refunded.values["payment_status"] = PAYMENT.refunded if whole_order else PAYMENT.partially_refunded

    def seed_returns(self) -> None:
        for plan in self.returns:
            record = self.add(RETURNS, self.return_values(plan))
            self.return_records[plan.status] = record
            if plan.received_share is not None:
                delivered_at = plan.order.values["delivered_at"]
                self.move(
                    self.between(delivered_at, plan.received_share),
                    record.sku,
                    MOVE_REASON_RETURN,
                    record.return_id,
                    _staff_at(plan.order.location),
                    record.restock_qty,
                    target=self.location_ids[plan.order.location],
                )

    def return_values(self, plan: _ReturnPlan) -> dict[str, Any]:
        delivered_at = plan.order.values["delivered_at"]
        sku = plan.order.lines[0][0]
        values: dict[str, Any] = {
            "order_id": plan.order.order_id,
            "sku": sku,
            "qty": 1,
            "kind": plan.kind,
            "reason": RETURN_REASONS[plan.status],
            "requested_at": self.between(delivered_at, plan.requested_share),
            "status": plan.status,
            "refund_status": REFUND_STATUS.none,
        }
        if plan.status == RETURN_STATUS.requested:
            return values
        values.update(reviewed_by=MANAGER, decision_note=RETURN_DECISIONS[plan.status])
        if plan.received_share is None:
            return values
        # Goods came back unused: all of it goes back on the shelf and is refunded in full.
        values.update(restock_qty=1, refund_amount=self.price(sku), refund_status=REFUND_STATUS.pending)
        if plan.status == RETURN_STATUS.closed:
            values.update(
                refund_status=REFUND_STATUS.paid,
                refund_ref=f"RF-{self.rng.randint(10_000_000, 99_999_999)}",
                refunded_at=self.between(delivered_at, 0.45),
            )
        return values

    # procurement -----------------------------------------------------------

    def seed_procurement(self) -> None:
        self.seed_contract_restock()
        self.seed_three_quote_purchase()
        self.seed_purchase_above_limit()
        self.seed_request_still_quoting()
        self.seed_purchases_without_request()
        self.request(
            "TEX-004", 50, self.ago(days=20), REQUEST_STATUS.cancelled, "Table runners for the spring range"
        )

    def seed_contract_restock(self) -> None:
        request = self.request(
            "TBL-002", 200, self.ago(days=52), REQUEST_STATUS.closed, "Mugs for the autumn campaign"
        )
        order = self.purchase_order(
            "TBL-002",
            "bluestone",
            200,
            2.05,
            PO_STATUS.received,
            request,
            ordered_at=self.ago(days=50),
            contract_ref="FC-2025-02",
            selection_reason="Framework contract price; contract items need no quotes",
        )
        self.receive(order, self.ago(days=37), 200, 0, "All 10 cartons intact; 20 mugs spot-checked")

    def seed_three_quote_purchase(self) -> None:
        request = self.request(
            "KIT-001",
            60,
            self.ago(days=40),
            REQUEST_STATUS.ordered,
            "Autumn range: skillets sell out in October",
        )
        self.quote(request, "hangzhou", 13.90, self.ago(days=38))
        self.quote(request, "lakeside", 16.40, self.ago(days=37, hours=5), "Can deliver within a week")
        self.quote(request, "greenleaf", 14.60, self.ago(days=36), "Price holds from 60 pcs")
        order = self.purchase_order(
            "KIT-001",
            "hangzhou",
            60,
            13.90,
            PO_STATUS.partially_received,
            request,
            ordered_at=self.ago(days=35),
            contract_ref="HZ-2025-117",
            selection_reason="Lowest price, and rated above Greenleaf; 28 days' lead time meets the date",
        )
        self.receive(
            order, self.ago(days=5), 36, 2, "2 skillets with chipped enamel kept for the supplier; 24 follow"
        )

    def seed_purchase_above_limit(self) -> None:
        unit_price = 14.10
        qty = _qty_above(_default("po_approval_limit"), unit_price)
        request = self.request(
            "TBL-004",
            qty,
            self.ago(days=12),
            REQUEST_STATUS.ordered,
            "Wedding-list season: a year of cutlery",
        )
        self.quote(request, "hangzhou", unit_price, self.ago(days=10))
        self.quote(request, "lakeside", 16.90, self.ago(days=9))
        self.purchase_order(
            "TBL-004",
            "hangzhou",
            qty,
            unit_price,
            PO_STATUS.awaiting_approval,
            request,
            selection_reason="Two quotes only (Greenleaf declined); Hangzhou is 2.80 a set cheaper",
        )

    def seed_request_still_quoting(self) -> None:
        request = self.request(
            "STO-001",
            40,
            self.ago(days=4),
            REQUEST_STATUS.quoting,
            "Overflow warehouse below minimum",
            by=WAREHOUSE,
            department="Warehouse",
        )
        self.quote(request, "lakeside", 10.20, self.ago(days=2), "Two more quotes requested")

    def seed_purchases_without_request(self) -> None:
        self.purchase_order(
            "KIT-002",
            "lakeside",
            _qty_above(_default("po_approval_limit"), 11.60),
            11.60,
            PO_STATUS.approved,
            approved_by=MANAGER,
            selection_reason="Annual volume price; domestic stock avoids the sea-freight wait",
        )
        self.purchase_order(
            "CLN-002",
            "lakeside",
            100,
            2.70,
            PO_STATUS.ordered,
            ordered_at=self.ago(days=4),
            selection_reason="Repeat order at the last quoted price",
        )

    def request(
        self,
        sku: str,
        qty: int,
        created: datetime,
        status: str,
        reason: str,
        *,
        by: str = BUYER,
        department: str = "Purchasing",
        source: str = REQUEST_SOURCE.manual,
        needed_in_days: int = 30,
    ) -> Record:
        return self.add(
            PURCHASE_REQUESTS,
            {
                "created_at": created,
                "requested_by": by,
                "department": department,
                "sku": sku,
                "qty": qty,
                "needed_by": (created + timedelta(days=needed_in_days)).date(),
                "reason": reason,
                "source": source,
                "status": status,
            },
        )

    def quote(
        self, request: Record, supplier: str, unit_price: float, received: datetime, notes: str = ""
    ) -> None:
        self.add(
            QUOTES,
            {
                "request_id": request.request_id,
                "supplier_id": self.suppliers[supplier].supplier_id,
                "unit_price": unit_price,
                "lead_time_days": self.suppliers[supplier].lead_time_days,
                "valid_until": (received + timedelta(days=30)).date(),
                "received_at": received,
                "notes": notes,
            },
        )

    def purchase_order(
        self,
        sku: str,
        supplier: str,
        qty: int,
        unit_price: float,
        status: str,
        request: Record | None = None,
        ordered_at: datetime | None = None,
        **details: Any,
    ) -> Record:
        lead_time = timedelta(days=self.suppliers[supplier].lead_time_days)
        return self.add(
            PURCHASE_ORDERS,
            {
                "request_id": request.request_id if request else None,
                "supplier_id": self.suppliers[supplier].supplier_id,
                "sku": sku,
                "qty": qty,
                "unit_price": unit_price,
                "total": round(qty * unit_price, 2),
                "status": status,
                "ordered_at": ordered_at,
                "expected_at": (ordered_at + lead_time).date() if ordered_at else None,
                **details,
            },
        )

    def receive(self, order: Record, at: datetime, received: int, rejected: int, notes: str) -> None:
        main = self.location_ids["main"]
        receipt = self.add(
            RECEIPTS,
            {
                "po_id": order.po_id,
                "received_at": at,
                "location_id": main,
                "qty_received": received,
                "qty_accepted": received - rejected,
                "qty_rejected": rejected,
                "inspection_notes": notes,
                "received_by": WAREHOUSE,
            },
        )
        self.move(
            at,
            order.sku,
            MOVE_REASON.receipt,
            receipt.receipt_id,
            WAREHOUSE,
            received - rejected,
            target=main,
        )

    # inventory -------------------------------------------------------------

    def seed_transfers(self) -> None:
        self.restocking_transfer = self.transfer(
            "TBL-002", "main", "store", 24, self.ago(days=9), self.ago(days=8), self.ago(days=7)
        )
        self.transfer("KIT-005", "overflow", "store", 10, self.ago(days=2), self.ago(hours=20))

    def transfer(
        self,
        sku: str,
        source: str,
        target: str,
        qty: int,
        requested: datetime,
        shipped: datetime,
        received: datetime | None = None,
    ) -> Record:
        record = self.add(
            TRANSFERS,
            {
                "sku": sku,
                "from_location": self.location_ids[source],
                "to_location": self.location_ids[target],
                "qty": qty,
                "status": TRANSFER_STATUS.received if received else TRANSFER_STATUS.in_transit,
                "requested_by": STORE_STAFF,
                "requested_at": requested,
                "shipped_at": shipped,
                "received_at": received,
            },
        )
        # Goods on the road belong to neither location: out when shipped, in when received.
        self.move(
            shipped,
            sku,
            MOVE_REASON.transfer,
            record.transfer_id,
            WAREHOUSE,
            qty,
            source=record.from_location,
        )
        if received:
            self.move(
                received,
                sku,
                MOVE_REASON.transfer,
                record.transfer_id,
                STORE_STAFF,
                qty,
                target=record.to_location,
            )
        return record

    def plan_stocktake(self) -> tuple[datetime, _Move]:
        """The store was counted three days ago; its approved variance already adjusted the stock."""
        counted_at = self.ago(days=3, hours=2)
        sku, variance = ADJUSTED_COUNT
        store = self.location_ids["store"]
        # The ref is the count line, known only once the line is inserted (seed_stock_counts).
        adjustment = self.move(
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

    def seed_opening_balances(self) -> None:
        """Stock carried over at go-live: enough for every later move and the intended levels."""
        opened_at = self.ago(days=150)
        self.reserved = self.reserved_by_row()
        for location, skus in STOCKED.items():
            for sku in skus:
                opening = self.opening_needed(sku, location)
                if opening:
                    self.move(
                        opened_at,
                        sku,
                        MOVE_REASON.adjustment,
                        OPENING_BALANCE,
                        MANAGER,
                        opening,
                        target=self.location_ids[location],
                    )

    def reserved_by_row(self) -> Counter[tuple[str, str]]:
        reserved: Counter[tuple[str, str]] = Counter()
        for plan in self.orders:
            if plan.status in RESERVING_STATUSES:
                for sku, qty in plan.lines:
                    reserved[sku, plan.location] += qty
        return reserved

    def opening_needed(self, sku: str, location: str) -> int:
        location_id = self.location_ids[location]
        running = lowest = 0
        for entry in sorted(self.ledger, key=lambda entry: entry.at):
            running += entry.effect_on(sku, location_id)
            lowest = min(lowest, running)
        wanted_on_hand = self.reserved[sku, location] + self.intended_available(sku, location)
        # Never below zero at any moment, and at least the level this row is meant to show.
        return max(wanted_on_hand - running, -lowest)

    def intended_available(self, sku: str, location: str) -> int:
        if (sku, location) in LOW_STOCK_ROWS:
            return self.rng.randint(1, 3)
        if (sku, location) == OVERSTOCK_ROW:
            return self.rng.randint(140, 170)
        if sku in DISCONTINUED:
            return 4
        return self.rng.randint(18, 60) if location == "main" else self.rng.randint(6, 24)

    def balance(self, sku: str, location: str, until: datetime | None = None) -> int:
        location_id = self.location_ids[location]
        return sum(
            entry.effect_on(sku, location_id) for entry in self.ledger if until is None or entry.at <= until
        )

    def seed_stock_counts(self, counted_at: datetime, adjustment: _Move) -> None:
        store = self.location_ids["store"]
        variances = dict((ADJUSTED_COUNT, PENDING_COUNT))
        for index, sku in enumerate(STOCKED["store"]):
            at = counted_at + timedelta(minutes=3 * index)
            book = self.balance(sku, "store", until=at)
            variance = variances.get(sku, 0)
            awaiting_approval = sku == PENDING_COUNT[0]
            record = self.add(
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
            self.last_counted[sku, "store"] = at

    def seed_stock(self) -> None:
        for location, skus in STOCKED.items():
            for sku in skus:
                on_hand = self.balance(sku, location)
                reserved = self.reserved[sku, location]
                min_qty, max_qty = _limits(sku, location, on_hand, on_hand - reserved)
                self.stock[sku, location] = self.add(
                    STOCK,
                    {
                        "sku": sku,
                        "location_id": self.location_ids[location],
                        "on_hand": on_hand,
                        "reserved": reserved,
                        "min_qty": min_qty,
                        "max_qty": max_qty,
                        "last_counted_at": self.last_counted_at(sku, location),
                    },
                )

    def last_counted_at(self, sku: str, location: str) -> datetime:
        interval = _default("stocktake_interval_days")
        if location == "store":
            return self.last_counted[sku, location]
        if location == "overflow":  # overdue for its stocktake
            return self.ago(days=self.rng.uniform(interval + 10, 120))
        return self.ago(days=self.rng.uniform(10, interval - 10))

    def seed_low_stock_request(self) -> None:
        sku, location = LOW_STOCK_ALERT_ROW
        row = self.stock[sku, location]
        available = row.on_hand - row.reserved
        self.low_stock_seen = self.ago(hours=26)
        self.request(
            sku,
            row.max_qty - available,
            self.low_stock_seen,
            REQUEST_STATUS.open,
            f"Available {available} below minimum {row.min_qty} at {self.location_names[location]}",
            by=LOW_STOCK_CHECK,
            source=REQUEST_SOURCE.auto,
            needed_in_days=14,
        )

    # alerts ----------------------------------------------------------------

    def seed_alerts(self) -> None:
        self.alert_low_stock()
        self.alert_unpaid_order()
        self.alert_resolved_by_transfer()

    def alert_low_stock(self) -> None:
        sku, location = LOW_STOCK_ALERT_ROW
        row = self.stock[sku, location]
        ref = f"{sku}@{row.location_id}"
        self.add(
            ALERTS,
            {
                "key": f"{ALERT_LOW_STOCK}:{ref}",
                "kind": ALERT_LOW_STOCK,
                "severity": SEVERITY.warning,
                "ref": ref,
                "message": f"{self.products[sku].name}: {row.on_hand - row.reserved} available at "
                f"{self.location_names[location]}, minimum {row.min_qty}",
                "owner_role": ROLE.manager,
                "status": ALERT_STATUS.open,
                "first_seen": self.low_stock_seen,
                "last_seen": self.now,
            },
        )

    def alert_unpaid_order(self) -> None:
        unpaid = [plan for plan in self.orders if plan.values["payment_status"] == PAYMENT.pending]
        oldest = min(unpaid, key=lambda plan: plan.values["created_at"])
        created = oldest.values["created_at"]
        limit = _default("unpaid_timeout_hours")
        waited = int((self.now - created) / timedelta(hours=1))
        self.add(
            ALERTS,
            {
                "key": f"{ALERT_UNPAID}:{oldest.order_id}",
                "kind": ALERT_UNPAID,
                "severity": SEVERITY.breach,
                "ref": oldest.order_id,
                "message": f"Order {oldest.order_id} from {oldest.values['customer_name']} "
                f"unpaid for {waited} hours (limit {limit})",
                "owner_role": ROLE.staff,
                "status": ALERT_STATUS.open,
                "first_seen": created + timedelta(hours=limit),
                "last_seen": self.now,
            },
        )

    def alert_resolved_by_transfer(self) -> None:
        transfer = self.restocking_transfer
        assert transfer is not None, "seed_transfers runs first"
        ref = f"{transfer.sku}@{transfer.to_location}"
        self.add(
            ALERTS,
            {
                "key": f"{ALERT_LOW_STOCK}:{ref}",
                "kind": ALERT_LOW_STOCK,
                "severity": SEVERITY.warning,
                "ref": ref,
                "message": f"{self.products[transfer.sku].name}: below minimum at {self.location_names['store']}",
                "owner_role": ROLE.manager,
                "status": ALERT_STATUS.resolved,
                "first_seen": transfer.requested_at - timedelta(days=1),
                "last_seen": transfer.received_at,
                "resolved_at": transfer.received_at,
            },
        )

    # customer service ------------------------------------------------------

    def seed_tickets(self) -> None:
        used: set[int] = set()
        for script in TICKET_SCRIPTS:
            self.tickets.append(self.add(TICKETS, self.ticket_values(script, used)))

    def ticket_values(self, script: _TicketScript, used: set[int]) -> dict[str, Any]:
        opened = None if script.opened_hours_ago is None else self.ago(hours=script.opened_hours_ago)
        order = self.order_for(script.order, opened, used) if script.order else None
        if opened is None:
            assert order is not None, "a ticket timed by its order needs an order"
            opened = _seconds(order.values["created_at"] + timedelta(hours=1))
        if order:
            name, email = order.values["customer_name"], order.values["customer_email"]
        else:
            name, email, _ = self.rng.choice(self.customers)
        product = self.products[order.lines[0][0]].name if order else ""
        sla_hours = _default(f"sla_hours_{script.priority}")
        return {
            "kind": script.kind,
            "order_id": order.order_id if order else None,
            "customer_name": name,
            "customer_email": email,
            "subject": script.subject.format(product=product),
            "details": script.details,
            "priority": script.priority,
            "status": script.status,
            "assignee": SERVICE if script.response_after is not None else None,
            "opened_at": opened,
            "due_at": opened + timedelta(hours=sla_hours),
            "first_response_at": _after(opened, script.response_after),
            "resolved_at": _after(opened, script.resolved_after),
            "resolution": script.resolution,
        }

    def order_for(self, wanted: str, before: datetime | None, used: set[int]) -> _OrderPlan | None:
        """An order not yet written about: the latest one the customer could complain about by `before`."""
        candidates = [
            index
            for index, plan in enumerate(self.orders)
            if index not in used and _matches(plan, wanted) and (before is None or _last_event(plan) < before)
        ]
        if not candidates:
            return None
        chosen = candidates[-1] if before else candidates[0]
        used.add(chosen)
        return self.orders[chosen]

    def seed_surveys(self) -> None:
        for plan in self.delivered()[::2]:
            self.survey(plan.order_id, plan.values["delivered_at"] + timedelta(days=1))
        resolved = [ticket for ticket in self.tickets if ticket.resolved_at]
        for ticket in resolved[:3]:
            self.survey(ticket.ticket_id, ticket.resolved_at + timedelta(hours=1))

    def survey(self, ref: str, sent_at: datetime) -> None:
        if sent_at > self.now:
            return
        values: dict[str, Any] = {"ref": ref, "token": _token(self.rng), "sent_at": sent_at}
        answered_at = _seconds(sent_at + self.hours(2, 30))
        if self.rng.random() < 0.7 and answered_at <= self.now:
            score = self.rng.choices(list(SCORE_WEIGHTS), list(SCORE_WEIGHTS.values()))[0]
            values.update(
                answered_at=answered_at, score=score, comment=self.rng.choice(SURVEY_COMMENTS[score])
            )
        self.add(SURVEYS, values)

    # improvement and messages ----------------------------------------------

    def seed_suggestions(self) -> None:
        for by, days_ago, process, text, votes, status, decided_by, decision in SUGGESTION_DATA:
            self.add(
                SUGGESTIONS,
                {
                    "submitted_by": by,
                    "submitted_at": self.ago(days=days_ago),
                    "process": process,
                    "text": text,
                    "votes": votes,
                    "status": status,
                    "decided_by": decided_by,
                    "decision": decision,
                },
            )

    def seed_outbox(self) -> None:
        delivered = max(self.delivered(), key=lambda plan: plan.values["delivered_at"])
        delivered_at = delivered.values["delivered_at"]
        self.message(
            delivered.values,
            f"Your order {delivered.order_id} has been delivered",
            "We hope you enjoy it. Tell us how we did: a short survey follows tomorrow.",
            delivered.order_id,
            delivered_at,
            status=MESSAGE_STATUS.sent,
            attempts=1,
            sent_at=delivered_at + timedelta(minutes=1),
        )
        newest = self.orders[-1]
        self.message(
            newest.values,
            f"We have received your order {newest.order_id}",
            "Thank you! We will let you know as soon as it ships.",
            newest.order_id,
            newest.values["created_at"] + timedelta(minutes=1),
            status=MESSAGE_STATUS.queued,
        )
        exchange = self.return_records[RETURN_STATUS.approved]
        order = next(plan.order for plan in self.returns if plan.status == RETURN_STATUS.approved)
        self.message(
            order.values,
            "Your exchange has been approved",
            "Please send the item back with the enclosed label; the replacement ships when it arrives.",
            exchange.return_id,
            self.between(exchange.requested_at, 0.2),
            status=MESSAGE_STATUS.failed,
            attempts=3,
            error=f"550 5.1.1 <{order.values['customer_email']}>: Recipient address rejected: mailbox unavailable",
        )

    def message(
        self,
        order: dict[str, Any],
        subject: str,
        body: str,
        ref: str,
        created_at: datetime,
        *,
        status: str,
        attempts: int = 0,
        sent_at: datetime | None = None,
        error: str | None = None,
    ) -> None:
        self.add(
            OUTBOX,
            {
                "created_at": created_at,
                "to": order["customer_email"],
                "subject": subject,
                "body": f"Dear {order['customer_name']},\n\n{body}\n\nHarbour Home & Kitchen",
                "ref": ref,
                "status": status,
                "attempts": attempts,
                "sent_at": sent_at,
                "error": error,
            },
        )

    # the ledger, last: every other record has given it its refs -------------

    def seed_moves(self) -> None:
        for entry in sorted(self.ledger, key=lambda entry: entry.at):
            self.add(STOCK_MOVES, asdict(entry))


# --- small helpers -------------------------------------------------------------


def _default(setting: str) -> Any:
    """A threshold's declared default: the Settings rows init writes hold these values."""
    return DECLARED_SETTINGS[setting].default


def _seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _after(moment: datetime, hours: float | None) -> datetime | None:
    return None if hours is None else _seconds(moment + timedelta(hours=hours))


def _email(name: str, index: int) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    domain = "example.net" if index % 3 == 0 else "example.com"
    return f"{plain.lower().replace(' ', '.')}@{domain}"


def _token(rng: random.Random) -> str:
    """A survey link token; as long as secrets.token_urlsafe(16), but reproducible for the demo."""
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(22))


def _qty_above(limit: float, unit_price: float) -> int:
    """A round quantity whose value lies just above `limit`."""
    return math.ceil(limit * 1.05 / unit_price / 10) * 10


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _round_down(value: float, step: int) -> int:
    return int(value // step * step)


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


def _staff_at(location: str) -> str:
    return STORE_STAFF if location == "store" else WAREHOUSE


def _matches(plan: _OrderPlan, wanted: str) -> bool:
    if wanted == UNTRACKED:
        return plan.status == ORDER_STATUS.shipped and not plan.values.get("tracking_no")
    return plan.status == wanted


def _last_event(plan: _OrderPlan) -> datetime:
    values = plan.values
    return values.get("delivered_at") or values.get("shipped_at") or values["created_at"]
