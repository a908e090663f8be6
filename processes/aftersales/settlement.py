"""Settling a received return: a refund for a return, a replacement order for an exchange.

A refund is at most what the customer paid for the returned items (the
line's unit price times the quantity returned), less what was already
refunded or promised for that line by other returns. An exchange's
replacement order holds the new items; where they cost more than the
returned ones (the request's `price_difference`) the order is for that
difference and waits for its payment, where they cost less the difference is
refunded (at most that much) through the same refund steps as a return. Up to the refund
approval limit in Settings it is approved at once; above it a manager
approves. Paying it records the payment's reference, closes the return and
moves the order's payment status to partially_refunded, or refunded once the
whole total has been paid back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from i18n import N_, _
from processes import duties, steps
from processes.errors import ProcessError
from processes.notify import MESSAGE_TABS, queue_message
from processes.orders import ORDER_TABS, OrderAmounts, OrderLine, add_order
from processes.orders.procedure import (
    PAYMENT_PAID,
    PAYMENT_PARTLY_REFUNDED,
    PAYMENT_PENDING,
    PAYMENT_REFUNDED,
)
from processes.permissions import Actor
from processes.settings import setting_in
from sheets.table import Record
from sheets.tabs import ORDER_LINES, RETURNS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .common import (
    LIMITS,
    item_name,
    lines_of,
    message_context,
    money,
    order_of,
    paid_for,
    text,
)
from .procedures import REFUND, REFUND_COMMITTED, REFUND_DUE, RETURN, is_exchange, owes_refund

SETTLEMENT_TABS = (RETURNS, *ORDER_TABS, *MESSAGE_TABS)
REFUNDABLE_PAYMENTS = (PAYMENT_PAID, PAYMENT_PARTLY_REFUNDED)


@dataclass(frozen=True)
class Refundable:
    """What a return may still be refunded: the items' price, less other refunds of the same line."""

    for_items: float  # unit price x quantity returned
    already: float  # refunded or promised for the same order line by other returns
    paid_for_line: float

    @property
    def most(self) -> float:
        return round(max(min(self.for_items, self.paid_for_line - self.already), 0.0), 2)


def refundable(ret: Record, lines: Iterable[Record], returns: Iterable[Record]) -> Refundable:
    """How much `ret` may be refunded, from the order's lines and every return (an exchange: its price difference)."""
    units, money = paid_for(lines_of(lines, ret.order_id, ret.sku))
    unit_price = money / units if units else 0.0
    if is_exchange(ret):
        return Refundable(round(max(-(ret.price_difference or 0.0), 0.0), 2), 0.0, money)
    already = sum(
        other.refund_amount or 0.0
        for other in returns
        if other.order_id == ret.order_id
        and other.sku == ret.sku
        and other.return_id != ret.return_id
        and other.refund_status in REFUND_COMMITTED
    )
    return Refundable(round(unit_price * (ret.qty or 0), 2), round(already, 2), money)


@steps.rule(REFUND, "refund")
def set_refund(
    workbook: Workbook, return_id: str, *, amount: Any, by: Actor, base: Record | None = None
) -> Record:
    """Set the refund of a received return: approved at once up to the limit, else awaiting a manager."""
    value = money(amount, N_("The refund amount"))
    with workbook.transaction(*SETTLEMENT_TABS, user=by.name, action="set a refund") as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        _refund_stage(ret)
        order = order_of(tx, ret)
        _check_amount(tx, ret, order, value)
        limit = float(setting_in(tx, "refund_approval_limit"))
        transition = REFUND.check("refund" if value <= limit else "refund_over_limit", ret.refund_status, by)
        return tx.update(
            ret, {"refund_amount": value, "refund_status": transition.target, "refund_set_by": by.name}
        )


