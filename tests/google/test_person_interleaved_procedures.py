"""Seeded random runs of real procedures while a person edits the tabs they write, between every request.

The app imports Shopify files (new orders, and orders imported before whose payment
moved on), enters orders by hand, takes the order steps (confirm, record payment,
pick, pack, ship, deliver, cancel), receives and transfers stock, sets stock limits,
and runs the scheduled checks. Before any request it sends, a person may edit Orders,
Order Lines, Stock or Alerts (tests/google/person_edits.py): move a column, add, retype
or delete one of their own, insert blank rows, type a note into a blank row, delete
their own row, sort.

Every write plan the app commits is kept (a spy on the Google session's commit), and
applied to a model of every tab only when the commit reports success. After each action
the sheet is read twice, by header straight from the fake and through the record
layer, and must equal that model: every value under its own header, every record
exactly once, nothing else in any row, the person's rows and columns as they left
them; an action that reported failure changed nothing. Then what the action reported
is checked against a fresh read: the record a step returned, the orders an import
created (each file order exactly once, its lines with it), the alerts a cycle wanted
(one active row per key, as wanted), the stock that moved, reserved stock equal to
what the open orders hold, and the ledger equal to Stock.

FLOWSHEET_FUZZ_SEEDS picks the seeds (as in test_person_interleaved.py, default 1);
FLOWSHEET_FUZZ_PROCEDURE_RUNS (else FLOWSHEET_FUZZ_RUNS) how many actions each seed
runs (default 60); FLOWSHEET_FUZZ_EDIT_CHANCE how often the person edits (0.35).
"""

from __future__ import annotations

import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

import jobs.cycle
from jobs.effects import ACTIVE, OpenAlert
from processes import master_data
from processes.errors import ProcessError
from processes.inventory import request_transfer, set_limits
from processes.inventory.transfers import receive_transfer, ship_transfer
from processes.orders import (
    OrderLine,
    compose_address,
    enter_order,
    import_orders,
    order_steps,
    pick_list,
    take_step,
)
from processes.orders.procedure import ORDER, PAID, PAYMENT_ENDED, RESERVED_STATES, payment_moves_on
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, ledger_issues, post_move
from sheets.backends.google.backend import GoogleSession
from sheets.cells import is_blank, same_cell, to_cell
from sheets.errors import RowsMoved, SheetError, WriteLandedWrong, WriteNotConfirmed
from sheets.plan import WritePlan
from sheets.tabs import (
    ALERTS,
    ALL_TABS,
    ORDER_LINES,
    ORDERS,
    OUTBOX,
    PURCHASE_REQUESTS,
    STOCK,
    STOCK_MOVES,
    TRANSFERS,
)
from tests.google.person_edits import EditedTab, Person, replayable, rows_by_header
from tests.shopify_export import export

ACTIONS = int(os.environ.get("FLOWSHEET_FUZZ_PROCEDURE_RUNS", os.environ.get("FLOWSHEET_FUZZ_RUNS", "60")))
#: The chance that the person edits before any one request.
EDIT_CHANCE = float(os.environ.get("FLOWSHEET_FUZZ_EDIT_CHANCE", "0.35"))
#: Seeds that run in every test run; FLOWSHEET_FUZZ_SEEDS=1,2,3 runs others.
SEEDS = [int(seed) for seed in os.environ.get("FLOWSHEET_FUZZ_SEEDS", "1").split(",")]

STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
T0 = datetime(2026, 3, 2, 9, 0)
EDITED = (
    EditedTab(ORDERS.name, "customer_name", "customer_name"),
    EditedTab(ORDER_LINES.name, "sku", "sku"),
    EditedTab(STOCK.name, "sku", "sku"),
    EditedTab(ALERTS.name, "message", "key"),
)
PRODUCTS_SOLD = {
    "KIT-001": ("Kettle", 30.0),
    "PAN-002": ("Pan", 12.5),
    "MUG-003": ("Mug", 8.0),
    "TEA-004": ("Tea", 4.5),
}
OPENING = {"KIT-001": 12, "PAN-002": 20, "MUG-003": 30, "TEA-004": 8}
#: (action, weight); each picks its own variant.
ACTIONS_BY_WEIGHT = (("import", 3), ("enter", 1), ("step", 6), ("cycle", 2), ("stock", 2))


