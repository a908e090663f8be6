"""Goods received against a purchase order: counted, inspected, the accepted quantity into stock.

One delivery is one Receipts row. Its accepted quantity is posted to the
stock ledger as a 'receipt' move in the same commit, the order becomes
partially_received or received, and a fully received order closes its request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from sheets.ids import new_id
from sheets.table import Record
from sheets.tabs import LOCATIONS, PURCHASE_ORDERS, PURCHASE_REQUESTS, RECEIPTS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from . import inputs
from .procedures import PURCHASE_ORDER, PURCHASE_REQUEST


@steps.rule(PURCHASE_ORDER, "receive_part", "receive")
def receive(
    workbook: Workbook,
    po_id: str,
    *,
    qty_received: Any,
    qty_accepted: Any,
    qty_rejected: Any = 0,
    location_id: str | None = None,
    inspection_notes: str = "",
    by: Actor,
    base: Record | None = None,
    receipt_id: str | None = None,
) -> Record:
    """Record one delivery and put what passed inspection into stock; returns the Receipts row.

    `receipt_id` (from `new_receipt_id()`, made when the counting began) makes saving
    idempotent: a delivery saved again under the same ID is the one already recorded,
    counted once, whatever happened to the first answer on the way back.

    Refused, with nothing written, when received is not accepted + rejected, or
    when all deliveries together would come to more than was ordered.
    The goods go to the order's location unless `location_id` says otherwise.
    """
    received = inputs.whole_number(qty_received, N_("Quantity received"), minimum=1)
    accepted = inputs.whole_number(qty_accepted, N_("Quantity accepted"), default=0)
    rejected = inputs.whole_number(qty_rejected, N_("Quantity rejected"), default=0)
    if accepted + rejected != received:
        raise ProcessError(
            _(
                "{received} received must be accepted plus rejected; {accepted} accepted and {rejected} rejected make {value}.",
                received=received,
                accepted=accepted,
                rejected=rejected,
                value=accepted + rejected,
            )
        )
    tabs = (PURCHASE_ORDERS, RECEIPTS, PURCHASE_REQUESTS, LOCATIONS, *LEDGER_TABS)
    with workbook.transaction(*tabs, user=by.name, action="receive goods") as tx:
        saved = tx.get(RECEIPTS, receipt_id) if receipt_id else None
        if saved is not None:
            if saved.po_id != po_id:
                raise ProcessError(
                    _("Delivery {receipt_id} belongs to {po_id}.", receipt_id=receipt_id, po_id=saved.po_id)
                )
            return saved
        order = tx.require(PURCHASE_ORDERS, po_id, base=base)
        so_far = received_so_far(tx.table(RECEIPTS).records(), order.po_id)
        completes = so_far + received >= order.qty
        transition = PURCHASE_ORDER.check("receive" if completes else "receive_part", order.status, by)
        if so_far + received > order.qty:
            raise ProcessError(
                _(
                    "{po_id} is for {qty}; {so_far} already received, so at most {value} more can be received, not {received}.",
                    po_id=order.po_id,
                    qty=order.qty,
                    so_far=so_far,
                    value=order.qty - so_far,
                    received=received,
                )
            )
        location = _location(tx, inputs.text(location_id) or order.location_id)
        receipt = tx.insert(
            RECEIPTS,
            {
                "receipt_id": receipt_id or None,
                "po_id": order.po_id,
                "received_at": tx.now,
                "location_id": location,
                "qty_received": received,
                "qty_accepted": accepted,
                "qty_rejected": rejected,
                "inspection_notes": inputs.text(inspection_notes),
                "received_by": by.name,
            },
        )
        if accepted:
            post_move(
                tx,
                sku=order.sku,
                qty=accepted,
                reason="receipt",
                ref=receipt.receipt_id,
                to_location=location,
            )
        tx.update(order, {"status": transition.target})
        if completes:
            _close_request(tx, order, by)
        return receipt


@steps.rule(PURCHASE_ORDER, "close_short")
def close_short(
    workbook: Workbook, po_id: str, *, reason: str, by: Actor, base: Record | None = None
) -> Record:
    """Close a partly received order for what came: the rest is no longer expected, and why is kept."""
    why = inputs.required_text(reason, N_("Why the order is closed short"))
    with workbook.transaction(
        PURCHASE_ORDERS, RECEIPTS, PURCHASE_REQUESTS, user=by.name, action="close short"
    ) as tx:
        order = tx.require(PURCHASE_ORDERS, po_id, base=base)
        transition = PURCHASE_ORDER.check("close_short", order.status, by)
        so_far = received_so_far(tx.table(RECEIPTS).records(), order.po_id)
        closed = tx.update(
            order, {"status": transition.target, "short_reason": f"{so_far} of {order.qty}: {why}"}
        )
        _close_request(tx, order, by)
        return closed


def new_receipt_id() -> str:
    """The ID a delivery being counted will be saved under (so saving it twice records it once)."""
    return new_id(RECEIPTS.id_prefix)


def received_so_far(receipts: Iterable[Record], po_id: str) -> int:
    """Units received against one order, over all its deliveries."""
    return sum(receipt.qty_received or 0 for receipt in receipts if receipt.po_id == po_id)


def _location(tx: Transaction, location_id: str | None) -> str:
    if not location_id:
        raise ProcessError(_("Say where the goods are put: the order has no delivery location."))
    location = tx.get(LOCATIONS, location_id)
    if location is None:
        raise ProcessError(_("There is no location {location_id!r} in Locations.", location_id=location_id))
    if location.active is False:
        raise ProcessError(
            _(
                "{name} ({location_id}) is marked inactive in Locations.",
                name=location.name,
                location_id=location_id,
            )
        )
    return location.location_id


def _close_request(tx: Transaction, order: Record, by: Actor) -> None:
    request = tx.get(PURCHASE_REQUESTS, order.request_id) if order.request_id else None
    if request is not None and request.status in PURCHASE_REQUEST.transition("close").sources:
        close = PURCHASE_REQUEST.check("close", request.status, by)
        tx.update(request, {"status": close.target})
