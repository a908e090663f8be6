"""Purchase requests: asking for stock to be bought, with the stock picture that prevents ordering twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.stock import available
from sheets.table import Record, Table
from sheets.tabs import LOCATIONS, PRODUCTS, PURCHASE_ORDERS, PURCHASE_REQUESTS, RECEIPTS, STOCK, SUPPLIERS
from sheets.workbook import Workbook

from . import inputs
from .procedures import AUTOMATIC, OPEN_REQUEST_STATES, PURCHASE_ORDER, PURCHASE_REQUEST
from .receiving import received_so_far


@steps.entry(PURCHASE_REQUEST)
def create_request(
    workbook: Workbook,
    *,
    sku: str,
    qty: Any,
    needed_by: Any,
    location_id: str,
    reason: str = "",
    department: str = "",
    by: Actor,
) -> Record:
    """Ask for `qty` of a product to be bought for a location by a date; the request starts open."""
    with workbook.transaction(PRODUCTS, LOCATIONS, user=by.name, action="request purchase") as tx:
        product = tx.get(PRODUCTS, inputs.required_text(sku, N_("Product")))
        if product is None:
            raise ProcessError(_("There is no product {text!r} in Products.", text=inputs.text(sku)))
        if product.active is False:
            raise ProcessError(
                _("{name} ({sku}) is no longer active in Products.", name=product.name, sku=product.sku)
            )
        location = tx.get(LOCATIONS, inputs.required_text(location_id, N_("Location")))
        if location is None:
            raise ProcessError(
                _("There is no location {text!r} in Locations.", text=inputs.text(location_id))
            )
        if location.active is False:
            raise ProcessError(
                _(
                    "{name} ({location_id}) is marked inactive in Locations.",
                    name=location.name,
                    location_id=location.location_id,
                )
            )
        return tx.insert(
            PURCHASE_REQUESTS,
            {
                "created_at": tx.now,
                "requested_by": by.name,
                "department": inputs.text(department),
                "sku": product.sku,
                "qty": inputs.whole_number(qty, N_("Quantity"), minimum=1),
                "needed_by": inputs.day(needed_by, N_("Needed by"), not_before=tx.now.date()),
                "reason": inputs.text(reason),
                "location_id": location.location_id,
                "source": "manual",
                "status": PURCHASE_REQUEST.start_states[0],
            },
        )


@steps.rule(PURCHASE_REQUEST, "cancel")
def cancel_request(
    workbook: Workbook, request_id: str, *, reason: str = "", by: Actor, base: Record | None = None
) -> Record:
    """Withdraw a request nobody has ordered on yet, saying why.

    An automatic request needs the reason: cancelling it snoozes the need it
    was raised for (processes/planning/policy.py), and the reason shows there.
    """
    with workbook.transaction(PURCHASE_REQUESTS, user=by.name, action="cancel purchase request") as tx:
        request = tx.require(PURCHASE_REQUESTS, request_id, base=base)
        transition = PURCHASE_REQUEST.check("cancel", request.status, by)
        why = inputs.text(reason)
        if request.source == AUTOMATIC and not why:
            raise ProcessError(
                _(
                    "Say why this automatic request is cancelled: it will not be raised again "
                    "for the same need until the stock changes."
                )
            )
        return tx.update(request, {"status": transition.target, "cancel_reason": why or None})


@dataclass(frozen=True)
class StockLine:
    location_id: str
    location_name: str
    on_hand: int
    reserved: int
    available: int
    min_qty: int
    max_qty: int


@dataclass(frozen=True)
class Incoming:
    po_id: str
    supplier_name: str
    status: str
    location_id: str
    outstanding: int  # ordered and not yet received
    expected_at: date | None


@dataclass(frozen=True)
class OpenRequest:
    request_id: str
    location_id: str
    qty: int
    status: str
    needed_by: date | None
    requested_by: str


@dataclass(frozen=True)
class StockContext:
    """What a person needs to see before asking for a product: stock, what is coming, what is asked for."""

    sku: str
    product_name: str
    location_id: str | None
    here: StockLine | None  # the chosen location (None: no Stock row there yet)
    elsewhere: list[StockLine] = field(default_factory=list)
    incoming: list[Incoming] = field(default_factory=list)
    open_requests: list[OpenRequest] = field(default_factory=list)

    @property
    def incoming_qty(self) -> int:
        return sum(line.outstanding for line in self.incoming)


CONTEXT_TABS = (PRODUCTS, LOCATIONS, STOCK, PURCHASE_ORDERS, RECEIPTS, PURCHASE_REQUESTS, SUPPLIERS)


def stock_context(
    workbook: Workbook, sku: str, location_id: str | None = None, *, excluding: str | None = None
) -> StockContext:
    """Stock of `sku` (at `location_id` and elsewhere), open orders still to arrive and open requests.

    `excluding` leaves one request out of the open ones (the request being looked at).
    """
    tables = workbook.tables(*CONTEXT_TABS)
    return context_from(tables, sku, location_id, excluding=excluding)


def context_from(
    tables: dict[str, Table], sku: str, location_id: str | None, *, excluding: str | None = None
) -> StockContext:
    product = tables[PRODUCTS.name].get(sku)
    locations = tables[LOCATIONS.name]
    lines = [
        StockLine(
            row.location_id,
            display_name(locations.get(row.location_id), row.location_id),
            row.on_hand or 0,
            row.reserved or 0,
            available(row),
            row.min_qty or 0,
            row.max_qty or 0,
        )
        for row in tables[STOCK.name].records()
        if row.sku == sku
    ]
    return StockContext(
        sku=sku,
        product_name=product.name if product else sku,
        location_id=location_id,
        here=next((line for line in lines if line.location_id == location_id), None),
        elsewhere=[line for line in lines if line.location_id != location_id],
        incoming=_incoming(tables, sku),
        open_requests=[
            OpenRequest(r.request_id, r.location_id or "", r.qty, r.status, r.needed_by, r.requested_by or "")
            for r in tables[PURCHASE_REQUESTS.name].records()
            if r.sku == sku and r.status in OPEN_REQUEST_STATES and r.request_id != excluding
        ],
    )


def _incoming(tables: dict[str, Table], sku: str) -> list[Incoming]:
    suppliers = tables[SUPPLIERS.name]
    receipts = list(tables[RECEIPTS.name].records())
    incoming = []
    for order in tables[PURCHASE_ORDERS.name].records():
        if order.sku != sku or order.status not in PURCHASE_ORDER.group("incoming"):
            continue
        outstanding = order.qty - received_so_far(receipts, order.po_id)
        if outstanding > 0:
            incoming.append(
                Incoming(
                    order.po_id,
                    display_name(suppliers.get(order.supplier_id), order.supplier_id),
                    order.status,
                    order.location_id or "",
                    outstanding,
                    order.expected_at,
                )
            )
    return incoming


def display_name(record: Record | None, fallback: str) -> str:
    """A record's name, or `fallback` when there is no record (or it has no name)."""
    return record.name if record is not None and record.name else fallback