@dataclass
class FileOrder:
    """One order as a generated Shopify file holds it."""

    ref: str
    name: str
    email: str
    street: str
    city: str
    postcode: str
    created_at: datetime
    payment: str
    lines: list[tuple[str, int, float]]

    @property
    def address(self) -> str:
        return compose_address(self.street, self.postcode, self.city, "DE")

    @property
    def total(self) -> float:
        return round(sum(qty * price for _, qty, price in self.lines), 2)


@dataclass
class Commits:
    """What the current action asked for: the write plans that committed, and a cycle's effects."""

    landed: list[WritePlan] = field(default_factory=list)
    effects: list[list] = field(default_factory=list)  # per cycle: what its checks asked for
    deleting: set[str] = field(default_factory=set)  # tabs a plan tried to delete rows of, landed or not

    def clear(self) -> None:
        self.landed.clear()
        self.effects.clear()
        self.deleting.clear()


class Model:
    """Every tab as the app's committed plans say it holds: tab -> key -> {column: raw cell}."""

    def __init__(self, google) -> None:
        self.tabs: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {}
        for tab in ALL_TABS:
            _, rows = rows_by_header(google, tab.name)
            self.tabs[tab.name] = {
                row.key(tab): {name: row.cells.get(name, "") for name in tab.column_names} for row in rows
            }

    def apply(self, plan: WritePlan) -> None:
        for delete in plan.deletes:
            self.tabs[delete.tab.name].pop(delete.key)
        for update in plan.updates:
            self.tabs[update.tab.name][update.key].update(update.cells)
        for append in plan.appends:
            self.tabs[append.tab.name][append.key] = dict(append.cells)
        # plan.id_assignments give IDs to the person's typed rows: still the person's rows.


class Failure(AssertionError):
    pass


