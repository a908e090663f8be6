"""What the procurement pages show, each read in one go: lists, a request with its quotes, an order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from i18n import _
from processes.errors import ProcessError
from sheets.table import Record, Table
from sheets.tabs import (
    LOCATIONS,
    PRODUCTS,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    QUOTES,
    RECEIPTS,
    STOCK,
    SUPPLIERS,
)
from sheets.workbook import Workbook

from .comparison import Comparison, comparison_from
from .purchase_requests import StockContext, context_from, display_name
from .receiving import received_so_far

VIEW_TABS = (PRODUCTS, LOCATIONS, SUPPLIERS, STOCK, PURCHASE_REQUESTS, QUOTES, PURCHASE_ORDERS, RECEIPTS)


@dataclass(frozen=True)
class FormChoices:
    """The drop-downs of the procurement forms: ID -> what a person reads."""

    products: dict[str, str]
    locations: dict[str, str]
    suppliers: dict[str, str]


def form_choices(workbook: Workbook) -> FormChoices:
    """Active products, locations and suppliers, for the forms' drop-downs."""
    tables = workbook.tables(PRODUCTS, LOCATIONS, SUPPLIERS)
    return FormChoices(
        products=_choices(tables[PRODUCTS.name], "sku"),
        locations=_choices(tables[LOCATIONS.name], "location_id"),
        suppliers=_choices(tables[SUPPLIERS.name], "supplier_id"),
    )


def _choices(table: Table, key: str) -> dict[str, str]:
    return {
        record[key]: f"{record[key]} · {record.name}"
        for record in table.records()
        if record.active is not False
    }


@dataclass(frozen=True)
class RequestRow:
    request_id: str
    created_at: datetime | None
    sku: str
    product: str
    qty: int
    location: str
    needed_by: date | None
    status: str
    quotes: int
    requested_by: str


def request_rows(workbook: Workbook, status: str | None = None) -> list[RequestRow]:
    """Purchase requests in `status` (every one when None), newest first."""
    tables = workbook.tables(PRODUCTS, LOCATIONS, PURCHASE_REQUESTS, QUOTES)
    quotes: dict[str, int] = {}
    for quote in tables[QUOTES.name].records():
        quotes[quote.request_id] = quotes.get(quote.request_id, 0) + 1
    products, locations = tables[PRODUCTS.name], tables[LOCATIONS.name]
    requests = [r for r in tables[PURCHASE_REQUESTS.name].records() if not status or r.status == status]
    requests.sort(key=lambda r: (r.created_at or datetime.min, r.request_id), reverse=True)
    return [
        RequestRow(
            r.request_id,
            r.created_at,
            r.sku,
            display_name(products.get(r.sku), r.sku),
            r.qty,
            display_name(locations.get(r.location_id), r.location_id or ""),
            r.needed_by,
            r.status,
            quotes.get(r.request_id, 0),
            r.requested_by or "",
        )
        for r in requests
    ]


@dataclass(frozen=True)
class OrderRow:
    po_id: str
    request_id: str
    supplier: str
    sku: str
    product: str
    qty: int
    received: int
    total: float | None
    status: str
    expected_at: date | None
    selection_reason: str


def order_rows(workbook: Workbook, status: str | None = None) -> list[OrderRow]:
    """Purchase orders in `status` (every one when None), newest first."""
    tables = workbook.tables(PRODUCTS, SUPPLIERS, PURCHASE_ORDERS, RECEIPTS)
    return [
        _order_row(order, tables)
        for order in sorted(tables[PURCHASE_ORDERS.name].records(), key=lambda o: o.po_id, reverse=True)
        if not status or order.status == status
    ]


def _order_row(order: Record, tables: dict[str, Table]) -> OrderRow:
    return OrderRow(
        order.po_id,
        order.request_id or "",
        display_name(tables[SUPPLIERS.name].get(order.supplier_id), order.supplier_id),
        order.sku,
        display_name(tables[PRODUCTS.name].get(order.sku), order.sku),
        order.qty,
        received_so_far(tables[RECEIPTS.name].records(), order.po_id),
        order.total,
        order.status,
        order.expected_at,
        order.selection_reason or "",
    )


@dataclass(frozen=True)
class RequestView:
    request: Record
    product: str
    location: str
    context: StockContext
    comparison: Comparison
    orders: list[OrderRow]


def request_view(workbook: Workbook, request_id: str) -> RequestView:
    """A request with its stock picture, its quotes compared and its orders, from one read."""
    tables = workbook.tables(*VIEW_TABS)
    request = tables[PURCHASE_REQUESTS.name].get(request_id)
    if request is None:
        raise ProcessError(_("There is no purchase request {request_id}.", request_id=request_id))
    return RequestView(
        request=request,
        product=display_name(tables[PRODUCTS.name].get(request.sku), request.sku),
        location=display_name(tables[LOCATIONS.name].get(request.location_id), request.location_id or ""),
        context=context_from(tables, request.sku, request.location_id, excluding=request.request_id),
        comparison=comparison_from(request, tables, workbook.clock().date()),
        orders=[
            _order_row(order, tables)
            for order in tables[PURCHASE_ORDERS.name].records()
            if order.request_id == request.request_id
        ],
    )


@dataclass(frozen=True)
class OrderView:
    order: Record
    supplier: Record | None
    product: Record | None
    location: Record | None
    receipts: list[Record]
    locations: dict[str, str]  # where the goods may be put: ID -> "ID · name"
    location_names: dict[str, str]  # every location: ID -> name

    @property
    def received(self) -> int:
        return received_so_far(self.receipts, self.order.po_id)

    @property
    def outstanding(self) -> int:
        return max(self.order.qty - self.received, 0)


def order_view(workbook: Workbook, po_id: str) -> OrderView:
    """An order with its supplier, product, delivery location and deliveries so far, from one read."""
    tables = workbook.tables(PRODUCTS, LOCATIONS, SUPPLIERS, PURCHASE_ORDERS, RECEIPTS)
    order = tables[PURCHASE_ORDERS.name].get(po_id)
    if order is None:
        raise ProcessError(_("There is no purchase order {po_id}.", po_id=po_id))
    return OrderView(
        order=order,
        supplier=tables[SUPPLIERS.name].get(order.supplier_id),
        product=tables[PRODUCTS.name].get(order.sku),
        location=tables[LOCATIONS.name].get(order.location_id) if order.location_id else None,
        receipts=[r for r in tables[RECEIPTS.name].records() if r.po_id == order.po_id],
        locations=_choices(tables[LOCATIONS.name], "location_id"),
        location_names={place.location_id: place.name for place in tables[LOCATIONS.name].records()},
    )
