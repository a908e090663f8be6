"""Applying the inbox to the record: the orders a shop reported, taken in by the import's own path.

One round reads every due entry, then takes them all into the sheet in ONE
transaction (one read and one write on Google, whatever their number), in
the order they arrived, through processes.orders.importing.Intake: the
same matching (reference, confirmed by the customer's email), the same checks
(SKUs, amounts, text kept as text), the same payment rule (only forward),
the same cancellation of an order whose payment ended or that the shop
cancelled. That is why duplicates and late deliveries are harmless: a second
report of the same order finds it, and an older one moves nothing back.

What goes wrong stays in the inbox with why: a body that cannot be read, an
order with a problem (an unknown SKU ...), or the whole round when Google
fails. Nothing is lost: the entry is tried again after its backoff, or at
once when a person asks. A new order the shop had already fulfilled before it
reached Flowsheet (an old one, found by the first reconcile) is not added:
it was handled outside the procedure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from processes.errors import ProcessError
from processes.orders.csv_input import read_export_rows
from processes.orders.importing import IMPORT_TABS, ImportReport, Intake
from sheets.errors import SheetError
from sheets.workbook import Workbook

from .errors import ShopError, Unreadable
from .fulfilments import FULFILLED_IN_SHOP
from .inbox import Entry, Inbox, Settled
from .protocol import Connection, ShopOrder
from .reports import ShopReports
from .store import ChannelStore

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    """What one round did with the inbox of one channel."""

    channel: str
    due: int = 0
    applied: int = 0
    problems: int = 0  # entries left pending with a problem of their own
    error: str = ""  # the round could not write at all (Google ...): every due entry waits
    added: list[str] = field(default_factory=list)  # references of the orders added

    def __str__(self) -> str:
        if not self.due:
            return f"{self.channel}: inbox empty"
        said = f"{self.channel}: {self.applied} of {self.due} deliveries applied"
        said += f", {len(self.added)} order(s) added" if self.added else ""
        said += f", {self.problems} with a problem" if self.problems else ""
        return said + (f"; not written: {self.error}" if self.error else "")


def apply_inbox(
    workbook: Workbook, connection: Connection, store: ChannelStore, now: datetime
) -> ApplyReport:
    """Apply every due entry of the connection's inbox; never raises for what the entries or Google do."""
    inbox = Inbox(store)
    entries = inbox.due(connection.channel, now)
    report = ApplyReport(connection.channel, due=len(entries))
    if not entries:
        return report
    settled: dict[int, Settled] = {}
    readable: list[tuple[Entry, ShopOrder]] = []
    for entry in entries:
        try:
            readable.append((entry, connection.read(entry)))
        except Unreadable as problem:
            settled[entry.entry_id] = Settled("", problem=f"cannot be read: {problem}")
        except ShopError as error:
            settled[entry.entry_id] = Settled("", problem=str(error))
    ShopReports(store).record((order.report for _, order in readable), now)
    try:
        taken = _take_all(workbook, connection.channel, readable)
    except (SheetError, ProcessError) as error:
        log.warning("channels: %s deliveries not written: %s", connection.channel, error)
        report.error = str(error)
        inbox.failed([entry.entry_id for entry, _ in readable], f"not in the sheet yet: {error}", now)
        inbox.settle(settled, now)
        report.problems = len(settled)
        return report
    settled.update(taken)
    inbox.settle(settled, now)
    report.problems = sum(1 for result in settled.values() if result.problem)
    report.applied = len(settled) - report.problems
    report.added = [result.ref for result in taken.values() if result.outcome.startswith(ADDED)]
    return report


#: How an outcome begins when the entry added its order (the report lists those).
ADDED = "added"


def _take_all(
    workbook: Workbook, channel: str, readable: list[tuple[Entry, ShopOrder]]
) -> dict[int, Settled]:
    if not readable:
        return {}
    with workbook.transaction(*IMPORT_TABS, user=channel, action=f"orders from {channel}") as tx:
        intake = Intake(tx, channel)
        return {entry.entry_id: _take(intake, order) for entry, order in readable}


def _take(intake: Intake, order: ShopOrder) -> Settled:
    """One reported order into the sheet, through the import's path; what came of it."""
    if order.report.fulfillment in FULFILLED_IN_SHOP and not intake.knows(order.ref):
        return Settled(order.ref, outcome="fulfilled in the shop before it reached Flowsheet: not added")
    incoming, loose, _count = read_export_rows(order.rows)
    report = ImportReport(problems=list(loose))
    order_ids = [intake.take(one, report) for one in incoming]
    if report.problems:
        return Settled(order.ref, problem="; ".join(problem.reason for problem in report.problems))
    return Settled(order.ref, outcome=_outcome(report, [found for found in order_ids if found]))


def _outcome(report: ImportReport, order_ids: list[str]) -> str:
    parts = []
    if report.created:
        parts.append(f"{ADDED} as {', '.join(order_ids)}")
    parts += [str(change) for change in report.changes]
    parts += [str(arrival) for arrival in report.arrived_cancelled]
    parts += report.notes
    return "; ".join(parts) or "nothing new"