class Run:
    def __init__(self, google, seed: int, monkeypatch) -> None:
        self.google, self.seed = google, seed
        self.workbook = google.workbook
        self.rng = random.Random(seed)
        self.clock = replayable(self.workbook, monkeypatch, T0)
        self.workbook.cache_seconds = 0  # every action reads what the person did
        self.commits = Commits()
        self._spy(monkeypatch)
        self.main, self.store = self._set_up_shop()
        self.model = Model(google)
        self.person = Person(google, self.rng, EDITED, EDIT_CHANCE)
        self.file_orders: dict[str, FileOrder] = {}  # every order a file held, by reference
        self.imported: dict[str, str] = {}  # reference -> order ID, for the orders an import reported created
        self.next_ref = 1001
        self.outcomes: Counter[str] = Counter()
        self.tables = self._app_tables()

    # setting up ------------------------------------------------------------

    def _spy(self, monkeypatch) -> None:
        commits, commit = self.commits, GoogleSession.commit

        def spied_commit(session, plan):
            commits.deleting |= {delete.tab.name for delete in plan.deletes}
            commit(session, plan)
            commits.landed.append(plan)  # only when the session reports it saved

        apply_effects = jobs.cycle.apply_effects

        def spied_apply(workbook, snapshot, effects, covers):
            commits.effects.append(list(effects))
            return apply_effects(workbook, snapshot, effects, covers)

        monkeypatch.setattr(GoogleSession, "commit", spied_commit)
        monkeypatch.setattr(jobs.cycle, "apply_effects", spied_apply)

    def _set_up_shop(self) -> tuple[str, str]:
        workbook = self.workbook
        main = master_data.add_record(workbook, master_data.LOCATION, {"name": "Main warehouse"}, by=MANAGER)
        store = master_data.add_record(
            workbook, master_data.LOCATION, {"name": "City store", "kind": "store"}, by=MANAGER
        )
        for sku, (name, price) in PRODUCTS_SOLD.items():
            master_data.add_record(
                workbook, master_data.PRODUCT, {"sku": sku, "name": name, "price": price}, by=MANAGER
            )
        with workbook.transaction(*LEDGER_TABS, user="seed", action="opening balance") as tx:
            for sku, qty in OPENING.items():
                post_move(tx, sku=sku, qty=qty, reason="adjustment", to_location=main.location_id)
        set_limits(workbook, "KIT-001", main.location_id, min_qty=6, max_qty=20, by=STAFF)
        set_limits(workbook, "TEA-004", main.location_id, min_qty=4, max_qty=16, by=STAFF)
        return main.location_id, store.location_id

    # the run ---------------------------------------------------------------

    def run(self) -> None:
        names = [name for name, _ in ACTIONS_BY_WEIGHT]
        weights = [weight for _, weight in ACTIONS_BY_WEIGHT]
        for number in range(ACTIONS):
            self.clock.now += timedelta(minutes=self.rng.randrange(10, 8 * 60))
            kind = self.rng.choices(names, weights)[0]
            if kind == "step" and not self._open_orders(self.tables):
                kind = "enter"
            edits_before = len(self.person.log)
            self.commits.clear()
            self.person.new_action()
            self.action = f"action {number} ({kind})"
            self.described = ""
            before = self.tables
            self.google.fake.before_each(self.person.maybe_edit)
            unexpected: SheetError | None = None
            try:
                check_outcome = getattr(self, f"do_{kind}")(before)
                outcome = "done"
            except (RowsMoved, WriteNotConfirmed):
                outcome, check_outcome = "refused", None  # reported as not saved: checked below
            except ProcessError:
                outcome, check_outcome = "declined", None  # a rule said no before writing
            except WriteLandedWrong as error:
                raise Failure(
                    f"seed {self.seed}, {self.action} {self.described}: the writer left cells it could not "
                    f"put right: {error}\n  the person's edits during it: {self.person.log[edits_before:]}"
                ) from None
            except SheetError as error:
                # The person never changes what the app wrote, so no other refusal is expected;
                # whatever it says, the checks below tell whether it changed anything.
                outcome, check_outcome, unexpected = "failed", None, error
            finally:
                self.google.fake.before_each(None)
            self.outcomes[kind + " " + outcome] += 1
            self.outcomes[outcome] += 1
            for plan in self.commits.landed:
                self.model.apply(plan)
            try:
                if outcome != "done":
                    assert not self.commits.landed, (
                        f"a {outcome} action committed {len(self.commits.landed)} plan(s)"
                    )
                self.check_sheet()
                self.tables = self._app_tables()
                self.check_record_layer()
                if check_outcome is not None:
                    check_outcome(before, self.tables)
                self.check_invariants(self.tables)
                assert unexpected is None, "the sheet is as it was, but the action was refused"
            except AssertionError as failure:
                raised = f" ({type(unexpected).__name__}: {unexpected})" if unexpected else ""
                raise Failure(
                    f"seed {self.seed}, {self.action} {self.described}, {outcome}{raised}: {failure}\n"
                    f"  the person's edits during it: {self.person.log[edits_before:]}"
                ) from None

    # actions: each returns the check of its reported outcome ----------------

    described = ""

    def do_import(self, before):
        rng = self.rng
        old = [ref for ref in self.imported if rng.random() < 0.3][:3]
        new = []
        for _ in range(rng.randrange(1, 4) if old else rng.randrange(1, 3)):
            new.append(self._new_file_order())
        listed = []
        for ref in old:
            order = self.file_orders[ref]
            order.payment = self._later_payment(order.payment)
            listed.append(order)
        listed += new
        rng.shuffle(listed)
        self.described = f"import of {[o.ref for o in new]} new, {old} again"
        prior = {ref: before[ORDERS.name].get(self.imported[ref]) for ref in old}
        self.person.focus = (ORDERS.name, ORDER_LINES.name, STOCK.name)
        report = import_orders(self.workbook, shopify_file(listed), by=STAFF)
        for order in new:
            self.file_orders[order.ref] = order

        def check(before, after):
            assert report.fatal is None and not report.problems, report.lines()
            assert sorted(report.created) == sorted(o.ref for o in new), (report.created, report.lines())
            assert report.unchanged + len(report.updated) == len(old), report.lines()
            orders = [record for record in after[ORDERS.name].records() if record.channel == "shopify"]
            by_ref = defaultdict(list)
            for record in orders:
                by_ref[record.external_ref].append(record)
            for order in new:
                found = by_ref.get(order.ref, [])
                assert len(found) == 1, f"{order.ref} imported {len(found)} times"
                self.imported[order.ref] = found[0].order_id
                check_imported(found[0], order, after)
            for ref, was in prior.items():
                check_payment_moved_on(was, after[ORDERS.name].get(self.imported[ref]), self.file_orders[ref])
            for change in report.changes:
                now = after[ORDERS.name].get(change.order_id)
                assert same_cell(
                    to_cell(ORDERS.column(change.column).kind, now[change.column]),
                    to_cell(ORDERS.column(change.column).kind, change.new),
                ), f"the report says {change}, the sheet holds {now[change.column]!r}"

        return check

    def _new_file_order(self) -> FileOrder:
        rng, number = self.rng, self.next_ref
        self.next_ref += 1
        lines = []
        most = 4 if rng.random() < 0.85 else 12  # now and then more than the stock can cover
        for sku in rng.sample(sorted(PRODUCTS_SOLD), rng.randrange(1, 3)):
            price = PRODUCTS_SOLD[sku][1] if rng.random() < 0.7 else float(rng.randrange(3, 40))
            lines.append((sku, rng.randrange(1, most), price))
        return FileOrder(
            ref=f"#{number}",
            name=f"Customer {number}",
            email=f"customer{number}@example.com",
            street=f"{number % 200} Example Road",
            city="Springfield",
            postcode=f"{10000 + number}",
            created_at=self.clock.now - timedelta(hours=rng.randrange(1, 30)),
            payment=rng.choice(("paid", "pending", "pending")),
            lines=lines,
        )

    def _later_payment(self, payment: str) -> str:
        """The payment status a later export shows: the same, or further along."""
        roll = self.rng.random()
        if payment == "pending":
            return "paid" if roll < 0.5 else ("voided" if roll < 0.6 else "pending")
        if payment == "paid":
            return "refunded" if roll < 0.15 else "paid"
        return payment

    def do_enter(self, before):
        rng = self.rng
        number = rng.randrange(10**5)
        most = 3 if rng.random() < 0.8 else 12  # now and then more than the stock can cover
        lines = [
            OrderLine(sku, rng.randrange(1, most))
            for sku in rng.sample(sorted(PRODUCTS_SOLD), rng.randrange(1, 3))
        ]
        self.described = f"order entered by hand with {[(line.sku, line.qty) for line in lines]}"
        self.person.focus = (ORDERS.name, ORDER_LINES.name)
        order = enter_order(
            self.workbook,
            customer_name=f"Walk-in {number}",
            customer_email=f"walkin{number}@example.com",
            ship_address=f"{number % 90} Mill Lane, Riverton {number}",
            lines=lines,
            location_id=self.main,
            by=STAFF,
        )

        def check(before, after):
            check_returned(order, after)
            held = sorted((line.sku, line.qty, line.unit_price) for line in lines_of(after, order.order_id))
            wanted = sorted((line.sku, line.qty, PRODUCTS_SOLD[line.sku][1]) for line in lines)
            assert held == wanted, f"{order.order_id} has lines {held}, entered {wanted}"

        return check

    def _open_orders(self, tables) -> list:
        """The app's orders a step can still be taken on (not the person's typed rows)."""
        return [
            record
            for record in tables[ORDERS.name].records()
            if (record.order_id,) in self.model.tabs[ORDERS.name]
            and (record.status or "new") not in ("delivered", "cancelled")
        ]

    def do_step(self, before):
        rng = self.rng
        self.person.focus = (ORDERS.name, ORDER_LINES.name, STOCK.name)
        order_id = rng.choice(self._open_orders(before)).order_id
        current = self.workbook.table(ORDERS).get(order_id)  # the order page, as the person has the sheet now
        steps = [step.action for step in order_steps(current, STAFF)]
        weights = [1 if action == "cancel" else 8 for action in steps]
        action = rng.choices(steps, weights)[0]
        inputs: dict[str, Any] = {}
        if action == "confirm":
            inputs["location_id"] = current.location_id or self.main
        elif action == "pack":
            inputs["picked"] = [line.line_id for line in pick_list(self.workbook, order_id).lines]
        elif action == "ship":
            inputs.update(carrier="DHL", tracking_no=f"JD{rng.randrange(10**8):08d}")
        elif action == "deliver":
            inputs["site_url"] = "https://shop.example"
        self.described = f"step {action} on {order_id} ({current.status}, {current.payment_status})"
        was = before[ORDERS.name].get(order_id)
        done = take_step(self.workbook, order_id, action, by=STAFF, base=current, **inputs)

        def check(before, after):
            check_returned(done, after)
            target = ORDER.transition(action).target
            if action == "confirm" and (was.payment_status or "pending") in PAID:
                target = "paid"
            assert done.status == target, f"{action} left {order_id} {done.status}, not {target}"
            needs = quantities(lines_of(after, order_id))
            for sku, qty in needs.items():
                key = (sku, done.location_id or was.location_id)
                old, new = before[STOCK.name].get(key), after[STOCK.name].get(key)
                if action == "ship":
                    assert new.on_hand == old.on_hand - qty, f"{key}: on_hand {old.on_hand} -> {new.on_hand}"
                    moved = sum(
                        move.qty
                        for move in after[STOCK_MOVES.name].records()
                        if move.ref == order_id and move.sku == sku and move.reason == "shipment"
                    )
                    assert moved == qty, f"{order_id}: {moved} of {sku} shipped in the ledger, {qty} ordered"
            if action == "ship":
                queued = [row for row in after[OUTBOX.name].records() if row.ref == order_id]
                assert len(queued) == 1, f"{len(queued)} shipping messages for {order_id}"

        return check

    def do_cycle(self, before):
        self.described = "scheduled checks"
        self.person.focus = (ALERTS.name,)
        report = jobs.cycle.run_cycle(self.workbook, self.clock())

        def check(before, after):
            alerts_added = sum(
                1 for plan in self.commits.landed for row in plan.appends if row.tab.name == ALERTS.name
            )
            assert report.opened == alerts_added, f"{report.opened} opened, {alerts_added} alert rows written"
            new_requests = len(after[PURCHASE_REQUESTS.name]) - len(before[PURCHASE_REQUESTS.name])
            assert report.created == new_requests, f"{report.created} created, {new_requests} requests added"
            [effects] = self.commits.effects
            wanted = {item.key: item for item in effects if isinstance(item, OpenAlert)}
            active = defaultdict(list)
            for row in after[ALERTS.name].records():
                if (row.status or "open") in ACTIVE:
                    active[row.key].append(row)
            assert set(active) == set(wanted), (
                f"active alerts {sorted(set(active) - set(wanted))} not wanted, "
                f"{sorted(set(wanted) - set(active))} wanted and not active"
            )
            for key, item in wanted.items():
                [row] = active[key]
                for name in ("kind", "severity", "ref", "message", "owner_role"):
                    assert (row[name] or "") == getattr(item, name), f"alert {key} {name}: {row[name]!r}"
            gone = set(before[ALERTS.name].keys()) - set(after[ALERTS.name].keys())
            assert not gone, f"alert rows {sorted(gone)} went away"

        return check

    def do_stock(self, before):
        rng = self.rng
        self.person.focus = (STOCK.name,)
        open_transfers = [
            row for row in before[TRANSFERS.name].records() if row.status in ("requested", "in_transit")
        ]
        choice = rng.choice(["receive goods", "limits", "transfer"])
        if choice == "transfer" and open_transfers:
            transfer = rng.choice(open_transfers)
            step = ship_transfer if transfer.status == "requested" else receive_transfer
            self.described = f"{step.__name__} {transfer.transfer_id} ({transfer.qty} {transfer.sku})"
            done = step(self.workbook, transfer.transfer_id, by=STAFF, base=transfer)
            where = transfer.from_location if step is ship_transfer else transfer.to_location
            sign = -1 if step is ship_transfer else 1
            return self._stock_check(done, transfer.sku, where, sign * transfer.qty)
        sku = rng.choice(sorted(PRODUCTS_SOLD))
        if choice == "transfer":
            qty = rng.randrange(1, 4)
            self.described = f"request transfer of {qty} {sku}"
            done = request_transfer(
                self.workbook, sku=sku, from_location=self.main, to_location=self.store, qty=qty, by=STAFF
            )
            return self._stock_check(done, sku, self.main, 0)
        if choice == "limits":
            low = rng.randrange(0, 8)
            high = low + rng.randrange(0, 20)
            row = self.workbook.table(STOCK).get((sku, self.main))
            self.described = f"limits {low}..{high} for {sku}"
            done = set_limits(self.workbook, sku, self.main, min_qty=low, max_qty=high, by=STAFF, base=row)
            return self._stock_check(done, sku, self.main, 0)
        qty = rng.randrange(1, 15)
        self.described = f"receive {qty} {sku}"
        with self.workbook.transaction(*LEDGER_TABS, user=STAFF.name, action="receive goods") as tx:
            post_move(tx, sku=sku, qty=qty, reason="receipt", ref="PO-FUZZ", to_location=self.main)
        return self._stock_check(None, sku, self.main, qty)

    def _stock_check(self, done, sku: str, location: str, delta: int):
        def check(before, after):
            if done is not None:
                check_returned(done, after)
            old, new = before[STOCK.name].get((sku, location)), after[STOCK.name].get((sku, location))
            had = old.on_hand if old is not None else 0
            assert new is not None and new.on_hand == had + delta, (
                f"{sku}@{location}: on_hand {had} -> {new and new.on_hand}, expected a change of {delta}"
            )

        return check

    # checks ----------------------------------------------------------------

    def _app_tables(self):
        self.workbook.invalidate()
        return self.workbook.tables(*ALL_TABS)

    def check_sheet(self) -> None:
        """Every tab straight from the fake, by header, against the model and the person's edits."""
        self.person_rows: dict[str, set[int]] = {}
        for tab in ALL_TABS:
            edited = self.person.tabs.get(tab.name)
            extra = self.person.extra_columns.get(tab.name, [])
            header, rows = rows_by_header(self.google, tab.name)
            if edited and tab.name in self.commits.deleting:
                self.person.take_back_deleted(tab.name, [row.cells.get(edited.note_column) for row in rows])
            notes = self.person.notes.get(tab.name, [])
            named = [name for name in header if name]
            strangers = [name for name in named if name not in tab.column_names and name not in extra]
            assert not strangers, f"{tab.name}: headers {strangers} nobody wrote"
            counts = Counter(named)
            assert all(counts[name] == 1 for name in tab.column_names), f"{tab.name}: header {header}"
            assert sorted(name for name in named if name in extra) == sorted(extra), (
                f"{tab.name}: the person's columns {extra}, the header {header}"
            )
            keyed: dict[tuple[str, ...], Any] = {}
            seen_notes, person_rows = [], set()
            for row in rows:
                assert not row.unnamed, f"{tab.name} row {row.number}: {row.unnamed} under no header"
                note = row.cells.get(edited.note_column) if edited else None
                if note in notes:
                    allowed = {edited.note_column, *(tab.key[:1] if tab.id_prefix else ())}
                    assert set(row.filled()) <= allowed, (
                        f"{tab.name} row {row.number}: the note row holds {row.filled()}"
                    )
                    seen_notes.append(note)
                    person_rows.add(row.number)
                    continue
                key = row.key(tab)
                assert key is not None, f"{tab.name} row {row.number} holds {row.filled()} and no key"
                assert key not in keyed, f"{tab.name}: {key} on rows {keyed[key].number} and {row.number}"
                keyed[key] = row
            assert sorted(seen_notes) == sorted(notes), (
                f"{tab.name}: the person's notes {notes}, found {seen_notes}"
            )
            self.person_rows[tab.name] = person_rows
            wanted = self.model.tabs[tab.name]
            lost, added = sorted(set(wanted) - set(keyed)), sorted(set(keyed) - set(wanted))
            assert not lost and not added, f"{tab.name}: records lost {lost}, records added {added}"
            for key, cells in wanted.items():
                row = keyed[key]
                for name, value in cells.items():
                    assert same_cell(row.cells.get(name), value), (
                        f"{tab.name} {'/'.join(key)} (row {row.number}) {name}: {row.cells.get(name)!r}, "
                        f"the app wrote {value!r}; the row holds {row.filled()}"
                    )
                for name in extra:
                    assert is_blank(row.cells.get(name)), (
                        f"{tab.name} {'/'.join(key)}: {row.cells[name]!r} under {name}"
                    )

    def check_record_layer(self) -> None:
        """The same tabs through the record layer's fresh read: the same records, values and no issue."""
        for tab in ALL_TABS:
            table = self.tables[tab.name]
            notes = self.person.notes.get(tab.name, [])
            edited = self.person.tabs.get(tab.name)
            records = {
                record.schema.key_of(record.to_dict()): record
                for record in table.records()
                if not (edited and record[edited.note_column] in notes)
            }
            wanted = self.model.tabs[tab.name]
            assert set(records) == set(wanted), f"{tab.name}: the record layer reads {len(records)} records"
            for key, cells in wanted.items():
                record = records[key]
                for column in tab.columns:
                    assert same_cell(to_cell(column.kind, record[column.name]), cells.get(column.name)), (
                        f"{tab.name} {'/'.join(key)} {column.name}: read {record[column.name]!r}, "
                        f"written {cells.get(column.name)!r}"
                    )
            stray = [issue for issue in table.issues if issue.row not in self.person_rows[tab.name]]
            assert not stray, f"{tab.name}: {[str(issue) for issue in stray]}"

    def check_invariants(self, after) -> None:
        """What must hold after any action: imports once each, one active alert per key, stock in balance."""
        refs = Counter(
            record.external_ref for record in after[ORDERS.name].records() if record.channel == "shopify"
        )
        twice = {ref: count for ref, count in refs.items() if count > 1}
        assert not twice, f"imported more than once: {twice}"
        assert set(self.imported) <= set(refs), f"imported orders gone: {set(self.imported) - set(refs)}"
        active = Counter(row.key for row in after[ALERTS.name].records() if (row.status or "open") in ACTIVE)
        assert all(count == 1 for count in active.values()), (
            f"alert keys twice: {+active - Counter(set(active))}"
        )
        reserved: Counter[tuple[str, str]] = Counter()
        for order in after[ORDERS.name].records():
            if order.status in RESERVED_STATES and (order.order_id,) in self.model.tabs[ORDERS.name]:
                for sku, qty in quantities(lines_of(after, order.order_id)).items():
                    reserved[(sku, order.location_id)] += qty
        for row in after[STOCK.name].records():
            assert (row.reserved or 0) == reserved[(row.sku, row.location_id)], (
                f"{row.sku}@{row.location_id}: {row.reserved} reserved, open orders hold "
                f"{reserved[(row.sku, row.location_id)]}"
            )
        issues = ledger_issues(self.workbook)
        assert not issues, [str(issue) for issue in issues]


