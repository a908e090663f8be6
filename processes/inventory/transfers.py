"""Transfers between locations: requested, shipped (in transit), received; cancelled before shipping.

Stock leaves the origin when the transfer is shipped and arrives when it is
received; in between it is in neither location (two 'transfer' moves, see
processes.stock). A transfer never asks for more than the origin has
available, checked when it is requested and again when it is shipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from i18n import _
from processes import steps
from processes.browse import PAGE_SIZES
from processes.errors import ProcessError
from processes.inventory.procedures import TRANSFER
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, available, post_move
from sheets.cells import is_blank
from sheets.errors import InvalidValue
from sheets.table import Record, Table
from sheets.tabs import LOCATIONS, PRODUCTS, STOCK, TRANSFERS
from sheets.transaction import Transaction, coerce
from sheets.workbook import Workbook

#: The lists a transfers page can show: status filter -> the statuses it holds (None: all).
VIEWS: dict[str, tuple[str, ...] | None] = {
    "open": TRANSFER.group("open"),
    **{state.replace("_", " "): (state,) for state in TRANSFER.states},
    "all": None,
}
#: The list a transfers page shows first.
FIRST_VIEW = "open"


@dataclass(frozen=True)
class TransferQuery:
    view: str = FIRST_VIEW
    search: str = ""
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class TransferLine:
    """A transfer as listed; `transfer` is the record loaded (the base of the next step)."""

    transfer: Record
    name: str
    from_name: str
    to_name: str


@dataclass
class TransferPage:
    lines: list[TransferLine]
    total: int
    page: int
    pages: int


@steps.entry(TRANSFER)
def request_transfer(
    workbook: Workbook, *, sku: str, from_location: str, to_location: str, qty: Any, by: Actor
) -> Record:
    """Ask for stock to move; refused when the origin has fewer available than asked for."""
    quantity = _quantity(qty)
    if from_location == to_location:
        raise ProcessError(_("A transfer needs two different locations."))
    with workbook.transaction(
        PRODUCTS, LOCATIONS, STOCK, TRANSFERS, user=by.name, action="request transfer"
    ) as tx:
        if tx.get(PRODUCTS, sku) is None:
            raise ProcessError(_("There is no product {sku}.", sku=sku))
        origin = _location(tx, from_location)
        destination = _location(tx, to_location)
        if destination.active is False:
            raise ProcessError(_("{name} is inactive; it cannot receive stock.", name=destination.name))
        _check_available(tx, sku, origin, quantity)
        return tx.insert(
            TRANSFERS,
            {
                "sku": sku,
                "from_location": from_location,
                "to_location": to_location,
                "qty": quantity,
                "status": TRANSFER.start_states[0],
                "requested_by": by.name,
                "requested_at": tx.now,
            },
        )


@steps.rule(TRANSFER, "ship")
def ship_transfer(workbook: Workbook, transfer_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """The goods leave the origin: one move out, and the transfer is in transit."""
    tabs = (TRANSFERS, LOCATIONS, *LEDGER_TABS)
    with workbook.transaction(*tabs, user=by.name, action="ship transfer") as tx:
        transfer = tx.require(TRANSFERS, transfer_id)
        transition = TRANSFER.check("ship", TRANSFER.state_of(transfer), by)
        _check_available(tx, transfer.sku, _location(tx, transfer.from_location), transfer.qty)
        post_move(
            tx,
            sku=transfer.sku,
            qty=transfer.qty,
            reason="transfer",
            ref=transfer_id,
            from_location=transfer.from_location,
        )
        return tx.update(transfer, {"status": transition.target, "shipped_at": tx.now}, base=base)


@steps.rule(TRANSFER, "receive")
def receive_transfer(
    workbook: Workbook,
    transfer_id: str,
    *,
    qty_received: Any = None,
    discrepancy_note: str = "",
    by: Actor,
    base: Record | None = None,
) -> Record:
    """The goods arrive: what the destination counted moves in (all that was sent when no count is given).

    A count short of what was sent needs a note: the difference is recorded on the
    transfer (it left the origin and never arrived), never booked as if it came.
    """
    with workbook.transaction(TRANSFERS, *LEDGER_TABS, user=by.name, action="receive transfer") as tx:
        transfer = tx.require(TRANSFERS, transfer_id)
        transition = TRANSFER.check("receive", TRANSFER.state_of(transfer), by)
        counted = transfer.qty if is_blank(qty_received) else _counted(transfer, qty_received)
        discrepancy = _discrepancy(transfer, counted, discrepancy_note)
        if counted:
            post_move(
                tx,
                sku=transfer.sku,
                qty=counted,
                reason="transfer",
                ref=transfer_id,
                to_location=transfer.to_location,
            )
        changes = {"status": transition.target, "received_at": tx.now, "qty_received": counted}
        return tx.update(transfer, {**changes, "discrepancy": discrepancy}, base=base)


def _counted(transfer: Record, typed: Any) -> int:
    counted = coerce(TRANSFERS, TRANSFERS.column("qty_received"), typed)
    if counted > transfer.qty:
        raise ProcessError(
            _(
                "{counted} counted, but {transfer_id} sent {qty}: count again, or receive what was sent "
                "and record the extra with a stocktake.",
                counted=counted,
                transfer_id=transfer.transfer_id,
                qty=transfer.qty,
            )
        )
    return counted


def _discrepancy(transfer: Record, counted: int, note: str) -> str | None:
    if counted == transfer.qty:
        return None
    what = (note or "").strip()
    if not what:
        raise ProcessError(
            _(
                "{counted} of {qty} arrived: say what was found (damaged, missing, wrong item) before receiving.",
                counted=counted,
                qty=transfer.qty,
            )
        )
    return f"{transfer.qty - counted} of {transfer.qty} missing: {what[:500]}"


@steps.rule(TRANSFER, "cancel")
def cancel_transfer(workbook: Workbook, transfer_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Drop a transfer that has not left yet; no stock moves."""
    with workbook.transaction(TRANSFERS, user=by.name, action="cancel transfer") as tx:
        transfer = tx.require(TRANSFERS, transfer_id)
        transition = TRANSFER.check("cancel", TRANSFER.state_of(transfer), by)
        return tx.update(transfer, {"status": transition.target}, base=base)


