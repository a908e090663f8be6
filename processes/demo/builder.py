"""What every part of the demo story shares: the transaction, the clock, one random
generator, the records seeded so far and the stock ledger still to be written.

Each area module takes a DemoBuilder and adds its records through it, so the
counts per tab and the ledger stay in one place.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sheets.schema import Tab
from sheets.settings import BY_KEY as DECLARED_SETTINGS
from sheets.table import Record
from sheets.tabs import ALL_TABS
from sheets.transaction import Transaction

from .choices import ORDER_STATUS

# --- the cast ----------------------------------------------------------------

MANAGER = "maria"
WAREHOUSE = "tom"
SERVICE = "lena"
BUYER = "raj"
STORE_STAFF = "ines"


def staff_at(location: str) -> str:
    """Who handles the goods at a location: the store's own staff, else the warehouse."""
    return STORE_STAFF if location == "store" else WAREHOUSE


class Customer(NamedTuple):
    name: str
    email: str
    address: str


@dataclass
class Move:
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
class OrderPlan:
    """An order decided before it is written: returns and Shopify numbers need all of them first."""

    status: str
    location: str
    values: dict[str, Any]
    lines: list[tuple[str, int]]
    record: Record | None = None

    @property
    def order_id(self) -> str:
        assert self.record is not None, "the order is not inserted yet"
        return self.record.order_id


class DemoBuilder:
    """Inserts records into one transaction and keeps what later parts of the story refer to."""

    def __init__(self, tx: Transaction, rng: random.Random, now: datetime) -> None:
        self.tx = tx
        self.rng = rng
        self.now = now
        self.counts: Counter[str] = Counter()
        # Stock moves are collected as the story unfolds and written last (see write_ledger).
        self.ledger: list[Move] = []
        self.location_ids: dict[str, str] = {}
        self.location_names: dict[str, str] = {}
        self.suppliers: dict[str, Record] = {}
        self.products: dict[str, Record] = {}
        self.customers: list[Customer] = []
        # The orders the story tells (every status, the tickets and returns are about these) ...
        self.orders: list[OrderPlan] = []
        # ... and the months of everyday sales before and around them (history.py).
        self.history: list[OrderPlan] = []
        # Every record inserted, by tab: the forecast runs are computed from them (forecast_runs.py).
        self.records: defaultdict[str, list[Record]] = defaultdict(list)

    def add(self, tab: Tab, values: dict[str, Any]) -> Record:
        self.counts[tab.name] += 1
        record = self.tx.insert(tab, values)
        self.records[tab.name].append(record)
        return record

    def counts_by_tab(self) -> dict[str, int]:
        return {tab.name: self.counts[tab.name] for tab in ALL_TABS if self.counts[tab.name]}

    def ago(self, days: float = 0, hours: float = 0) -> datetime:
        return whole_seconds(self.now - timedelta(days=days, hours=hours))

    def between(self, start: datetime, share: float) -> datetime:
        """The moment `share` of the way from `start` to now."""
        return whole_seconds(start + (self.now - start) * share)

    def hours(self, low: float, high: float) -> timedelta:
        """A random span of `low` to `high` hours."""
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
    ) -> Move:
        """Record a stock move for the ledger; returned so a ref known only later can be filled in."""
        entry = Move(at, sku, source, target, qty, reason, ref, by)
        self.ledger.append(entry)
        return entry

    def price(self, sku: str) -> float:
        return self.products[sku].price

    def delivered_orders(self) -> list[OrderPlan]:
        """The story's delivered orders (not the history's): returns, surveys and e-mails are about these."""
        return [plan for plan in self.orders if plan.status == ORDER_STATUS.delivered]

    def all_orders(self) -> list[OrderPlan]:
        """Every order, the story's and the history's, oldest first."""
        return sorted(self.orders + self.history, key=lambda plan: plan.values["created_at"])


def declared_default(setting: str) -> Any:
    """A threshold's declared default: the Settings rows init writes hold these values."""
    return DECLARED_SETTINGS[setting].default


def whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
