"""The stock view: every product at every location, what can be promised and what is on its way.

One read of five tabs answers the whole view; filtering, search and paging
happen here on the server, so a page ships one page of lines however many
products and locations there are.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from i18n import _
from processes.browse import PAGE_SIZES
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.procurement.procedures import PURCHASE_ORDER
from processes.stock import available
from sheets.errors import InvalidValue
from sheets.table import DataIssue, Record, Table
from sheets.tabs import LOCATIONS, PRODUCTS, PURCHASE_ORDERS, RECEIPTS, STOCK
from sheets.transaction import coerce
from sheets.workbook import Workbook

#: Purchase orders whose goods are still expected (approved and not yet fully received).
#: Purchase order states whose goods count as incoming, on every page alike.
INCOMING_PO_STATUSES = PURCHASE_ORDER.group("incoming")

StockKey = tuple[str, str]  # (sku, location_id)


@dataclass(frozen=True)
class StockQuery:
    search: str = ""
    location_id: str | None = None
    below_min_only: bool = False
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class StockLine:
    """One product at one location, as the stock view shows it."""

    sku: str
    name: str
    location_id: str
    location_name: str
    on_hand: int
    reserved: int
    available: int
    min_qty: int
    max_qty: int
    incoming: int
    last_counted_at: datetime | None

    @property
    def below_min(self) -> bool:
        return self.available < self.min_qty


@dataclass
class StockPage:
    lines: list[StockLine]
    total: int  # lines matching the filters
    below_min: int  # of those, how many are below their minimum
    page: int
    pages: int
    issues: list[DataIssue] = field(default_factory=list)


def is_below_min(stock: Record) -> bool:
    """Whether what can still be promised is below the row's minimum."""
    return available(stock) < (stock.min_qty or 0)


def incoming_quantities(purchase_orders: Table, receipts: Table) -> dict[StockKey, int]:
    """Per (sku, location): ordered on open purchase orders and not yet received against them."""
    received: dict[str, int] = defaultdict(int)
    for receipt in receipts.records():
        received[receipt.po_id] += receipt.qty_received or 0
    incoming: dict[StockKey, int] = defaultdict(int)
    for order in purchase_orders.records():
        if order.status not in INCOMING_PO_STATUSES or not order.location_id:
            continue
        outstanding = (order.qty or 0) - received[order.po_id]
        if outstanding > 0:
            incoming[(order.sku, order.location_id)] += outstanding
    return dict(incoming)


def stock_lines(workbook: Workbook) -> tuple[list[StockLine], list[DataIssue]]:
    """Every stock line (and every product only on its way to a location), by SKU then location."""
    tables = workbook.tables(STOCK, PRODUCTS, LOCATIONS, PURCHASE_ORDERS, RECEIPTS)
    stock, products, locations = (tables[tab.name] for tab in (STOCK, PRODUCTS, LOCATIONS))
    incoming = incoming_quantities(tables[PURCHASE_ORDERS.name], tables[RECEIPTS.name])

    def name_of(table: Table, key: str) -> str:
        record = table.get(key)
        return (record.name or "") if record else ""

    lines = []
    for row in stock.records():
        key = (row.sku, row.location_id)
        lines.append(
            StockLine(
                sku=row.sku,
                name=name_of(products, row.sku),
                location_id=row.location_id,
                location_name=name_of(locations, row.location_id) or row.location_id,
                on_hand=row.on_hand or 0,
                reserved=row.reserved or 0,
                available=available(row),
                min_qty=row.min_qty or 0,
                max_qty=row.max_qty or 0,
                incoming=incoming.get(key, 0),
                last_counted_at=row.last_counted_at,
            )
        )
    for (sku, location_id), qty in incoming.items():
        if (sku, location_id) not in stock:
            lines.append(
                StockLine(
                    sku=sku,
                    name=name_of(products, sku),
                    location_id=location_id,
                    location_name=name_of(locations, location_id) or location_id,
                    on_hand=0,
                    reserved=0,
                    available=0,
                    min_qty=0,
                    max_qty=0,
                    incoming=qty,
                    last_counted_at=None,
                )
            )
    lines.sort(key=lambda line: (line.sku.casefold(), line.location_name.casefold()))
    return lines, stock.issues


def stock_page(workbook: Workbook, query: StockQuery) -> StockPage:
    """One page of the stock view, filtered by location, below-minimum and a search."""
    lines, issues = stock_lines(workbook)
    if query.location_id:
        lines = [line for line in lines if line.location_id == query.location_id]
    if query.below_min_only:
        lines = [line for line in lines if line.below_min]
    needle = query.search.strip().casefold()
    if needle:
        lines = [line for line in lines if needle in _searchable(line)]
    per_page = query.per_page if query.per_page in PAGE_SIZES else 50
    pages = max(1, math.ceil(len(lines) / per_page))
    page = min(max(1, query.page), pages)
    return StockPage(
        lines=lines[(page - 1) * per_page : page * per_page],
        total=len(lines),
        below_min=sum(line.below_min for line in lines),
        page=page,
        pages=pages,
        issues=issues,
    )


def _searchable(line: StockLine) -> str:
    return f"{line.sku} {line.name} {line.location_id} {line.location_name}".casefold()


def set_limits(
    workbook: Workbook,
    sku: str,
    location_id: str,
    *,
    min_qty: Any,
    max_qty: Any,
    by: Actor,
    base: Record | None = None,
) -> Record:
    """Set a row's minimum and maximum (0 for no maximum); on_hand is never touched here."""
    low, high = _limit(min_qty, "min_qty", "Minimum"), _limit(max_qty, "max_qty", "Maximum")
    if high and high < low:
        raise ProcessError(_("Maximum ({high}) cannot be below the minimum ({low}).", high=high, low=low))
    with workbook.transaction(STOCK, user=by.name, action="set stock limits") as tx:
        row = tx.get(STOCK, (sku, location_id))
        if row is None:
            return tx.insert(STOCK, {"sku": sku, "location_id": location_id, "min_qty": low, "max_qty": high})
        return tx.update(row, {"min_qty": low, "max_qty": high}, base=base)


def _limit(value: Any, column: str, label: str) -> int:
    try:
        typed = coerce(STOCK, STOCK.column(column), value)
    except InvalidValue as error:
        raise ProcessError(f"{label}: {str(error).removeprefix(f'{column}: ')}.") from None
    return 0 if typed is None else typed  # the column's limits refused a negative one