def transfer_page(workbook: Workbook, query: TransferQuery) -> TransferPage:
    """One page of transfers in a view (open, received, ...), newest first, searched on the server."""
    tables = workbook.tables(TRANSFERS, PRODUCTS, LOCATIONS)
    products, locations = tables[PRODUCTS.name], tables[LOCATIONS.name]
    statuses = VIEWS.get(query.view, VIEWS[FIRST_VIEW])
    lines = [
        TransferLine(
            record,
            _name(products, record.sku),
            _name(locations, record.from_location) or record.from_location,
            _name(locations, record.to_location) or record.to_location,
        )
        for record in reversed(list(tables[TRANSFERS.name].records()))
        if statuses is None or TRANSFER.state_of(record) in statuses
    ]
    needle = query.search.strip().casefold()
    if needle:
        lines = [line for line in lines if needle in _searchable(line)]
    per_page = query.per_page if query.per_page in PAGE_SIZES else 50
    pages = max(1, math.ceil(len(lines) / per_page))
    page = min(max(1, query.page), pages)
    return TransferPage(lines[(page - 1) * per_page : page * per_page], len(lines), page, pages)


# internals -----------------------------------------------------------------


def _quantity(qty: Any) -> int:
    try:
        quantity = coerce(TRANSFERS, TRANSFERS.column("qty"), qty)
    except InvalidValue as error:
        raise ProcessError(
            _("Quantity: {removeprefix}.", removeprefix=str(error).removeprefix("qty: "))
        ) from None
    if quantity is None or quantity <= 0:
        raise ProcessError(_("Quantity: enter how many to move (at least 1)."))
    return quantity


def _location(tx: Transaction, location_id: str) -> Record:
    location = tx.get(LOCATIONS, location_id)
    if location is None:
        raise ProcessError(_("There is no location {location_id}.", location_id=location_id))
    return location


def _check_available(tx: Transaction, sku: str, origin: Record, qty: int) -> None:
    stock = tx.get(STOCK, (sku, origin.location_id))
    free = available(stock) if stock else 0
    if qty > free:
        raise ProcessError(
            _(
                "Only {max} of {sku} are available at {name}; {qty} cannot be moved.",
                max=max(free, 0),
                sku=sku,
                name=origin.name,
                qty=qty,
            )
        )


def _name(table: Table, key: str) -> str:
    record = table.get(key)
    return (record.name or "") if record else ""


def _searchable(line: TransferLine) -> str:
    transfer = line.transfer
    return (
        f"{transfer.transfer_id} {transfer.sku} {line.name} {transfer.from_location} {line.from_name} "
        f"{transfer.to_location} {line.to_name} {transfer.requested_by or ''}"
    ).casefold()