@steps.rule(REFUND, "approve_refund")
def approve_refund(workbook: Workbook, return_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """A manager approves a refund above the limit."""
    with workbook.transaction(*SETTLEMENT_TABS, user=by.name, action="approve a refund") as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        _refund_stage(ret)
        transition = REFUND.check("approve_refund", ret.refund_status, by)
        duties.refuse_own_decision(tx, by, ret.return_id, {N_("set the refund of"): ret.refund_set_by})
        _check_amount(tx, ret, order_of(tx, ret), ret.refund_amount or 0.0)
        return tx.update(ret, {"refund_status": transition.target})


@steps.rule(REFUND, "pay_refund")
def pay_refund(
    workbook: Workbook, return_id: str, *, refund_ref: str, by: Actor, base: Record | None = None
) -> Record:
    """Record that the approved refund was paid: its reference, the order's payment status, the customer told."""
    reference = text(
        refund_ref, N_("The refund's payment reference"), limit=LIMITS["refund_ref"], required=True
    )
    with workbook.transaction(*SETTLEMENT_TABS, user=by.name, action="pay a refund") as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        _refund_stage(ret)
        transition = REFUND.check("pay_refund", ret.refund_status, by)
        order = order_of(tx, ret)
        paid = ret.refund_amount or 0.0
        _check_amount(tx, ret, order, paid)
        changes = {"refund_status": transition.target, "refund_ref": reference, "refunded_at": tx.now}
        if not is_exchange(ret):  # an exchange was closed by its replacement order
            changes["status"] = RETURN.check("close", ret.status, by).target
        updated = tx.update(ret, changes)
        refunded = sum(
            r.refund_amount or 0.0
            for r in tx.where(RETURNS, "order_id", order.order_id)
            if r.order_id == order.order_id
            and r.refund_status == transition.target
            and r.return_id != ret.return_id
        )
        total = (
            order.total
            if order.total is not None
            else paid_for(lines_of(tx.where(ORDER_LINES, "order_id", order.order_id), order.order_id))[1]
        )
        whole = refunded + paid >= total - 0.005
        tx.update(order, {"payment_status": PAYMENT_REFUNDED if whole else PAYMENT_PARTLY_REFUNDED})
        queue_message(
            tx,
            to=order.customer_email,
            template="return_refunded",
            ref=ret.return_id,
            amount=f"{paid:,.2f}",
            refund_ref=reference,
            **message_context(tx, ret, order),
        )
        return updated


@steps.rule(RETURN, "exchange")
def create_replacement(
    workbook: Workbook, return_id: str, *, by: Actor, base: Record | None = None
) -> Record:
    """Settle a received exchange: a replacement order for the same customer and address.

    It holds the new item (`exchange_sku`, else the same) in the returned quantity.
    Free and paid when the price is the same or lower (a lower price leaves the
    difference to refund: refund_status pending); for the price difference, and
    waiting for its payment, when it is higher.
    """
    with workbook.transaction(*SETTLEMENT_TABS, user=by.name, action="create a replacement order") as tx:
        ret = tx.require(RETURNS, return_id, base=base)
        if ret.kind != "exchange":
            raise ProcessError(
                _(
                    "{return_id} is a return: it is settled with a refund, not a replacement.",
                    return_id=ret.return_id,
                )
            )
        transition = RETURN.check("exchange", ret.status, by)
        order = order_of(tx, ret)
        difference = ret.price_difference or 0.0
        to_pay = max(difference, 0.0)
        new_sku = ret.exchange_sku or ret.sku
        replacement = add_order(
            tx,
            customer_name=order.customer_name,
            customer_email=order.customer_email or "",
            ship_address=order.ship_address or "",
            lines=[OrderLine(new_sku, ret.qty, to_pay / ret.qty)],
            location_id=order.location_id or "",
            payment_status=PAYMENT_PAID if not to_pay else PAYMENT_PENDING,
            paid_at=tx.now if not to_pay else None,
            amounts=OrderAmounts(total=round(to_pay, 2)),
            return_id=ret.return_id,
        )
        changes = {"status": transition.target, "replacement_order_id": replacement.order_id}
        if owes_refund(ret):
            changes["refund_status"] = REFUND_DUE  # the lower price's difference is refunded
        updated = tx.update(ret, changes)
        queue_message(
            tx,
            to=order.customer_email,
            template="return_replacement",
            ref=ret.return_id,
            replacement_order_id=replacement.order_id,
            to_pay=f"{to_pay:,.2f}" if to_pay else "",
            to_refund=f"{-difference:,.2f}" if difference < 0 else "",
            **{**message_context(tx, ret, order), "item": item_name(tx, new_sku)},
        )
        return updated


def _refund_stage(ret: Record) -> None:
    """Refusals that say more than the refund's state alone: an exchange, or goods not yet received."""
    if not owes_refund(ret):
        raise ProcessError(
            _(
                "{return_id} is an exchange: it is settled with a replacement order, not a refund.",
                return_id=ret.return_id,
            )
        )
    if ret.status in RETURN.group("before_receipt"):
        raise ProcessError(
            _(
                "{return_id} is {status}: the goods are received and inspected before any refund.",
                return_id=ret.return_id,
                status=ret.status,
            )
        )
    if ret.status == RETURN.transition("reject").target:
        raise ProcessError(
            _("{return_id} was rejected: there is nothing to refund.", return_id=ret.return_id)
        )


def _check_amount(tx: Transaction, ret: Record, order: Record, value: float) -> None:
    if order.payment_status not in REFUNDABLE_PAYMENTS:
        raise ProcessError(
            _(
                "Order {order_id} is {value}: only a paid order can be refunded.",
                order_id=order.order_id,
                value=order.payment_status or "without a payment status",
            )
        )
    limit = refundable(
        ret,
        tx.where(ORDER_LINES, "order_id", ret.order_id),
        tx.where(RETURNS, "order_id", ret.order_id),
    )
    if value > limit.most + 0.005:
        already = f", less {limit.already:,.2f} already refunded for it" if limit.already else ""
        raise ProcessError(
            _(
                "At most {most:,.2f} can be refunded for {return_id}: the customer paid {for_items:,.2f} for {qty} of {sku}{already}; {value:,.2f} is too much.",
                most=limit.most,
                return_id=ret.return_id,
                for_items=limit.for_items,
                qty=ret.qty,
                sku=ret.sku,
                already=already,
                value=value,
            )
        )
