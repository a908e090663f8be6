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
from sheets.table import Record, Table
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
    records: int = 0  # orders in the whole tab


#: How far into a view of big Orders a page reads only the orders it shows (the first pages).
NEAR_ORDERS = 1_000


def order_page(workbook: Workbook, query: OrderQuery) -> OrderPage:
    """One page of orders in a view, newest first; search and paging on the server.

    Of big Orders read by their rows (Google), a view's first pages read the key and
    status columns, then only the newest orders of the view, as many as the pages up to
    this one show; a search or a page further on reads the tab whole (cached).
    """
    if workbook.selects_rows(ORDERS) and _by_rows(query):
        read = _newest_of_view(workbook, query)
        if read is not None:
            locations = workbook.table(LOCATIONS)
            return _page(read.table, query, locations, total=read.matching, records=read.records)
    tables = workbook.tables(ORDERS, LOCATIONS)
    return _page(tables[ORDERS.name], query, tables[LOCATIONS.name])


def reads_whole(workbook: Workbook, query: OrderQuery) -> bool:
    """Whether this page of big Orders (read in part by default) reads every order: a search or a far
    page. Asks the backend nothing."""
    return workbook.selects_rows(ORDERS) and not _by_rows(query)


def _by_rows(query: OrderQuery) -> bool:
    return not query.search.strip() and max(1, query.page) * _per_page(query) <= NEAR_ORDERS


def _per_page(query: OrderQuery) -> int:
    return query.per_page if query.per_page in PAGE_SIZES else 50


@dataclass(frozen=True)
class _Read:
    table: Table  # the orders read (the newest of the view, as many as wanted)
    matching: int  # orders in the view
    records: int  # orders in the tab


def _newest_of_view(workbook: Workbook, query: OrderQuery) -> _Read | None:
    """The newest orders of the view for the pages up to the one asked for, and the view's count; None
    when only a whole read can tell (rows that cannot be read, or blank ones, among them)."""
    wanted = max(1, query.page) * _per_page(query)
    statuses = _statuses(query)
    if statuses is None:
        selection = workbook.selected(ORDERS, {}, recent=wanted)
    else:
        cells = set(statuses) | ({""} if ORDER.default_state in statuses else set())
        selection = workbook.selected(ORDERS, {"status": cells}, limit=wanted)
    table = selection.table
    matching = selection.total if statuses is None else selection.matched
    if selection.complete or matching is None:
        return None
    if table.issues or len(_in_view(table, statuses)) < min(wanted, matching):
        return None
    return _Read(table, matching, selection.total)


def _statuses(query: OrderQuery) -> tuple[str, ...] | None:
    return VIEWS.get(query.view, VIEWS[FIRST_VIEW])


def _in_view(table: Table, statuses: tuple[str, ...] | None) -> pd.DataFrame:
    frame = table.df
    if statuses is None:
        return frame
    return frame[frame["status"].fillna(ORDER.default_state).isin(statuses).to_numpy()]


def _page(
    table: Table,
    query: OrderQuery,
    locations: Table,
    *,
    total: int | None = None,
    records: int | None = None,
) -> OrderPage:
    frame = table.df
    statuses = _statuses(query)
    keep = pd.Series(True, index=frame.index)
    if statuses is not None:
        keep &= frame["status"].fillna(ORDER.default_state).isin(statuses).to_numpy()
    needle = query.search.strip().casefold()
    if needle:
        keep &= table.search_text.str.contains(needle, regex=False).to_numpy()
    frame = frame[keep.to_numpy()].iloc[::-1]
    per_page = _per_page(query)
    total = len(frame) if total is None else total
    pages = max(1, math.ceil(total / per_page))
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
    records = len(table) if records is None else records
    return OrderPage(rows, total, page, pages, len(table.issues), records)


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
    audit_read: int | None = None  # of a big Audit, only its newest this many rows were read


#: Newest rows of a big Audit an order's page reads (no column of it: it holds millions of rows).
RECENT_AUDIT_ROWS = 5_000


def order_view(workbook: Workbook, order_id: str) -> OrderView | None:
    """An order, its lines and its timeline (Audit rows and the order's stamps); None if there is none.

    An order no longer in the live sheet is looked for in the archive: found there, it is
    shown as it was archived (`archived` names the year), with nothing to do.
    """
    if workbook.selects_rows(ORDERS):
        return _order_view_in_part(workbook, order_id)
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


def _order_view_in_part(workbook: Workbook, order_id: str) -> OrderView | None:
    """`order_view` of big tabs (Google): the order's row, its lines' rows and its stock moves' rows,
    selected by their `order_id` and `ref` cells, and the newest Audit rows, in one `selections`."""
    found = workbook.selections(
        [
            (ORDERS, {"order_id": {order_id}}, 0),
            (ORDER_LINES, {"order_id": {order_id}}, 0),
            (STOCK_MOVES, {"ref": {order_id}}, 0),
            (AUDIT, {}, RECENT_AUDIT_ROWS),
            (PRODUCTS, {}, 0),
            (LOCATIONS, {}, 0),
        ]
    )
    tables = {name: selection.table for name, selection in found.items()}
    audit_read = None if found[AUDIT.name].complete else len(found[AUDIT.name].table)
    order = tables[ORDERS.name].get(order_id)
    if order is None:
        view = archived_order_view(tables, order_id)
    else:
        view = _view(
            tables,
            order,
            lines_of(tables[ORDER_LINES.name], order_id),
            _rows(tables, AUDIT, "record_id", order_id),
            _rows(tables, STOCK_MOVES, "ref", order_id),
        )
    if view is not None:
        view.audit_read = audit_read
    return view


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
