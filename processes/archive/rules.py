"""Which records are closed, and since when: what the archive may take out of the live sheet.

One rule per archived tab. A record is archived once it has been closed
longer than the archive age (setting `archive_after_days`): its closing time
decides that and the archive year it goes into. Order Lines are not a rule of
their own: they travel with their order, in the same batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sheets.schema import Tab
from sheets.table import Record, Table
from sheets.tabs import AUDIT, ORDER_LINES, ORDERS, OUTBOX, OUTBOX_SENT, RETURNS, STOCK_MOVES, TICKETS

#: When a record closed, or None while it is still open.
ClosedAt = Callable[[Record], datetime | None]


#: The keys of a tab's records that stay live while something still open refers to them.
KeptLive = Callable[[dict[str, Table]], set]


@dataclass(frozen=True)
class Rule:
    tab: Tab
    closed_at: ClosedAt
    children: Tab | None = None  # rows that go with the record (an order's lines), found by its key
    kept_live: KeptLive = lambda live: set()


def _moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


def _when(statuses: tuple[str, ...], *columns: str) -> ClosedAt:
    """Closed in one of `statuses`, at the first of `columns` that holds a time (updated_at last)."""

    def closed_at(record: Record) -> datetime | None:
        if record["status"] not in statuses:
            return None
        for column in (*columns, "updated_at"):
            moment = _moment(record[column])
            if moment is not None:
                return moment
        return None

    return closed_at


def _always(column: str) -> ClosedAt:
    """A row that is history from the moment it is written (Audit rows, stock moves)."""
    return lambda record: _moment(record[column])


ORDERS_CLOSED = ("delivered", "cancelled")
TICKETS_CLOSED = ("resolved", "closed")
RETURNS_CLOSED = ("closed", "rejected")


def orders_with_open_returns(live: dict[str, Table]) -> set:
    """An order a return is still open on stays live: its refund is worked out from its lines."""
    return {ret.order_id for ret in live[RETURNS.name].records() if ret.status not in RETURNS_CLOSED}


RULES: tuple[Rule, ...] = (
    Rule(
        ORDERS, _when(ORDERS_CLOSED, "delivered_at"), children=ORDER_LINES, kept_live=orders_with_open_returns
    ),
    Rule(TICKETS, _when(TICKETS_CLOSED, "resolved_at")),
    Rule(RETURNS, _when(RETURNS_CLOSED, "refunded_at")),
    Rule(OUTBOX, _when((OUTBOX_SENT,), "sent_at")),
    Rule(STOCK_MOVES, _always("at")),
    Rule(AUDIT, _always("at")),
)

#: Every tab an archive workbook holds, in the order the archive works through them.
ARCHIVED_TABS: tuple[Tab, ...] = (ORDERS, ORDER_LINES, TICKETS, RETURNS, OUTBOX, STOCK_MOVES, AUDIT)
ARCHIVED_NAMES = frozenset(tab.name for tab in ARCHIVED_TABS)
