"""The after-sales procedures, declared once: a return (status) and its refund (refund_status).

A return is requested by the customer on the public page, reviewed by staff,
received and inspected, then settled: a refund for a return, a replacement
order for an exchange. The refund has its own small procedure on the same
row: due once the goods are in, approved at once up to the limit in
Settings or by a manager above it, then paid with its reference.

Some steps are taken by the app as the effect of another and no page offers
them: a paid refund closes the return; asking for a refund picks `refund`
or `refund_over_limit` by the amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from processes.permissions import Actor, Permission
from processes.procedure import EDITABLE, Alert, Entry, Procedure, Transition
from sheets.table import Record
from sheets.tabs import RETURNS

RECEIVING_CHECKLIST = (
    "Match the parcel to the return by its reference",
    "Count the items against the return",
    "Inspect every item and write down what you found",
    "Restock what can be sold again; write off the rest",
)


def is_exchange(ret: Mapping[str, Any]) -> bool:
    """An exchange is settled by a replacement order, a return by a refund."""
    return ret.get("kind") == "exchange"


def is_return(ret: Mapping[str, Any]) -> bool:
    return not is_exchange(ret)


def owes_refund(ret: Mapping[str, Any]) -> bool:
    """Settled with money back: a return, or an exchange for items that cost less than the returned ones."""
    return is_return(ret) or (ret.get("price_difference") or 0) < 0


RETURN_REVIEW_LATE = Alert(
    "aftersales.review_late",
    "A customer's return request has waited this long for review: approve or reject it.",
    "warning",
    "staff",
    setting="return_review_hours",
    watches=("approve", "reject"),
)
REFUND_LATE = Alert(
    "aftersales.refund_late",
    "An approved refund is still not paid this long after approval: pay it and record the reference.",
    "warning",
    "staff",
    setting="refund_payment_hours",
    watches=("pay_refund",),
)

RETURN = Procedure(
    "Return",
    RETURNS,
    "status",
    purpose="A customer's return or exchange: reviewed, received and inspected, then refunded or replaced.",
    entries=(Entry("requested", "The customer asks for a return or an exchange on the returns page"),),
    area="aftersales",
    page="/returns/{id}",
    stamps={"": "requested_at"},
    about="order_id",
    alerts=(RETURN_REVIEW_LATE,),
    groups={
        "open": ("requested", "approved", "received"),
        "waiting_on_review": ("requested",),
        "before_receipt": ("requested", "approved"),  # the goods are not back and inspected yet
        "to_settle": ("received",),  # the goods are in and inspected: refund or replace them
        "finished": ("rejected", "closed"),  # nothing is left to do
        EDITABLE: ("requested",),
    },
    step_columns=(
        "requested_at",
        "reviewed_by",
        "decision_note",
        "inspection_notes",
        "disposition",
        "restock_qty",
        "replacement_order_id",
        "photos",  # the customer's pictures, named as stored in the data folder
        "exchange_sku",  # the item wanted instead and its price difference: as quoted to the customer
        "price_difference",
    ),
    terms=("order_id", "sku", "qty", "kind"),
    transitions=(
        Transition(
            "approve",
            ("requested",),
            "approved",
            "staff",
            "Approve the request",
            checklist=(
                "The order was delivered within the return window",
                "The reason is one the returns policy accepts",
            ),
            deadline="return_review_hours",
            informed=("customer",),
        ),
        Transition(
            "reject",
            ("requested",),
            "rejected",
            "staff",
            "Reject the request",
            checklist=("Write down why: the customer reads the note",),
            deadline="return_review_hours",
            informed=("customer",),
        ),
        Transition(
            "receive",
            ("approved",),
            "received",
            "staff",
            "Receive and inspect",
            checklist=RECEIVING_CHECKLIST,
        ),
        Transition(
            "exchange",
            ("received",),
            "closed",
            "staff",
            "Create the replacement order",
            checklist=("The returned items are in and inspected",),
            deadline="return_settle_hours",
            informed=("customer",),
            when=is_exchange,
        ),
        Transition(
            "close",
            ("received",),
            "closed",
            "staff",
            "Close the return",
            automatic="when the refund is paid",
        ),
    ),
)

REFUND = Procedure(
    "Refund",
    RETURNS,
    "refund_status",
    purpose="Pay back at most what the customer paid for the returned items; a manager approves above the limit.",
    entries=(
        Entry("none", "A return or an exchange is requested: no refund is due yet"),
        Entry(
            "pending",
            "The returned goods of a return are received, or an exchange for a cheaper item is replaced",
            after="none",
        ),
    ),
    area="aftersales",
    page="/returns/{id}",
    stamps={"": "requested_at", "paid": "refunded_at"},
    shown_on="Return",
    alerts=(REFUND_LATE,),
    groups={
        "committed": ("awaiting_approval", "approved", "paid"),  # the money is promised or paid
        "waiting_on_manager": ("awaiting_approval",),
    },
    step_columns=("refund_amount", "refund_set_by", "refund_ref", "refunded_at"),
    transitions=(
        Transition(
            "refund",
            ("pending",),
            "approved",
            "staff",
            "Set the refund",
            checklist=("At most what the customer paid for the returned items",),
            deadline="return_settle_hours",
            when=owes_refund,
        ),
        Transition(
            "refund_over_limit",
            ("pending",),
            "awaiting_approval",
            "staff",
            "Set the refund",
            automatic="when the refund set is above the refund approval limit (setting refund_approval_limit)",
            deadline="return_settle_hours",
            informed=("manager",),
        ),
        Transition(
            "approve_refund",
            ("awaiting_approval",),
            "approved",
            "manager",
            "Approve the refund",
            permission=Permission.APPROVE_REFUND_OVER_LIMIT,
            deadline="refund_approval_wait_hours",
        ),
        Transition(
            "pay_refund",
            ("approved",),
            "paid",
            "staff",
            "Record the refund payment",
            checklist=("Pay the amount back the way the customer paid", "Write down the payment's reference"),
            deadline="refund_payment_hours",
            informed=("customer",),
        ),
    ),
)

#: Refund states in which the money is promised or paid.
REFUND_COMMITTED = REFUND.group("committed")
#: No refund is due yet: where every return and exchange starts.
NO_REFUND = REFUND.first_states[0]
#: A refund is due, its amount not yet set: where a return's refund goes once its goods are in.
REFUND_DUE = next(entry.state for entry in REFUND.entries if entry.after == NO_REFUND)


def return_steps(ret: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on a return now: the only buttons a page shows."""
    return [*RETURN.steps_for(ret, actor), *REFUND.steps_for(ret, actor)]