def shopify_file(orders: list[FileOrder]) -> bytes:
    lines = []
    for order in orders:
        for index, (sku, qty, price) in enumerate(order.lines):
            line: dict[str, object] = {
                "Name": order.ref,
                "Created at": f"{order.created_at:%Y-%m-%d %H:%M:%S}",
                "Lineitem quantity": qty,
                "Lineitem name": PRODUCTS_SOLD[sku][0],
                "Lineitem price": f"{price:.2f}",
                "Lineitem sku": sku,
            }
            if index == 0:
                line |= {
                    "Email": order.email,
                    "Financial Status": order.payment,
                    "Shipping Name": order.name,
                    "Shipping Address1": order.street,
                    "Shipping City": order.city,
                    "Shipping Zip": order.postcode,
                    "Shipping Country": "DE",
                    "Currency": "EUR",
                    "Total": f"{order.total:.2f}",
                }
            lines.append(line)
    return export(lines)


def lines_of(tables, order_id: str) -> list:
    return [line for line in tables[ORDER_LINES.name].records() if line.order_id == order_id]


def quantities(lines) -> dict[str, int]:
    needs: Counter[str] = Counter()
    for line in lines:
        needs[line.sku] += line.qty or 0
    return dict(needs)


def check_returned(record, after) -> None:
    """A record a step returned is the record the sheet holds now, column by column."""
    tab = record.schema
    now = after[tab.name].get(record.id)
    assert now is not None, f"{tab.name} {record.id} is not in the sheet"
    for column in tab.columns:
        assert same_cell(to_cell(column.kind, now[column.name]), to_cell(column.kind, record[column.name])), (
            f"{tab.name} {record.id} {column.name}: the step returned {record[column.name]!r}, "
            f"the sheet holds {now[column.name]!r}"
        )


