"""The stock simulation behind the history: orders ship when the stock is there, and stock is bought when it runs low.

Event by event, in time order, from the opening balances to now:

- an order ships when its location holds every item; otherwise it waits for
  the next delivery there, and a customer who has waited CUSTOMER_PATIENCE
  cancels it;
- every weekday morning the buyer looks at each product in the main
  warehouse: when stock on hand and on order, less what waits to ship, falls
  to the reorder point (the last four weeks' sales, all locations, over the
  supplier's lead time and SAFETY_DAYS more), a purchase order brings it up to
  cover the lead time and ORDER_COVER_DAYS, in whole cartons and at least the
  supplier's minimum. It arrives after the supplier's lead time, give or take a
  day, except the HELD_DELIVERIES, which leave the shelf empty for some days;
- the store and the overflow warehouse ask the main warehouse for a transfer
  when their stock falls to a few days' sales; it arrives the next morning.

The story's own stock events (its shipments, purchases, transfers, the
stocktake) happen here as they are told. Units they take out are promised
PROMISE_DAYS ahead, so everyday orders never take them; orders the story
keeps open at the end are promised the same way.

The low-stock rows of the story (stock.LOW_STOCK_ROWS) are those whose
reorders stopped some weeks ago: their last replenishment was sized to last
until now, and settling.py trims it so the row ends where the story needs it.
Nothing is written here: replenishment.py writes what was decided.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sheets.tabs import PURCHASE_ORDERS, RECEIPTS

from .builder import DemoBuilder, Move, OrderPlan, whole_seconds
from .catalogue import DISCONTINUED, STOCKED, lead_time_days, order_quantity
from .choices import ORDER_STATUS, RESERVING_STATUSES, SHIPPED_STATUSES
from .history import FIRST_DAY_AGO, Sale
from .patterns import STORE_CLOSED, expected_units
from .settling import balanced_openings, settle_low_rows
from .stock import LOW_STOCK_ROWS
from .supply import Outcome, Posting, Purchase, Row, Transfer

SAFETY_DAYS = 10
ORDER_COVER_DAYS = 30
MIN_REORDER_POINT = 4
BRANCH_REORDER_DAYS = 6
BRANCH_COVER_DAYS = 21
BRANCH_MIN_COVER = 4
MAIN_KEEPS_DAYS = 3  # of its own sales, when another location asks for stock
TRAILING_DAYS = 28
CUSTOMER_PATIENCE = timedelta(days=14)
PROMISE_DAYS = 14  # the story's first shipments are 4 weeks old: the held deliveries lie before its promises
# sku -> (days ago, days held): the first delivery due after that day, and every one due while it
# waited, was held at the port that many days.
HELD_DELIVERIES = {"KIT-003": (95, 22), "TEX-001": (75, 24)}
#: Reorders stop this many days before now for the low rows: lead time + this at the main warehouse.
LOW_ROW_QUIET_DAYS = {"main": 24, "overflow": 12, "store": 12}
LAST_ORDER_MARGIN = 1.4


@dataclass
class Shelf:
    """One product at one location as the simulation runs."""

    on_hand: int = 0
    promised: int = 0  # units kept for the story's later events and orders held at the end
    coming: int = 0  # on order from a supplier, or on its way from the main warehouse
    waiting: int = 0  # units of orders waiting for stock

    @property
    def free(self) -> int:
        return self.on_hand - self.promised


def simulate(demo: DemoBuilder, sales: list[Sale]) -> Outcome:
    """Run the shop from its opening balances to now; every sale learns when it shipped, if it did."""
    run = _Simulation(demo, sales)
    run.play()
    outcome = run.outcome()
    settle_low_rows(demo, outcome, run.postings())
    balanced_openings(demo, outcome, run.postings())
    return outcome


class _Simulation:
    def __init__(self, demo: DemoBuilder, sales: list[Sale]) -> None:
        self.demo = demo
        self.sales = [sale for sale in sales if sale.plan.status != ORDER_STATUS.cancelled]
        # The opening balances, the morning before the first day of sales.
        self.start = demo.ago(days=FIRST_DAY_AGO + 1).replace(hour=7, minute=0, second=0)
        self.shelves: defaultdict[Row, Shelf] = defaultdict(Shelf)
        self.events: list[tuple[datetime, int, Callable[[datetime], None]]] = []
        self.sequence = itertools.count()
        self.waiting: dict[str, list[Sale]] = {location: [] for location in STOCKED}
        self.purchases: list[Purchase] = []
        self.transfers: list[Transfer] = []
        self.quiet_since = {row: self._quiet_since(row) for row in sorted(LOW_STOCK_ROWS)}
        self.stopped: set[Row] = set()  # low rows no longer replenished
        self.released: dict[str, datetime] = {}  # held deliveries: when the port let them go
        self.sold = _daily_units(demo, self.sales, self.start)
        self.openings = {row: self._opening(row) for row in _rows()}
        self.story_moves = list(demo.ledger)  # so far the ledger holds only the story's moves
        self.held: defaultdict[Row, int] = defaultdict(int)

    # --- the run ---------------------------------------------------------------

    def play(self) -> None:
        for row, qty in self.openings.items():
            self.shelves[row].on_hand += qty
        self._schedule_story()
        for sale in self.sales:
            if sale.ready_at < self.demo.now:
                self._at(sale.ready_at, lambda at, sale=sale: self._ready(sale, at))
        for day in range(FIRST_DAY_AGO + 1):
            morning = self.start + timedelta(days=day + 1)
            self._at(morning.replace(hour=8), self._mornings)
        while self.events and self.events[0][0] < self.demo.now:
            at, _, act = heapq.heappop(self.events)
            act(at)
        self._close()

    def _at(self, moment: datetime, act: Callable[[datetime], None]) -> None:
        heapq.heappush(self.events, (moment, next(self.sequence), act))

    def _mornings(self, at: datetime) -> None:
        self._lose_patience(at)
        if at.weekday() < 5:
            self._buy(at.replace(minute=30))
            self._restock("overflow", at.replace(hour=9))
        if at.weekday() != STORE_CLOSED:
            self._restock("store", at.replace(hour=9))

    # --- sales -----------------------------------------------------------------

    def _ready(self, sale: Sale, at: datetime) -> None:
        if self._in_stock(sale):
            self._ship(sale, at)
        else:
            self.waiting[sale.plan.location].append(sale)
            for sku, qty in sale.plan.lines:
                self.shelves[sku, sale.plan.location].waiting += qty

    def _in_stock(self, sale: Sale) -> bool:
        return all(self.shelves[sku, sale.plan.location].free >= qty for sku, qty in sale.plan.lines)

    def _ship(self, sale: Sale, at: datetime) -> None:
        for sku, qty in sale.plan.lines:
            self.shelves[sku, sale.plan.location].on_hand -= qty
        sale.ship(self.demo, at)
        if sale.coming_back:
            row = (sale.plan.lines[0][0], sale.plan.location)
            self._at(sale.coming_back.received_at, lambda moment: self._arrive(row, 1, moment, coming=0))

    def _stop_waiting(self, sale: Sale) -> None:
        self.waiting[sale.plan.location].remove(sale)
        for sku, qty in sale.plan.lines:
            self.shelves[sku, sale.plan.location].waiting -= qty

    def _serve_waiting(self, location: str, at: datetime) -> None:
        """Orders that waited ship once everything they need is in, oldest first."""
        for sale in list(self.waiting[location]):
            if self._in_stock(sale):
                self._stop_waiting(sale)
                shipped = at + self.demo.hours(1, 5)
                if shipped < self.demo.now:
                    self._ship(sale, shipped)
                else:
                    self._hold(sale)

    def _lose_patience(self, at: datetime) -> None:
        for waiting in self.waiting.values():
            for sale in [sale for sale in waiting if at - sale.ready_at > CUSTOMER_PATIENCE]:
                self._stop_waiting(sale)
                sale.unserved = True

    def _hold(self, sale: Sale) -> None:
        """An order open at the end: its stock stays on the shelf, reserved for it."""
        sale.held = True
        for sku, qty in sale.plan.lines:
            self.shelves[sku, sale.plan.location].promised += qty
            self.held[sku, sale.plan.location] += qty

    def _close(self) -> None:
        """Orders not shipped by now: held when their stock is there and they are paid, else cancelled."""
        for waiting in self.waiting.values():
            for sale in list(waiting):
                self._stop_waiting(sale)
                sale.unserved = True
        for sale in self.sales:
            if sale.shipped_at or sale.unserved or sale.held or sale.ready_at < self.demo.now:
                continue
            if sale.plan.values["paid_at"] > self.demo.now:
                continue  # not paid yet: nothing is reserved before the order is confirmed
            if self._in_stock(sale):
                self._hold(sale)
            else:
                sale.unserved = True

    # --- buying ----------------------------------------------------------------

    def _buy(self, at: datetime) -> None:
        for sku in STOCKED["main"]:
            row = (sku, "main")
            if sku in DISCONTINUED or row in self.stopped:
                continue
            lead = lead_time_days(sku)
            rate = self._company_rate(sku, at)
            position = self._position(row)
            if self._last_chance(row, at):
                wanted = self._to_last_until_now(rate, at) - position
            elif position <= max(math.ceil(rate * (lead + SAFETY_DAYS)), MIN_REORDER_POINT):
                wanted = math.ceil(rate * (lead + ORDER_COVER_DAYS)) - position
            else:
                continue
            if wanted > 0:
                self._order(sku, order_quantity(sku, wanted), at, lead)

    def _order(self, sku: str, qty: int, at: datetime, lead: int) -> None:
        expected = at + timedelta(days=lead)
        arrives = self._arrival(sku, expected)
        purchase = Purchase(sku, qty, whole_seconds(at), expected, arrives)
        self.purchases.append(purchase)
        self.shelves[sku, "main"].coming += qty
        self._at(arrives, lambda moment: self._arrive((sku, "main"), qty, moment))

    def _arrival(self, sku: str, expected: datetime) -> datetime:
        """The supplier's lead time give or take a day; held at the port in a product's bad weeks."""
        arrives = expected + timedelta(days=self.demo.rng.uniform(-1, 2))
        if sku in HELD_DELIVERIES:
            days_ago, days_held = HELD_DELIVERIES[sku]
            if arrives >= self.demo.ago(days=days_ago):
                released = self.released.setdefault(sku, arrives + timedelta(days=days_held))
                arrives = max(arrives, released)
        return whole_seconds(arrives.replace(hour=self.demo.rng.randint(9, 15)))

    def _arrive(self, row: Row, qty: int, at: datetime, coming: int | None = None) -> None:
        """`qty` units in at `row`; `coming` of them were on order (all, unless said)."""
        shelf = self.shelves[row]
        shelf.on_hand += qty
        shelf.coming -= qty if coming is None else coming
        self._serve_waiting(row[1], at)

    # --- transfers -------------------------------------------------------------

    def _restock(self, location: str, at: datetime) -> None:
        for sku in STOCKED[location]:
            row = (sku, location)
            if sku in DISCONTINUED or row in self.stopped:
                continue
            rate = self._rate(row, at)
            position = self._position(row)
            if self._last_chance(row, at):
                wanted = self._to_last_until_now(rate, at) - position
            elif position <= max(math.ceil(rate * BRANCH_REORDER_DAYS), 2):
                wanted = max(math.ceil(rate * BRANCH_COVER_DAYS), BRANCH_MIN_COVER) - position
            else:
                continue
            main = self.shelves[sku, "main"]
            spare = main.free - main.waiting - math.ceil(self._rate((sku, "main"), at) * MAIN_KEEPS_DAYS)
            qty = min(wanted, spare)
            if qty > 0:
                self._send(sku, location, qty, at)

    def _send(self, sku: str, location: str, qty: int, at: datetime) -> None:
        shipped = whole_seconds(at + self.demo.hours(2, 5))
        if shipped >= self.demo.now:
            return  # it leaves later today: not part of the story
        received = at + timedelta(days=1)
        if location == "store" and received.weekday() == STORE_CLOSED:
            received += timedelta(days=1)
        received = whole_seconds(received.replace(hour=10) + self.demo.hours(0, 2))
        transfer = Transfer(sku, location, qty, whole_seconds(at), shipped, received)
        self.transfers.append(transfer)
        self.shelves[sku, "main"].on_hand -= qty  # taken off the shelf when packed, before it leaves
        self.shelves[sku, location].coming += qty
        if received < self.demo.now:
            self._at(received, lambda moment: self._arrive((sku, location), qty, moment))

    # --- the story's own events --------------------------------------------------

    def _schedule_story(self) -> None:
        locations = {location_id: key for key, location_id in self.demo.location_ids.items()}
        for move in self.story_moves:
            if move.from_location:
                row = (move.sku, locations[move.from_location])
                self._promise(row, move.qty, move.at)
            self._at(move.at, lambda at, move=move: self._story_move(move, locations))
        for plan in self.demo.orders:
            for sku, qty in plan.lines:
                row = (sku, plan.location)
                if plan.status in SHIPPED_STATUSES:
                    self._promise(row, qty, plan.values["shipped_at"])
                    self._at(plan.values["shipped_at"], lambda at, row=row, qty=qty: self._take(row, qty))
                elif plan.status in RESERVING_STATUSES:
                    self._promise(row, qty, self.demo.now)
        purchases = self.demo.records[PURCHASE_ORDERS.name]
        for purchase in purchases:
            if purchase.ordered_at:
                self._at(purchase.ordered_at, lambda at, p=purchase: self._story_ordered(p.sku, p.qty))
        for receipt in self.demo.records[RECEIPTS.name]:
            sku = next(p.sku for p in purchases if p.po_id == receipt.po_id)
            self._at(
                receipt.received_at, lambda at, s=sku, q=receipt.qty_received: self._story_ordered(s, -q)
            )

    def _promise(self, row: Row, qty: int, until: datetime) -> None:
        since = max(until - timedelta(days=PROMISE_DAYS), self.start)
        self._at(since, lambda at: self._add_promise(row, qty))

    def _add_promise(self, row: Row, qty: int) -> None:
        self.shelves[row].promised += qty

    def _take(self, row: Row, qty: int) -> None:
        shelf = self.shelves[row]
        shelf.on_hand -= qty
        shelf.promised -= qty

    def _story_move(self, move: Move, locations: dict[str, str]) -> None:
        if move.from_location:
            self._take((move.sku, locations[move.from_location]), move.qty)
        if move.to_location:
            location = locations[move.to_location]
            self.shelves[move.sku, location].on_hand += move.qty
            self._serve_waiting(location, move.at)

    def _story_ordered(self, sku: str, qty: int) -> None:
        self.shelves[sku, "main"].coming += qty

    # --- what the buyer and the staff see -----------------------------------------

    def _position(self, row: Row) -> int:
        shelf = self.shelves[row]
        return shelf.free + shelf.coming - shelf.waiting

    def _rate(self, row: Row, at: datetime) -> float:
        """Units sold a day over the last four weeks; at first, what the shop expected."""
        day = (at.date() - self.start.date()).days
        if day < TRAILING_DAYS:
            return expected_units(*row, progress=0.0)
        sold = self.sold[row]
        return sum(sold[day - TRAILING_DAYS : day]) / TRAILING_DAYS

    def _company_rate(self, sku: str, at: datetime) -> float:
        return sum(self._rate((sku, location), at) for location in STOCKED if sku in STOCKED[location])

    def _quiet_since(self, row: Row) -> datetime:
        sku, location = row
        lead = lead_time_days(sku) if location == "main" else 1
        return self.demo.ago(days=lead + LOW_ROW_QUIET_DAYS[location])

    def _last_chance(self, row: Row, at: datetime) -> bool:
        """A low row's last look: it is replenished once more, if need be, and never again."""
        if row not in self.quiet_since or at < self.quiet_since[row]:
            return False
        self.stopped.add(row)
        return True

    def _to_last_until_now(self, rate: float, at: datetime) -> int:
        """Enough to last until now with room to spare (settle_low_rows trims the spare)."""
        return math.ceil(rate * (self.demo.now - at).days * LAST_ORDER_MARGIN) + 3

    def _opening(self, row: Row) -> int:
        """Stock at go-live: what the buyer would have had on the shelf for the expected sales."""
        sku, location = row
        if sku in DISCONTINUED:
            return 4 if location == "main" else 0  # the last few, sold off
        rate = expected_units(sku, location, 0.0)
        if location == "main":
            rate = sum(expected_units(sku, place, 0.0) for place in STOCKED if sku in STOCKED[place])
            return math.ceil(rate * (lead_time_days(sku) + SAFETY_DAYS + ORDER_COVER_DAYS / 2)) + 5
        return math.ceil(rate * BRANCH_COVER_DAYS) + 3

    # --- results ---------------------------------------------------------------

    def outcome(self) -> Outcome:
        return Outcome(self.start, self.openings, self.purchases, self.transfers, dict(self.held))

    def postings(self) -> list[Posting]:
        """Every stock change as the ledger will date it (the story's own returns apart: they only add)."""
        locations = {location_id: key for key, location_id in self.demo.location_ids.items()}
        entries = [(self.start, row, qty) for row, qty in self.openings.items()]
        for move in self.story_moves:
            if move.from_location:
                entries.append((move.at, (move.sku, locations[move.from_location]), -move.qty))
            if move.to_location:
                entries.append((move.at, (move.sku, locations[move.to_location]), move.qty))
        for plan, shipped in _shipments(self.demo.orders, self.sales):
            entries += [(shipped, (sku, plan.location), -qty) for sku, qty in plan.lines]
        entries += [
            (purchase.received_at, (purchase.sku, "main"), purchase.qty)
            for purchase in self.purchases
            if purchase.received_at < self.demo.now and not purchase.cancelled
        ]
        for sale in self.sales:
            if sale.coming_back:
                entries.append((sale.coming_back.received_at, (sale.plan.lines[0][0], sale.plan.location), 1))
        for t in self.transfers:
            entries.append((t.shipped_at, (t.sku, "main"), -t.qty))
            if t.received_at < self.demo.now:
                entries.append((t.received_at, (t.sku, t.target), t.qty))
        return sorted(entries, key=lambda entry: entry[0])


def _rows() -> list[Row]:
    return [(sku, location) for location, skus in STOCKED.items() for sku in skus]


def _daily_units(demo: DemoBuilder, sales: list[Sale], start: datetime) -> dict[Row, list[int]]:
    sold: defaultdict[Row, list[int]] = defaultdict(lambda: [0] * (FIRST_DAY_AGO + 3))
    for plan in [sale.plan for sale in sales] + demo.orders:
        if plan.status == ORDER_STATUS.cancelled:
            continue
        day = (plan.values["created_at"].date() - start.date()).days
        for sku, qty in plan.lines:
            sold[sku, plan.location][day] += qty
    return sold


def _shipments(story: list[OrderPlan], sales: list[Sale]) -> Iterator[tuple[OrderPlan, datetime]]:
    for plan in story:
        if plan.status in SHIPPED_STATUSES:
            yield plan, plan.values["shipped_at"]
    for sale in sales:
        if sale.shipped_at:
            yield sale.plan, sale.shipped_at
