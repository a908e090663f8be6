"""The steps of an order, one function each: checked against the declaration, one commit each.

    confirm_order(workbook, order_id, by=actor, base=order)      # stock reserved at the location
    record_payment(workbook, order_id, by=actor)
    start_picking(...); pack_order(..., picked=line_ids); ship_order(..., carrier=, tracking_no=)
    deliver_order(..., site_url="https://shop.example")          # survey queued
    cancel_order(...)                                            # reservation released

`base` is the order as the user saw it: if the sheet holds something else
now, the step is refused with what changed (ConflictError) and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from i18n import _
from processes import channels, notify, steps
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.service.surveys import create_survey
from processes.stock import LEDGER_TABS, available, post_move
from sheets.table import Record, Table
from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK, SURVEYS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .procedure import (
    ORDER,
    PAID,
    PAYMENT_ENDED,
    PAYMENT_PAID,
    RESERVED_STATES,
    address_problem,
    payment_moves_on,
    payment_of,
)


def lines_of(lines: Table, order_id: str) -> list[Record]:
    """The lines of one order, in sheet order."""
    column = lines.columns.get("order_id", [])
    return [lines.record_at(index) for index, value in enumerate(column) if value == order_id]


def quantities(lines: list[Record]) -> dict[str, int]:
    """Quantity per SKU over an order's lines."""
    needs: dict[str, int] = defaultdict(int)
    for line in lines:
        needs[line.sku] += line.qty or 0
    return dict(needs)


def _unchanged(tx: Transaction, order_id: str, base: Record | None) -> Record:
    return tx.require(ORDERS, order_id, base=base)


@steps.rule(ORDER, "confirm")
def confirm_order(
    workbook: Workbook,
    order_id: str,
    *,
    by: Actor,
    base: Record | None = None,
    location_id: str | None = None,
) -> Record:
    """Confirm a new order: address complete, stock available and reserved at its location.

    `location_id` sets where the order ships from when it has none (or changes it).
    An order that is already paid goes on to `paid`.
    """
    tabs = (ORDERS, ORDER_LINES, LOCATIONS, STOCK)
    with workbook.transaction(*tabs, user=by.name, action="confirm order") as tx:
        order = _unchanged(tx, order_id, base)
        transition = ORDER.check("confirm", ORDER.state_of(order), by)
        problem = address_problem(order.ship_address)
        if problem:
            raise ProcessError(_("Cannot confirm {order_id}: {problem}.", order_id=order_id, problem=problem))
        location = _location(tx, (location_id or "").strip() or order.location_id)
        needs = quantities(tx.where(ORDER_LINES, "order_id", order_id))
        if not needs:
            raise ProcessError(_("Cannot confirm {order_id}: it has no lines.", order_id=order_id))
        short = []
        for sku, qty in sorted(needs.items()):
            stock = tx.get(STOCK, (sku, location.location_id))
            free = max(available(stock), 0) if stock else 0
            if free < qty:
                short.append(f"{sku} needs {qty}, {free} available")
        if short:
            raise ProcessError(
                _(
                    "Cannot confirm {order_id}: not enough stock at {value} ({join}).",
                    order_id=order_id,
                    value=location.name or location.location_id,
                    join="; ".join(short),
                )
            )
        for sku, qty in needs.items():
            stock = tx.require(STOCK, (sku, location.location_id))
            tx.update(stock, {"reserved": (stock.reserved or 0) + qty})
        changes: dict[str, Any] = {"status": transition.target, "location_id": location.location_id}
        if payment_of(order) in PAID:
            changes["status"] = ORDER.check("record_payment", transition.target, by).target
        return tx.update(order, changes)


