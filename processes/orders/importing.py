"""Importing orders from a file: Shopify's orders export, or any CSV with a column mapping.

    report = import_orders(workbook, data, by=actor)                       # Shopify
    report = import_orders(workbook, data, by=actor, mapping={"external_ref": "Order", ...},
                           channel="marketplace")                          # any CSV
    python app.py import orders FILE.csv   ->  run_import_command(workbook, "FILE.csv")

A file is imported in parts of whole orders, each part one transaction (one
read and one write on Google) whose request stays well under the 10 MB Google
accepts (sheets/request_size.py): a few thousand orders a part. A part is
saved whole or not at all, and an import that stops midway (Google down for
longer than the retries) says how many orders were saved before it stopped;
running the same import again goes on from there, as every order already in
the sheet is recognised and not added twice. An order is known by its channel and external reference,
confirmed by the customer's email: importing the same or an overlapping file
adds nothing twice, and a payment that moved on is brought up to date (never
back from what the app recorded), each change listed in the report. The same
reference for another customer, or a row of the sheet that cannot be read, is
reported and left alone. A new order whose payment the shop already refunded or
voided arrives cancelled (the sale is on record, nothing is reserved or offered to
confirm or pay), by the same rule that cancels an order already in the sheet, and
the report lists it. An order with a bad line is not imported at all
(half an order would be worse than none); every bad line is reported with its
line number and why, and the good orders are imported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import i18n
from i18n import _, ngettext
from i18n.formatting import when
from processes.errors import ProcessError
from processes.permissions import Actor
from sheets.cells import CellError, is_blank, parse_cell
from sheets.errors import SheetError
from sheets.request_size import PART_BYTES, PlanMeter
from sheets.schema import STAMP_COLUMNS, Kind
from sheets.table import Record, Table
from sheets.tabs import ORDERS, PRODUCTS, STOCK
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .csv_input import FIELDS, FileProblem, IncomingOrder, LineProblem, decode, read_orders
from .entry import ORDER_TABS, OrderAmounts, OrderLine, add_order
from .pipeline import apply_payment_status, cancel_for_channel, cancel_if_payment_ended
from .procedure import ORDER, PAID

CHANNELS = ORDERS.column("channel").choices
#: Tabs the import reads and writes: entering orders, and releasing the stock of an order it cancels.
IMPORT_TABS = (*ORDER_TABS, STOCK)
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class OrderChange:
    """One field of an order already in the sheet that an import changed: old → new."""

    ref: str
    order_id: str
    column: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return _(
            "{ref} ({order_id}): {column} {old} → {new}",
            ref=self.ref,
            order_id=self.order_id,
            column=i18n.header(self.column, i18n.current()),
            old=_shown(self.column, self.old),
            new=_shown(self.column, self.new),
        )


@dataclass(frozen=True)
class ArrivedCancelled:
    """A new order the import added cancelled, because the shop had refunded or voided its payment."""

    ref: str
    order_id: str
    payment_status: str

    def __str__(self) -> str:
        return _(
            "{ref} ({order_id}): arrived cancelled: {payment} in the shop",
            ref=self.ref,
            order_id=self.order_id,
            payment=i18n.value(self.payment_status),
        )


@dataclass
class ImportReport:
    """What an import did, and every line it could not use."""

    created: list[str] = field(default_factory=list)  # external references of the orders added
    updated: list[str] = field(default_factory=list)  # ... whose payment status changed
    unchanged: int = 0  # orders already imported, nothing new
    lines_added: int = 0
    lines_read: int = 0
    changes: list[OrderChange] = field(default_factory=list)  # every change to an order already there
    arrived_cancelled: list[ArrivedCancelled] = field(default_factory=list)  # among `created`
    problems: list[LineProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # orders not imported because of a bad line
    left_alone: list[str] = field(default_factory=list)  # matched an order the import may not touch
    notes: list[str] = field(default_factory=list)  # what the shop reports that the import left as it is
    fatal: str | None = None  # the file could not be read at all

    @property
    def clean(self) -> bool:
        return self.fatal is None and not self.problems

    def summary(self) -> str:
        if self.fatal:
            return self.fatal
        parts = [
            _(
                "{orders} with {lines}",
                orders=ngettext("{count} order imported", "{count} orders imported", len(self.created)),
                lines=ngettext("{count} line", "{count} lines", self.lines_added),
            ),
            *(
                [_("{count} of them arrived cancelled: see below", count=len(self.arrived_cancelled))]
                if self.arrived_cancelled
                else []
            ),
            ngettext("{count} payment status updated", "{count} payment statuses updated", len(self.updated)),
            _("{count} already imported", count=self.unchanged),
        ]
        if self.skipped:
            parts.append(
                ngettext(
                    "{count} order not imported because of bad lines",
                    "{count} orders not imported because of bad lines",
                    len(self.skipped),
                )
            )
        if self.left_alone:
            parts.append(
                ngettext(
                    "{count} order left alone: see below",
                    "{count} orders left alone: see below",
                    len(self.left_alone),
                )
            )
        return _("; ").join(parts) + _(".")

    def lines(self) -> list[str]:
        """The summary, each change to an order already there, each order that arrived cancelled, then each problem."""
        return [
            self.summary(),
            *(str(change) for change in self.changes),
            *(str(arrival) for arrival in self.arrived_cancelled),
            *self.notes,
            *(str(problem) for problem in self.problems),
        ]

    def add(self, part: ImportReport) -> None:
        """Count a part of the import that was saved."""
        self.created += part.created
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.lines_added += part.lines_added
        self.changes += part.changes
        self.arrived_cancelled += part.arrived_cancelled
        self.problems += part.problems
        self.skipped += part.skipped
        self.left_alone += part.left_alone
        self.notes += part.notes

    def leave_alone(self, incoming: IncomingOrder, reason: str) -> None:
        self.left_alone.append(incoming.ref)
        self.problems.append(LineProblem(incoming.first_line, incoming.ref, reason))


def import_orders(
    workbook: Workbook,
    data: bytes,
    *,
    by: Actor,
    mapping: dict[str, str] | None = None,
    channel: str | None = None,
    location_id: str = "",
    progress: Progress | None = None,
    part_bytes: int = PART_BYTES,
) -> ImportReport:
    """Import the orders in `data` (the file's bytes); never raises for what is in the file.

    Raises ImportStopped when the sheet fails after some parts were saved (`part_bytes`:
    the estimated request size of one part).

    `mapping` (field -> the file's column name, see FIELDS) reads a generic CSV;
    without it the file must be Shopify's orders export. `channel` defaults to
    shopify (export) or marketplace (generic). `location_id` is where the new
    orders ship from, when given. `progress(fraction, words)` is called as it goes.
    """
    say = progress or (lambda fraction, words: None)
    report = ImportReport()
    channel = channel or ("shopify" if mapping is None else "marketplace")
    if channel not in CHANNELS:
        raise ProcessError(_("The channel must be one of: {join}.", join=", ".join(CHANNELS)))
    say(0.05, "reading the file")
    try:
        orders, loose, report.lines_read = read_orders(decode(data), mapping)
    except FileProblem as problem:
        report.fatal = str(problem)
        return report
    report.problems.extend(loose)
    say(0.3, f"checking {len(orders):,} orders")
    done = 0
    while done < len(orders):
        part = ImportReport()
        try:
            taken = _import_part(workbook, orders, done, part, by, channel, location_id, say, part_bytes)
        except SheetError as error:
            if done == 0:
                raise  # nothing was saved: the error says so
            raise ImportStopped(report, done, len(orders), error) from error
        report.add(part)
        done += taken
    report.problems.sort(key=lambda problem: problem.line)
    say(1.0, "done")
    return report


def _import_part(
    workbook: Workbook,
    orders: list[IncomingOrder],
    start: int,
    part: ImportReport,
    by: Actor,
    channel: str,
    location_id: str,
    say: Progress,
    part_bytes: int,
) -> int:
    """Take orders from `start` on in one transaction until its request would grow too big; how many it took."""
    taken = 0
    with workbook.transaction(*IMPORT_TABS, user=by.name, action=f"import {channel} orders") as tx:
        intake = Intake(tx, channel, location_id)
        meter = PlanMeter(tx.plan)
        for number in range(start, len(orders)):
            if number % 500 == 0:
                say(0.3 + 0.6 * number / max(len(orders), 1), f"order {number + 1:,} of {len(orders):,}")
            intake.take(orders[number], part)
            taken += 1
            if meter.full(part_bytes):
                break  # whole orders only: this part ends with the order just taken
        say(0.3 + 0.6 * (start + taken) / max(len(orders), 1), "saving")
    return taken


class ImportStopped(SheetError):
    """An import saved some of its parts, then could not save the next; running it again goes on."""

    def __init__(self, report: ImportReport, saved: int, total: int, error: SheetError) -> None:
        self.report = report
        super().__init__(
            _(
                "The import stopped after {saved:,} of {total:,} orders: {error} The orders before it are "
                "saved ({created}); run the same import again to go on from there (the orders already "
                "saved are recognised and not added twice).",
                saved=saved,
                total=total,
                error=str(error),
                created=ngettext("{count} order added", "{count} orders added", len(report.created)),
            )
        )


class Intake:
    """Orders arriving from one channel, taken into the sheet within one transaction.

    The one path every order from outside takes, whether a file brings it or
    the shop sends it by itself: an order already there (same channel and
    reference, confirmed by the customer's email) has its payment brought up
    to date, any other is added with its lines, and an order the shop
    cancelled is cancelled here too while it has not shipped. The same
    reference may come twice (a webhook, then the reconcile): the second time
    it matches the order the first one added.
    """

    def __init__(self, tx: Transaction, channel: str, location_id: str = "") -> None:
        self.tx, self.channel, self.location_id = tx, channel, location_id
        self.known = _known_orders(tx.table(ORDERS), channel)

    def knows(self, ref: str) -> bool:
        """Whether the sheet holds an order of the channel with this reference (readable or not)."""
        return bool(self.known.get(ref))

    def take(self, incoming: IncomingOrder, report: ImportReport) -> str | None:
        """Add or update the order `incoming` reports, saying what happened in `report`; its ID, if any."""
        candidates = self.known.get(incoming.ref)
        if candidates:
            order_id = _match_existing(self.tx, incoming, candidates, report)
        else:
            order_id = _add(self.tx, incoming, self.channel, self.location_id, report)
            if order_id:
                self.known[incoming.ref].append(_Known(order_id, incoming.text("customer_email")))
        return order_id


@dataclass(frozen=True)
class _Known:
    """An order of the channel already in the sheet, as far as matching needs it."""

    order_id: str
    email: str
    unreadable: str = ""  # why its row cannot be read ("" when it reads)


def _known_orders(orders: Table, channel: str) -> dict[str, list[_Known]]:
    """External reference -> the orders of `channel` in the sheet with it, unreadable rows included.

    A row that cannot be read still holds an order: taking its reference for a
    new one would import that order a second time.
    """
    known: dict[str, list[_Known]] = defaultdict(list)
    columns = orders.columns
    for order_id, known_channel, ref, email in zip(
        columns["order_id"],
        columns["channel"],
        columns["external_ref"],
        columns["customer_email"],
        strict=True,
    ):
        if ref and (known_channel or "manual") == channel:
            known[ref].append(_Known(order_id, email or ""))
    for row, cells in orders.unreadable:
        ref = _raw_text(cells.get("external_ref"))
        if ref and (_raw_text(cells.get("channel")).casefold() or "manual") == channel:
            why = "; ".join(str(issue) for issue in orders.issues if issue.row == row)
            known[ref].append(
                _Known(_raw_text(cells.get("order_id")), _raw_text(cells.get("customer_email")), why)
            )
    return known


def _raw_text(raw: Any) -> str:
    return "" if is_blank(raw) else parse_cell(Kind.TEXT, raw)


def _match_existing(
    tx: Transaction, incoming: IncomingOrder, candidates: list[_Known], report: ImportReport
) -> str | None:
    """An order whose reference is in the sheet: the same customer's is brought up to date, any other left alone."""
    unreadable = next((known for known in candidates if known.unreadable), None)
    if unreadable is not None:
        report.leave_alone(
            incoming,
            _(
                "this order is already in the sheet, but its row cannot be read ({issue}); it was left "
                "alone: correct the row, then import again",
                issue=unreadable.unreadable,
            ),
        )
        return None
    email = _email_key(incoming.text("customer_email"))
    same = next((known for known in candidates if _email_key(known.email) == email), None)
    if same is None:
        report.leave_alone(
            incoming,
            _(
                "{order_id} in the sheet has this order number for another customer; nothing was "
                "changed or merged: check the order number",
                order_id=candidates[0].order_id,
            ),
        )
        return None
    _update_payment(tx, incoming, same.order_id, report)
    return same.order_id


def _email_key(email: str) -> str:
    return (email or "").strip().casefold()


def _update_payment(tx: Transaction, incoming: IncomingOrder, order_id: str, report: ImportReport) -> None:
    status = incoming.payment_status()
    if not status:
        report.problems.append(_bad_payment(incoming))
        return
    order = tx.require(ORDERS, order_id)
    try:
        paid_at = incoming.when("paid_at") or incoming.when("created_at")
    except CellError:
        paid_at = None
    updated = _cancel_in_shop(tx, incoming, apply_payment_status(tx, order, status, paid_at), report)
    changes = _changes(incoming.ref, order, updated)
    if changes:
        report.updated.append(incoming.ref)
        report.changes.extend(changes)
    else:
        report.unchanged += 1


def _changes(ref: str, before: Record, after: Record) -> list[OrderChange]:
    return [
        OrderChange(ref, before.order_id, name, before[name], after[name])
        for name in ORDERS.column_names
        if name not in STAMP_COLUMNS and before[name] != after[name]
    ]


def _shown(column: str, value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, datetime):
        return when(value)
    if ORDERS.column(column).choices:
        return i18n.value(value)
    return str(value)


def _add(
    tx: Transaction, incoming: IncomingOrder, channel: str, location_id: str, report: ImportReport
) -> str | None:
    problems = list(incoming.problems)
    for line in incoming.lines:
        product = tx.get(PRODUCTS, line.sku)
        if product is None:
            problems.append(LineProblem(line.line, incoming.ref, f"unknown SKU {line.sku!r}"))
        elif product.active is False:
            problems.append(
                LineProblem(line.line, incoming.ref, f"{line.sku} ({product.name}) is no longer sold")
            )
        elif line.unit_price is None and product.price is None:
            problems.append(LineProblem(line.line, incoming.ref, f"no price given and {line.sku} has none"))
    status = incoming.payment_status()
    if not status:
        problems.append(_bad_payment(incoming))
    if not incoming.customer_name:
        problems.append(LineProblem(incoming.first_line, incoming.ref, "no customer name"))
    created_at = paid_at = None
    try:
        created_at = incoming.when("created_at")
        paid_at = incoming.when("paid_at")
    except CellError as error:
        problems.append(LineProblem(incoming.first_line, incoming.ref, f"the order date: {error}"))
    if not problems:
        try:
            order = add_order(
                tx,
                customer_name=incoming.customer_name,
                customer_email=incoming.text("customer_email"),
                ship_address=incoming.ship_address,
                lines=[OrderLine(line.sku, line.qty, line.unit_price) for line in incoming.lines],
                channel=channel,
                external_ref=incoming.ref,
                location_id=location_id,
                payment_status=status,
                paid_at=(paid_at or created_at or tx.now) if status in PAID else None,
                created_at=created_at,
                amounts=_amounts(incoming),
            )
            ended = cancel_if_payment_ended(tx, order)
            order = _cancel_in_shop(tx, incoming, ended, report)
        except (ProcessError, SheetError) as refusal:
            problems.append(LineProblem(incoming.first_line, incoming.ref, str(refusal)))
        else:
            report.created.append(incoming.ref)
            report.lines_added += len(incoming.lines)
            if order.status == ORDER.transition("cancel").target:
                why = status if ended.status == order.status else order.status
                report.arrived_cancelled.append(ArrivedCancelled(incoming.ref, order.order_id, why))
            return order.order_id
    report.problems.extend(problems)
    report.skipped.append(incoming.ref)
    return None


def _cancel_in_shop(tx: Transaction, incoming: IncomingOrder, order: Record, report: ImportReport) -> Record:
    """The shop cancelled the order: so is it here, its stock released, unless it has shipped (noted)."""
    if not incoming.cancelled:
        return order
    cancelled = cancel_for_channel(tx, order)
    if cancelled is None:
        report.notes.append(
            _(
                "{ref} ({order_id}): cancelled in the shop, but it is {state} here: nothing was changed",
                ref=incoming.ref,
                order_id=order.order_id,
                state=i18n.value(ORDER.state_of(order)),
            )
        )
        return order
    return cancelled


def _amounts(incoming: IncomingOrder) -> OrderAmounts:
    """The amounts and currency the file gave for the order (a file without them: the lines' sum, no currency)."""
    given = incoming.amounts
    return OrderAmounts(
        total=given.get("total"),
        subtotal=given.get("subtotal"),
        shipping=given.get("shipping"),
        tax=given.get("tax"),
        currency=incoming.text("currency"),
    )


def _bad_payment(incoming: IncomingOrder) -> LineProblem:
    return LineProblem(
        incoming.first_line, incoming.ref, f"unknown payment status {incoming.text('payment_status')!r}"
    )


def parse_mapping(text: str) -> dict[str, str]:
    """A mapping typed on the command line: "external_ref=Order no,sku=Item,qty=Count,customer_name=Buyer"."""
    mapping = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, sep, column = part.partition("=")
        if not sep or name.strip() not in FIELDS:
            raise ProcessError(
                _("{part!r} is not field=Column; the fields are: {join}.", part=part, join=", ".join(FIELDS))
            )
        mapping[name.strip()] = column.strip()
    return mapping


def run_import_command(
    workbook: Workbook,
    path: str | Path,
    *,
    mapping: str = "",
    channel: str = "",
    location_id: str = "",
    user: str = "import",
    out: Callable[[str], None] = print,
) -> int:
    """`python app.py import orders FILE.csv [--map ...]`: import, print the report; exit 0 clean, 1 bad lines, 2 unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        out(f"cannot read {path}: {error.strerror or error}")
        return 2
    try:
        report = import_orders(
            workbook,
            data,
            by=Actor(user, "staff"),
            mapping=parse_mapping(mapping) if mapping else None,
            channel=channel or None,
            location_id=location_id,
        )
    except ImportStopped as stopped:
        for line in [*stopped.report.lines(), str(stopped)]:
            out(line)
        return 2
    for line in report.lines():
        out(line)
    if report.fatal:
        return 2
    return 0 if report.clean else 1