def check_imported(record, order: FileOrder, after) -> None:
    got = (
        record.customer_name,
        record.customer_email,
        record.ship_address,
        record.payment_status,
        record.status,
        record.total,
        record.currency,
        record.created_at,
    )
    wanted = (
        order.name,
        order.email,
        order.address,
        order.payment,
        "new",
        order.total,
        "EUR",
        order.created_at,
    )
    assert got == wanted, f"{order.ref} imported as {got}, the file says {wanted}"
    lines = sorted((line.sku, line.qty, line.unit_price) for line in lines_of(after, record.order_id))
    assert lines == sorted(order.lines), f"{order.ref} has lines {lines}, the file {sorted(order.lines)}"


def check_payment_moved_on(was, now, order: FileOrder) -> None:
    """An order imported again: its payment only moves forward, and what follows from it."""
    reported = order.payment
    if not payment_moves_on(was.payment_status, reported):
        assert (now.payment_status, now.status) == (was.payment_status, was.status), (
            f"{order.ref}: {was.payment_status}/{was.status} became {now.payment_status}/{now.status} on {reported}"
        )
        return
    status = was.status
    if reported in PAID and was.payment_status not in PAID and was.status == "confirmed":
        status = "paid"
    elif reported in PAYMENT_ENDED and (was.status or "new") in ORDER.transition("cancel").sources:
        status = "cancelled"
    assert (now.payment_status, now.status) == (reported, status), (
        f"{order.ref}: {was.payment_status}/{was.status} became {now.payment_status}/{now.status} on "
        f"{reported}, expected {reported}/{status}"
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_procedures_land_under_their_headers_on_their_rows_while_a_person_edits_between_requests(
    google, seed, monkeypatch
):
    run = Run(google, seed, monkeypatch)
    try:
        run.run()
    finally:
        google.fake.before_each(None)
    outcomes = run.outcomes
    person = run.person
    print(
        f"seed {seed}: {ACTIONS} actions ({outcomes['done']} done, {outcomes['declined']} declined by a rule, "
        f"{outcomes['refused']} refused), {person.edits} person edits; "
        + ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items()) if " " in name)
    )
    assert person.edits > ACTIONS * EDIT_CHANCE, "the person hardly edited: the run proves little"
    assert outcomes["refused"] <= ACTIONS // 5, f"{outcomes['refused']} of {ACTIONS} actions refused"
