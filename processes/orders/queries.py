"""Looking at orders: the list (status views, search, server-side paging) and one order with its timeline."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

import i18n
from i18n import _
from processes.archive.lookup import archived, archived_where
from processes.browse import PAGE_SIZES, display
from sheets.audit_changes import parse_changes
from sheets.table import Record
from sheets.tabs import AUDIT, LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK_MOVES
from sheets.workbook import Workbook

from .pipeline import lines_of
from .procedure import OPEN_STATES, ORDER

#: The lists the orders page can show: view -> the statuses it holds (None: all).
VIEWS: dict[str, tuple[str, ...] | None] = {
    "open": OPEN_STATES,
    **{state: (state,) for state in ORDERS.column("status").choices},
    "all": None,
}
#: The list the orders page shows first.
FIRST_VIEW = "open"
LIST_COLUMNS = (
    "order_id",
    "external_ref",
    "channel",
    "customer_name",
    "created_at",
    "status",
    "payment_status",
    "total",
    "location_id",
)


@dataclass(frozen=True)
class OrderQuery:
    view: str = FIRST_VIEW
    search: str = ""
    page: int = 1
    per_page: int = 50


@dataclass
class OrderPage:
    rows: list[dict[str, str]]  # LIST_COLUMNS as shown
    total: int  # orders matching
    page: int
    pages: int
    unreadable: int  # rows of the tab that cannot be read (listed under Data issues)


def order_page(workbook: Workbook, query: OrderQuery) -> OrderPage:
    """One page of orders in a view, newest first; search and paging on the server."""
    tables = workbook.tables(ORDERS, LOCATIONS)
    table = tables[ORDERS.name]
    locations = tables[LOCATIONS.name]
    frame = table.df
    statuses = VIEWS.get(query.view, VIEWS[FIRST_VIEW])
    keep = pd.Series(True, index=frame.index)
    if statuses is not None:
        keep &= frame["status"].fillna(ORDER.default_state).isin(statuses).to_numpy()
    needle = query.search.strip().casefold()
    if needle:
        keep &= table.search_text.str.contains(needle, regex=False).to_numpy()
    frame = frame[keep.to_numpy()].iloc[::-1]
    per_page = query.per_page if query.per_page in PAGE_SIZES else 50
    pages = max(1, math.ceil(len(frame) / per_page))
    page = min(max(1, query.page), pages)
    window = frame.iloc[(page - 1) * per_page : page * per_page]
    rows = [
        {name: display(ORDERS, name, value) for name, value in zip(LIST_COLUMNS, values, strict=True)}
        for values in window[list(LIST_COLUMNS)].itertuples(index=False, name=None)
    ]
    for row in rows:  # where an order ships from, by the location's name rather than its ID
        row["location_id"] = (
            _name(locations.get(row["location_id"]), row["location_id"]) if row["location_id"] else ""
        )
    return OrderPage(rows, len(frame), page, pages, len(table.issues))


@dataclass(frozen=True)
class LineView:
    line_id: str
    sku: str
    name: str
    qty: int
    unit_price: float | None


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str
    what: str


@dataclass
class OrderView:
    order: Record  # as loaded: the base of the next step
    lines: list[LineView]
    location_name: str
    timeline: list[Event]  # oldest first
    archived: int | None = None  # the archive year the order is kept in: read-only


def order_view(workbook: Workbook, order_id: str) -> OrderView | None:
    """An order, its lines and its timeline (Audit rows and the order's stamps); None if there is none.

    An order no longer in the live sheet is looked for in the archive: found there, it is
    shown as it was archived (`archived` names the year), with nothing to do.
    """
    tables = workbook.tables(ORDERS, ORDER_LINES, PRODUCTS, LOCATIONS, AUDIT, STOCK_MOVES)
    order = tables[ORDERS.name].get(order_id)
    if order is None:
        return archived_order_view(tables, order_id)
    lines = lines_of(tables[ORDER_LINES.name], order_id)
    return _view(
        tables,
        order,
        lines,
        _rows(tables, AUDIT, "record_id", order_id),
        _rows(tables, STOCK_MOVES, "ref", order_id),
    )


def archived_order_view(tables: dict, order_id: str) -> OrderView | None:
    """An archived order with its lines, its history from the archive and the live sheet; None if not archived."""
    found = archived(ORDERS, order_id)
    if found is None:
        return None
    lines = archived_where(ORDER_LINES, "order_id", order_id)
    audit = _rows(tables, AUDIT, "record_id", order_id) + archived_where(AUDIT, "record_id", order_id)
    moves = _rows(tables, STOCK_MOVES, "ref", order_id) + archived_where(STOCK_MOVES, "ref", order_id)
    return _view(tables, found.record, lines, _unique(audit), _unique(moves), archived_in=found.year)


def _view(
    tables: dict,
    order: Record,
    lines: list[Record],
    audit: list[Record],
    moves: list[Record],
    archived_in: int | None = None,
) -> OrderView:
    products = tables[PRODUCTS.name]
    shown = [
        LineView(
            line.line_id, line.sku, _name(products.get(line.sku), line.sku), line.qty or 0, line.unit_price
        )
        for line in lines
    ]
    location = tables[LOCATIONS.name].get(order.location_id) if order.location_id else None
    return OrderView(
        order, shown, _name(location, order.location_id or ""), events_of(order, audit, moves), archived_in
    )


def _rows(tables: dict, tab, column: str, value: str) -> list[Record]:
    table = tables[tab.name]
    return [table.record_at(index) for index in _indexes(table.columns[column], value)]


def _unique(records: list[Record]) -> list[Record]:
    """Each record once (live and archived at once only while an archive run is under way)."""
    return list({record.id: record for record in reversed(records)}.values())[::-1]


def timeline(tables: dict, order: Record) -> list[Event]:
    """What happened to an order, oldest first: its stamps, every change made through the app, its stock moves."""
    audit = _rows(tables, AUDIT, "record_id", order.order_id)
    return events_of(order, audit, _rows(tables, STOCK_MOVES, "ref", order.order_id))


def events_of(order: Record, audit: list[Record], moves: list[Record]) -> list[Event]:
    """The timeline from the order's stamps, its Audit rows and its stock moves, oldest first."""
    events = [Event(order.created_at, "", _("order placed"))] if order.created_at else []
    for column, words in (
        ("paid_at", _("payment received")),
        ("shipped_at", i18n.value("shipped")),
        ("delivered_at", i18n.value("delivered")),
    ):
        if order[column]:
            events.append(Event(order[column], "", words))
    for row in audit:
        if row.at:
            events.append(Event(row.at, row.user or "", _audit_line(row.action or "", row.changes or "")))
    for move in moves:
        if move.at:
            where = move.from_location or move.to_location
            events.append(
                Event(
                    move.at,
                    move.by or "",
                    _(
                        "stock {reason}: {qty} × {sku} at {where}",
                        reason=i18n.value(move.reason or ""),
                        qty=move.qty,
                        sku=move.sku,
                        where=where,
                    ),
                )
            )
    return sorted(events, key=lambda event: event.at)


def _audit_line(action: str, changes: str) -> str:
    """An Audit row as a line of the timeline: the step, and the state it moved (not every cell it wrote)."""
    step = action.rsplit(": ", 1)[0]
    moved = [
        f"{change.name}: {change.new}"
        if change.old is None
        else f"{change.name}: {change.old} → {change.new}"
        for change in parse_changes(changes)
        if change.name in ("status", "payment_status")
    ]
    if action.endswith(": insert") or not moved:
        return step
    return f"{step} ({'; '.join(moved)})"


def _indexes(column: list, value: str) -> list[int]:
    return [index for index, cell in enumerate(column) if cell == value]


def _name(record: Record | None, fallback: str) -> str:
    return (record.name or fallback) if record is not None else fallback
