"""The stocktake: a blind count of one location, its variances, and a manager's approval.

A session is the set of Stock Counts lines sharing a `session_id`, one line
per Stock row of the location. The counter works from a blind sheet: the book
quantity is not shown, and not even in the spreadsheet, because it is written
only together with the count (the balance at that moment, so moves made while
the count runs do not show up as variances). A manager sees the variances and
approves them; each approved variance is one 'adjustment' move applied to the
current balance, and the Stock row remembers when it was last counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.inventory.procedures import STOCKTAKE, UNFINISHED
from processes.permissions import Actor, Permission, require
from processes.stock import LEDGER_TABS, post_move
from sheets.errors import InvalidValue
from sheets.ids import new_id
from sheets.table import Record
from sheets.tabs import LOCATIONS, PRODUCTS, STOCK, STOCK_COUNTS
from sheets.transaction import Transaction, coerce
from sheets.workbook import Workbook

SESSION_PREFIX = "CS"


@dataclass(frozen=True)
class CountLine:
    """One line of the blind count sheet: what to count, never how many the book says."""

    count_id: str
    sku: str
    name: str
    unit: str
    status: str
    counted_qty: int | None
    counted_by: str


@dataclass(frozen=True)
class CountSheet:
    session_id: str
    location_id: str
    location_name: str
    lines: list[CountLine]

    @property
    def to_count(self) -> list[CountLine]:
        """Lines still open to a count (or to a correction before the manager decides)."""
        return [line for line in self.lines if line.status in UNFINISHED]


@dataclass(frozen=True)
class Variance:
    """A line as the approving manager sees it; `line` is the record loaded (the base of the decision)."""

    line: Record
    name: str

    @property
    def variance(self) -> int:
        return _variance_of(self.line)


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    location_id: str
    location_name: str
    lines: int
    open: int
    counted: int
    decided: int
    last_counted_at: datetime | None

    @property
    def finished(self) -> bool:
        """Every line is decided: nothing left to count or approve."""
        return not (self.open or self.counted)

    @property
    def status(self) -> str:
        if self.open:
            return N_("counting")
        if self.counted:
            return N_("awaiting approval")
        return N_("closed")


@steps.entry(STOCKTAKE)
def start_stocktake(workbook: Workbook, location_id: str, *, by: Actor) -> str:
    """Open a count session for a location: one open line per Stock row there; returns the session ID."""
    with workbook.transaction(LOCATIONS, STOCK, STOCK_COUNTS, user=by.name, action="start stocktake") as tx:
        location = tx.get(LOCATIONS, location_id)
        if location is None:
            raise ProcessError(_("There is no location {location_id}.", location_id=location_id))
        if location.active is False:
            raise ProcessError(_("{name} is inactive; reactivate it before counting it.", name=location.name))
        for line in tx.table(STOCK_COUNTS).records():
            if line.location_id == location_id and STOCKTAKE.in_group(line, "unfinished"):
                raise ProcessError(
                    _(
                        "Stocktake {session_id} at {name} is not finished yet: finish it (or have a manager reject its lines) before starting another.",
                        session_id=line.session_id,
                        name=location.name,
                    )
                )
        skus = sorted({row.sku for row in tx.table(STOCK).records() if row.location_id == location_id})
        if not skus:
            raise ProcessError(_("{name} holds no stock rows to count.", name=location.name))
        session_id = new_id(SESSION_PREFIX)
        for sku in skus:
            line = {"session_id": session_id, "location_id": location_id, "sku": sku}
            tx.insert(STOCK_COUNTS, {**line, "status": STOCKTAKE.start_states[0]})
        return session_id


def count_sheet(workbook: Workbook, session_id: str) -> CountSheet:
    """The blind checklist of a session: products to count, with no book quantity."""
    tables = workbook.tables(STOCK_COUNTS, PRODUCTS, LOCATIONS)
    lines = _session_lines(tables[STOCK_COUNTS.name].records(), session_id)
    products, locations = tables[PRODUCTS.name], tables[LOCATIONS.name]
    location_id = lines[0].location_id
    location = locations.get(location_id)
    sheet_lines = []
    for line in lines:
        product = products.get(line.sku)
        sheet_lines.append(
            CountLine(
                count_id=line.count_id,
                sku=line.sku,
                name=(product.name or "") if product else "",
                unit=(product.unit or "") if product else "",
                status=STOCKTAKE.state_of(line),
                counted_qty=line.counted_qty,
                counted_by=line.counted_by or "",
            )
        )
    return CountSheet(session_id, location_id, location.name if location else location_id, sheet_lines)


def record_counts(
    workbook: Workbook, session_id: str, counts: Mapping[str, Any], *, by: Actor
) -> list[Record]:
    """Record counted quantities ({count_id: qty}) in one write; the book quantity is taken now."""
    if not counts:
        raise ProcessError(_("Enter at least one count before saving."))
    with workbook.transaction(STOCK_COUNTS, STOCK, user=by.name, action="record stock count") as tx:
        saved = []
        for count_id, typed in counts.items():
            line = _line_of(tx, session_id, count_id)
            transition = STOCKTAKE.check("count", STOCKTAKE.state_of(line), by)
            counted = _counted_qty(line.sku, typed)
            stock = tx.get(STOCK, (line.sku, line.location_id))
            book = (stock.on_hand or 0) if stock else 0
            saved.append(
                tx.update(
                    line,
                    {
                        "counted_qty": counted,
                        "book_qty": book,
                        "variance": counted - book,
                        "status": transition.target,
                        "counted_by": by.name,
                        "counted_at": tx.now,
                    },
                )
            )
        return saved


def variances(workbook: Workbook, session_id: str, *, by: Actor) -> list[Variance]:
    """The counted lines with book, counted and variance, for the manager who approves them."""
    require(by, Permission.APPROVE_STOCK_ADJUSTMENT)
    tables = workbook.tables(STOCK_COUNTS, PRODUCTS)
    lines = _session_lines(tables[STOCK_COUNTS.name].records(), session_id)
    products = tables[PRODUCTS.name]
    return [
        Variance(line, (product.name or "") if (product := products.get(line.sku)) else "")
        for line in lines
        if not STOCKTAKE.in_group(line, "uncounted")
    ]


def approve_counts(
    workbook: Workbook, session_id: str, *, by: Actor, loaded: Sequence[Record] | None = None
) -> list[Record]:
    """Accept counted lines (those `loaded`, as the manager saw them; else every counted line).

    Each variance becomes one 'adjustment' move on the current balance and the
    Stock row's last_counted_at is set; a line changed since it was loaded is refused.
    """
    require(by, Permission.APPROVE_STOCK_ADJUSTMENT)
    tabs = (STOCK_COUNTS, *LEDGER_TABS)
    with workbook.transaction(*tabs, user=by.name, action="approve stock adjustment") as tx:
        approved = []
        for base, line in _lines_to_decide(tx, session_id, loaded, "approve"):
            transition = STOCKTAKE.check("approve", STOCKTAKE.state_of(line), by)
            _post_adjustment(tx, line)
            approved.append(tx.update(line, {"status": transition.target, "approved_by": by.name}, base=base))
            stock = tx.get(STOCK, (line.sku, line.location_id))
            if stock is not None:
                tx.update(stock, {"last_counted_at": line.counted_at or tx.now})
        return approved


def reject_counts(
    workbook: Workbook, session_id: str, *, by: Actor, loaded: Sequence[Record] | None = None
) -> list[Record]:
    """Close lines without adjusting stock (those `loaded`; else every unfinished line of the session)."""
    require(by, Permission.APPROVE_STOCK_ADJUSTMENT)
    with workbook.transaction(STOCK_COUNTS, user=by.name, action="reject stock count") as tx:
        rejected = []
        for base, line in _lines_to_decide(tx, session_id, loaded, "reject"):
            transition = STOCKTAKE.check("reject", STOCKTAKE.state_of(line), by)
            rejected.append(tx.update(line, {"status": transition.target, "approved_by": by.name}, base=base))
        return rejected


# one line at a time: the steps as the steps panel and the API take them -----------------


@steps.rule(STOCKTAKE, "count")
def count_line(workbook: Workbook, count_id: str, *, counted_qty: Any, by: Actor) -> Record:
    """Record the count of one line (what the count sheet saves for many at once)."""
    [saved] = record_counts(workbook, _session_of(workbook, count_id), {count_id: counted_qty}, by=by)
    return saved


@steps.rule(STOCKTAKE, "approve")
def approve_line(workbook: Workbook, count_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Approve the adjustment of one counted line (as the manager saw it, when `base` is given)."""
    session = _session_of(workbook, count_id)
    [approved] = approve_counts(workbook, session, by=by, loaded=[base or _line(workbook, count_id)])
    return approved


