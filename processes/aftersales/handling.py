"""Staff handle a return: review the request, then receive and inspect the goods.

Each decision on the request queues a message to the customer in the same
commit. Goods put back on the shelf are a 'return' move in the stock
ledger; goods written off move no stock. A received return is owed a refund
(refund_status pending) unless it is an exchange.
"""

from __future__ import annotations

from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.notify import MESSAGE_TABS, queue_message
from processes.permissions import Actor
from processes.stock import LEDGER_TABS, post_move
from sheets.table import Record
from sheets.tabs import LOCATIONS, ORDERS, PRODUCTS, RETURNS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .common import LIMITS, message_context, order_of, text, whole_number
from .procedures import REFUND_DUE, RETURN

DISPOSITIONS = ("restock", "write_off")
REVIEW_TABS = (RETURNS, ORDERS, PRODUCTS, *MESSAGE_TABS)


@steps.rule(RETURN, "approve")
def approve_return(
    workbook: Workbook, return_id: str, *, note: str = "", by: Actor, base: Record | None = None
) -> Record:
    """Approve a requested return or exchange and tell the customer; returns the updated row."""
    return _review(workbook, return_id, "approve", note=note, by=by, base=base)


@steps.rule(RETURN, "reject")
def reject_return(
    workbook: Workbook, return_id: str, *, note: str, by: Actor, base: Record | None = None
) -> Record:
    """Reject a request, saying why (the customer reads the note); returns the updated row."""
    return _review(workbook, return_id, "reject", note=note, by=by, base=base)


def _review(
    workbook: Workbook, return_id: str, action: str, *, note: str, by: Actor, base: Record | None
) -> Record:
    note = text(note, N_("The note"), limit=LIMITS["note"])
    if action == "reject" and not note:
        raise ProcessError(_("Say why the request is rejected: the customer reads the note."))
    with workbook.transaction(*REVIEW_TABS, user=by.name, action=f"{action} a return") as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        transition = RETURN.check(action, ret.status, by)
        updated = tx.update(ret, {"status": transition.target, "reviewed_by": by.name, "decision_note": note})
        order = order_of(tx, ret)
        queue_message(
            tx,
            to=order.customer_email,
            template=f"return_{transition.target}",
            ref=ret.return_id,
            note=note,
            **message_context(tx, ret, order),
        )
        return updated


@steps.rule(RETURN, "receive")
def receive_return(
    workbook: Workbook,
    return_id: str,
    *,
    inspection_notes: str,
    disposition: str,
    restock_qty: Any = None,
    location_id: str | None = None,
    by: Actor,
    base: Record | None = None,
) -> Record:
    """Record what came back and what the inspection found; restock into `location_id` or write off.

    Restocking puts `restock_qty` (all of the return when blank) back at the
    location with a 'return' move; the rest, if any, is written off with it.
    """
    notes = text(inspection_notes, N_("The inspection notes"), limit=LIMITS["note"], required=True)
    disposition = text(disposition, N_("Restock or write off"), limit=20, required=True).casefold()
    if disposition not in DISPOSITIONS:
        raise ProcessError(_("Choose whether the goods are restocked or written off."))
    with workbook.transaction(
        RETURNS, LOCATIONS, *LEDGER_TABS, user=by.name, action="receive a return"
    ) as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        transition = RETURN.check("receive", ret.status, by)
        restocked = 0
        if disposition == "restock":
            restocked = (
                ret.qty
                if restock_qty in (None, "")
                else whole_number(restock_qty, N_("The quantity restocked"))
            )
            if restocked > ret.qty:
                raise ProcessError(
                    _(
                        "{return_id} is for {qty}; at most {qty} can be restocked.",
                        return_id=ret.return_id,
                        qty=ret.qty,
                    )
                )
            location = _location(tx, location_id)
            post_move(
                tx, sku=ret.sku, qty=restocked, reason="return", ref=ret.return_id, to_location=location
            )
        changes = {
            "status": transition.target,
            "inspection_notes": notes,
            "disposition": disposition,
            "restock_qty": restocked,
        }
        if ret.kind != "exchange":
            changes["refund_status"] = REFUND_DUE
        return tx.update(ret, changes)


def _location(tx: Transaction, location_id: str | None) -> str:
    if not location_id:
        raise ProcessError(_("Choose the location the goods go back to."))
    location = tx.get(LOCATIONS, str(location_id))
    if location is None:
        raise ProcessError(_("There is no location {location_id!r} in Locations.", location_id=location_id))
    if location.active is False:
        raise ProcessError(
            _(
                "{name} ({location_id}) is marked inactive in Locations.",
                name=location.name,
                location_id=location.location_id,
            )
        )
    return location.location_id
