"""The two procurement procedures, declared once: a purchase request and a purchase order.

The rules below check every step against these declarations, and the pages
offer only the steps `request_steps` and `order_steps` return. A few steps
are taken by the app itself, as the effect of another: a request closes when
its goods are all received and opens again for quotes when its order is
cancelled; receiving picks `receive` or `receive_part` by the quantities.
"""

from __future__ import annotations

from processes.permissions import Actor, Permission
from processes.procedure import Procedure, Transition
from sheets.table import Record
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS

#: What the person receiving a delivery does and writes down, in order.
RECEIVING_CHECKLIST = (
    "Count what arrived against the delivery note",
    "Inspect every item and set aside what fails",
    "Write down what the inspection found",
    "Put the accepted goods at their location",
)

PURCHASE_REQUEST = Procedure(
    "Purchase request",
    PURCHASE_REQUESTS,
    "status",
    purpose="Ask for stock to be bought, collect quotes and choose the supplier on price and reputation.",
    transitions=(
        Transition(
            "quote",
            ("open", "quoting"),
            "quoting",
            "staff",
            "Record a quote",
            checklist=(
                "Ask at least three suppliers",
                "Note each quote's unit price, lead time and how long it is valid",
            ),
            deadline_hours=72,
        ),
        Transition(
            "order",
            ("open", "quoting"),
            "ordered",
            "staff",
            "Choose the supplier",
            checklist=(
                "Compare the valid quotes on price, delivery date and reputation",
                "Write down why this supplier",
                "Fewer than three valid quotes: a manager writes down why that will do",
            ),
            deadline_hours=120,
        ),
        Transition("close", ("ordered",), "closed", "staff", "Close the request"),
        Transition("reopen", ("ordered",), "quoting", "staff", "Reopen for quotes"),
        Transition("cancel", ("open", "quoting"), "cancelled", "staff", "Cancel the request"),
    ),
)

PURCHASE_ORDER = Procedure(
    "Purchase order",
    PURCHASE_ORDERS,
    "status",
    purpose="Order from the chosen supplier, approved above the limit, and receive the goods into stock.",
    transitions=(
        Transition("submit", ("draft",), "awaiting_approval", "staff", "Submit for approval"),
        Transition(
            "approve",
            ("awaiting_approval",),
            "approved",
            "manager",
            "Approve the order",
            permission=Permission.APPROVE_PO_OVER_LIMIT,
            checklist=("The price is the chosen quote's", "The total is within the budget"),
            deadline_hours=24,
        ),
        Transition(
            "mark_ordered",
            ("approved",),
            "ordered",
            "staff",
            "Mark as ordered",
            checklist=(
                "Send the printed purchase order to the supplier",
                "The supplier confirmed the price and the delivery date",
            ),
            deadline_hours=48,
        ),
        Transition(
            "receive_part",
            ("ordered", "partially_received"),
            "partially_received",
            "staff",
            "Receive a partial delivery",
            checklist=RECEIVING_CHECKLIST,
        ),
        Transition(
            "receive",
            ("ordered", "partially_received"),
            "received",
            "staff",
            "Receive the goods",
            checklist=RECEIVING_CHECKLIST,
        ),
        Transition(
            "cancel",
            ("draft", "awaiting_approval", "approved", "ordered"),
            "cancelled",
            "staff",
            "Cancel the order",
        ),
    ),
)

#: Steps the app takes itself as the effect of another step; no page offers them.
TAKEN_BY_THE_APP = frozenset({"close", "reopen"})
#: Steps done through the receiving checklist rather than a button.
RECEIVING_STEPS = frozenset({"receive", "receive_part"})
#: Request states in which the request is still being worked on.
OPEN_REQUEST_STATES = ("open", "quoting", "ordered")
#: Order states in which goods are still to come.
OPEN_ORDER_STATES = ("draft", "awaiting_approval", "approved", "ordered", "partially_received")


def request_steps(request: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on a purchase request now: the only ones a page offers."""
    return [t for t in PURCHASE_REQUEST.allowed(request.status, actor) if t.action not in TAKEN_BY_THE_APP]


def order_steps(order: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on a purchase order now (receiving included)."""
    return [t for t in PURCHASE_ORDER.allowed(order.status, actor) if t.action not in TAKEN_BY_THE_APP]