@steps.rule(ORDER, "record_payment_early", "record_payment")
def record_payment(workbook: Workbook, order_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """The money is in: payment_status paid, stamped; a confirmed order becomes paid."""
    with workbook.transaction(ORDERS, user=by.name, action="record payment") as tx:
        order = _unchanged(tx, order_id, base)
        if payment_of(order) in PAID:
            raise ProcessError(_("{order_id} is already paid.", order_id=order_id))
        state = ORDER.state_of(order)
        early = state in ORDER.transition("record_payment_early").sources  # not confirmed yet: it stays new
        transition = ORDER.check("record_payment_early" if early else "record_payment", state, by)
        return tx.update(
            order, {"status": transition.target, "payment_status": PAYMENT_PAID, "paid_at": tx.now}
        )


def apply_payment_status(
    tx: Transaction, order: Record, payment_status: str, paid_at: datetime | None
) -> Record:
    """A payment status reported by a channel (an import), taken only when it is further along.

    What the app recorded is never moved back (paid stays paid when an older file says
    pending). A confirmed order that is now paid becomes paid; an order not yet shipped
    whose payment was refunded or voided is cancelled and its reservation released,
    so nothing is left to pick (the transaction needs ORDERS, ORDER_LINES and STOCK).
    """
    if not payment_moves_on(order.payment_status, payment_status):
        return order
    changes: dict[str, Any] = {"payment_status": payment_status}
    if payment_status in PAID and order.payment_status not in PAID:
        changes["paid_at"] = order.paid_at or paid_at or tx.now
        paying = ORDER.transition("record_payment")
        if order.status in paying.sources:
            changes["status"] = paying.target
    changes.update(_payment_ended(tx, order, payment_status))
    return tx.update(order, changes)


def cancel_if_payment_ended(tx: Transaction, order: Record) -> Record:
    """An order that arrives with its payment already refunded or voided is cancelled at once.

    The same rule as a later file reporting it (apply_payment_status): an import's new
    order is kept as the record of the sale, but nothing is left to confirm, pay or pick.
    Any other order is returned as it is.
    """
    return tx.update(order, _payment_ended(tx, order, payment_of(order)))


def cancel_for_channel(tx: Transaction, order: Record) -> Record | None:
    """The shop cancelled the order: it is cancelled here too, its reservation released.

    An order already cancelled is returned as it is; one past cancelling (shipped,
    delivered) gives None, for the caller to report: the goods have left.
    """
    cancelling = ORDER.transition("cancel")
    state = ORDER.state_of(order)
    if state == cancelling.target:
        return order
    if state not in cancelling.sources:
        return None
    return tx.update(order, {"status": _cancelled(tx, order)})


@steps.rule(ORDER, "start_picking")
def start_picking(workbook: Workbook, order_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Begin picking a confirmed, paid order."""
    with workbook.transaction(ORDERS, user=by.name, action="start picking") as tx:
        order = _unchanged(tx, order_id, base)
        transition = ORDER.check("start_picking", ORDER.state_of(order), by)
        if payment_of(order) not in PAID:
            raise ProcessError(
                _(
                    "Cannot start picking {order_id}: its payment is {value}, not paid.",
                    order_id=order_id,
                    value=payment_of(order),
                )
            )
        return tx.update(order, {"status": transition.target})


@steps.rule(ORDER, "pack")
def pack_order(
    workbook: Workbook,
    order_id: str,
    *,
    picked: Collection[str],
    by: Actor,
    base: Record | None = None,
) -> Record:
    """Every line of the pick list is ticked off (`picked`: line IDs): the order is packed."""
    with workbook.transaction(ORDERS, ORDER_LINES, user=by.name, action="pack order") as tx:
        order = _unchanged(tx, order_id, base)
        transition = ORDER.check("pack", ORDER.state_of(order), by)
        missing = [
            line for line in tx.where(ORDER_LINES, "order_id", order_id) if line.line_id not in set(picked)
        ]
        if missing:
            listed = ", ".join(f"{line.qty} × {line.sku}" for line in missing)
            raise ProcessError(
                _("Cannot pack {order_id}: not picked yet: {listed}.", order_id=order_id, listed=listed)
            )
        return tx.update(order, {"status": transition.target})


@steps.rule(ORDER, "ship")
def ship_order(
    workbook: Workbook,
    order_id: str,
    *,
    carrier: str,
    tracking_no: str,
    by: Actor,
    base: Record | None = None,
) -> Record:
    """Hand the parcel over: the stock leaves (shipment moves), the reservation ends, the customer is told.

    An order from a connected shop that notifies its customers is told by the shop
    (processes/channels/fulfilling.py sends it the tracking number), not by a message here.
    """
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    missing = [
        what for what, value in (("the carrier", carrier), ("the tracking number", tracking_no)) if not value
    ]
    if missing:
        raise ProcessError(_("Shipping needs {join}.", join=" and ".join(missing)))
    tabs = (ORDERS, ORDER_LINES, PRODUCTS, *LEDGER_TABS, *notify.MESSAGE_TABS)
    with workbook.transaction(*tabs, user=by.name, action="ship order") as tx:
        order = _unchanged(tx, order_id, base)
        transition = ORDER.check("ship", ORDER.state_of(order), by)
        lines = tx.where(ORDER_LINES, "order_id", order_id)
        for sku, qty in quantities(lines).items():
            post_move(tx, sku=sku, qty=qty, reason="shipment", ref=order_id, from_location=order.location_id)
        _release(tx, order, lines)
        shipped = tx.update(
            order,
            {
                "status": transition.target,
                "carrier": carrier,
                "tracking_no": tracking_no,
                "shipped_at": tx.now,
            },
        )
        if channels.notifies_customers(order.channel):
            return shipped  # its shop tells the customer, once the connection fulfils it there
        notify.queue_message(
            tx,
            to=order.customer_email,
            template="order_shipped",
            ref=order_id,
            customer_name=order.customer_name,
            order_ref=order.external_ref or order_id,
            items=[(qty, _product_name(tx, sku)) for sku, qty in quantities(lines).items()],
            carrier=carrier,
            tracking_no=tracking_no,
            ship_address=order.ship_address or "",
        )
        return shipped


@steps.rule(ORDER, "deliver")
def deliver_order(
    workbook: Workbook, order_id: str, *, by: Actor, base: Record | None = None, site_url: str = ""
) -> Record:
    """The parcel arrived: stamped, and a satisfaction survey is sent (a link with an unguessable token).

    `site_url` is the address customers reach the app at; the link is that plus /public/survey/<token>.
    """
    with workbook.transaction(
        ORDERS, SURVEYS, *notify.MESSAGE_TABS, user=by.name, action="mark order delivered"
    ) as tx:
        order = _unchanged(tx, order_id, base)
        transition = ORDER.check("deliver", ORDER.state_of(order), by)
        delivered = tx.update(order, {"status": transition.target, "delivered_at": tx.now})
        create_survey(
            tx,
            ref=order_id,
            to=order.customer_email,
            template="survey_request",
            site_url=site_url,
            customer_name=order.customer_name,
            order_ref=order.external_ref or order_id,
        )
        return delivered


@steps.rule(ORDER, "cancel")
def cancel_order(workbook: Workbook, order_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Cancel before shipment; a reserved order gives its stock back to what can be promised."""
    with workbook.transaction(ORDERS, ORDER_LINES, STOCK, user=by.name, action="cancel order") as tx:
        order = _unchanged(tx, order_id, base)
        ORDER.check("cancel", ORDER.state_of(order), by)
        return tx.update(order, {"status": _cancelled(tx, order)})


def take_step(
    workbook: Workbook, order_id: str, action: str, *, by: Actor, base: Record | None = None, **inputs: Any
) -> Record:
    """Take the step `action` (a button's) on an order; `inputs` are what the step's form asks for."""
    site_url = inputs.pop("site_url", "")
    return steps.take(workbook, ORDER, order_id, action, inputs, by=by, base=base, site_url=site_url)


# internals -----------------------------------------------------------------


def _location(tx: Transaction, location_id: str | None) -> Record:
    if not location_id:
        raise ProcessError(_("Choose the location the order ships from."))
    location = tx.get(LOCATIONS, location_id)
    if location is None:
        raise ProcessError(_("There is no location {location_id}.", location_id=location_id))
    if location.active is False:
        raise ProcessError(_("{name} is inactive; orders cannot ship from it.", name=location.name))
    return location


def _payment_ended(tx: Transaction, order: Record, payment_status: str) -> dict[str, Any]:
    """The one rule for a payment that ended before shipment: the order is cancelled, its stock released."""
    if payment_status in PAYMENT_ENDED and ORDER.state_of(order) in ORDER.transition("cancel").sources:
        return {"status": _cancelled(tx, order)}
    return {}


def _cancelled(tx: Transaction, order: Record) -> str:
    """Release what a cancelled order reserved; its new status."""
    if order.status in RESERVED_STATES:
        _release(tx, order, tx.where(ORDER_LINES, "order_id", order.order_id))
    return ORDER.transition("cancel").target


def _release(tx: Transaction, order: Record, lines: list[Record]) -> None:
    """Give back what `order` reserved at its location (never below zero if someone edited it)."""
    for sku, qty in quantities(lines).items():
        stock = tx.get(STOCK, (sku, order.location_id)) if order.location_id else None
        if stock is not None and (stock.reserved or 0) > 0:
            tx.update(stock, {"reserved": max((stock.reserved or 0) - qty, 0)})


def _product_name(tx: Transaction, sku: str) -> str:
    product = tx.get(PRODUCTS, sku)
    return product.name if product is not None and product.name else sku