@steps.rule(STOCKTAKE, "reject")
def reject_line(workbook: Workbook, count_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Close one line without adjusting stock."""
    session = _session_of(workbook, count_id)
    [rejected] = reject_counts(workbook, session, by=by, loaded=[base or _line(workbook, count_id)])
    return rejected


def _line(workbook: Workbook, count_id: str) -> Record:
    workbook.invalidate([STOCK_COUNTS.name])
    line = workbook.table(STOCK_COUNTS).get(count_id)
    if line is None:
        raise ProcessError(_("There is no count line {count_id}.", count_id=count_id))
    return line


def _session_of(workbook: Workbook, count_id: str) -> str:
    return _line(workbook, count_id).session_id


def stocktake_sessions(workbook: Workbook) -> list[SessionSummary]:
    """Every count session, unfinished ones first, the most recently changed first within each."""
    tables = workbook.tables(STOCK_COUNTS, LOCATIONS)
    grouped: dict[str, list[Record]] = defaultdict(list)
    for line in tables[STOCK_COUNTS.name].records():
        grouped[line.session_id].append(line)
    locations = tables[LOCATIONS.name]
    summaries, activity = [], {}
    for session_id, lines in grouped.items():
        activity[session_id] = max((line.updated_at or datetime.min for line in lines), default=datetime.min)
        location_id = lines[0].location_id
        location = locations.get(location_id)
        counted_at = [line.counted_at for line in lines if line.counted_at]
        summaries.append(
            SessionSummary(
                session_id=session_id,
                location_id=location_id,
                location_name=location.name if location else location_id,
                lines=len(lines),
                open=_lines_in(lines, "uncounted"),
                counted=_lines_in(lines, "waiting_on_manager"),
                decided=_lines_in(lines, "decided"),
                last_counted_at=max(counted_at) if counted_at else None,
            )
        )
    summaries.sort(key=lambda summary: activity[summary.session_id], reverse=True)
    summaries.sort(key=lambda summary: summary.finished)
    return summaries


# internals -----------------------------------------------------------------


def _lines_in(lines: list[Record], group: str) -> int:
    """How many of `lines` are in the stocktake's state `group` (a blank status counts as open)."""
    return sum(STOCKTAKE.in_group(line, group) for line in lines)


def _session_lines(records, session_id: str) -> list[Record]:
    lines = sorted((line for line in records if line.session_id == session_id), key=lambda line: line.sku)
    if not lines:
        raise ProcessError(_("There is no stocktake {session_id}.", session_id=session_id))
    return lines


def _line_of(tx: Transaction, session_id: str, count_id: str) -> Record:
    line = tx.require(STOCK_COUNTS, count_id)
    if line.session_id != session_id:
        raise ProcessError(
            _(
                "Count line {count_id} belongs to stocktake {session_id}, not {session_id2}.",
                count_id=count_id,
                session_id=line.session_id,
                session_id2=session_id,
            )
        )
    return line


def _lines_to_decide(
    tx: Transaction, session_id: str, loaded: Sequence[Record] | None, verb: str
) -> list[tuple[Record | None, Record]]:
    """(the line as loaded, the line now) for each line to decide on."""
    if loaded is not None:
        pairs = [(base, _line_of(tx, session_id, base.count_id)) for base in loaded]
    else:
        waiting = STOCKTAKE.transition(verb).sources  # approve: the counted lines; reject: any unfinished
        lines = [
            line
            for line in tx.table(STOCK_COUNTS).records()
            if line.session_id == session_id and STOCKTAKE.state_of(line) in waiting
        ]
        pairs = [(None, line) for line in lines]
    if not pairs:
        raise ProcessError(
            _(
                "Nothing to {verb}: no line of stocktake {session_id} is waiting for it.",
                verb=verb,
                session_id=session_id,
            )
        )
    return pairs


def _counted_qty(sku: str, typed: Any) -> int:
    try:
        counted = coerce(STOCK_COUNTS, STOCK_COUNTS.column("counted_qty"), typed)
    except InvalidValue as error:
        raise ProcessError(
            _(
                "The count for {sku}: {removeprefix}.",
                sku=sku,
                removeprefix=str(error).removeprefix("counted_qty: "),
            )
        ) from None
    if counted is None:
        raise ProcessError(_("The count for {sku} is empty; enter the number counted (0 if none).", sku=sku))
    return counted  # the column's limits refused a negative one


def _variance_of(line: Record) -> int:
    if line.variance is not None:
        return line.variance
    return (line.counted_qty or 0) - (line.book_qty or 0)


def _post_adjustment(tx: Transaction, line: Record) -> None:
    variance = _variance_of(line)
    if variance == 0:
        return
    direction = {"to_location": line.location_id} if variance > 0 else {"from_location": line.location_id}
    try:
        post_move(tx, sku=line.sku, qty=abs(variance), reason="adjustment", ref=line.count_id, **direction)
    except ProcessError as refusal:
        raise ProcessError(
            _(
                "The variance of {variance} for {sku} cannot be applied: {refusal}",
                variance=variance,
                sku=line.sku,
                refusal=refusal,
            )
        ) from None
