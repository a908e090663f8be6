"""The two procurement procedures, declared once: a purchase request and a purchase order.

The rules below check every step against these declarations, and the pages
offer only the steps `request_steps` and `order_steps` return. A few steps
are taken by the app itself, as the effect of another: a request closes when
its goods are all received and opens again for quotes when its order is
cancelled; receiving picks `receive` or `receive_part` by the quantities.
"""

from __future__ import annotations

from processes.permissions import Actor, Permission
from processes.procedure import ABANDONED, EDITABLE, Alert, Entry, Procedure, Transition
from sheets.table import Record
from sheets.tabs import PURCHASE_ORDERS, PURCHASE_REQUESTS

#: What the person receiving a delivery does and writes down, in order.
RECEIVING_CHECKLIST = (
    "Count what arrived against the delivery note",
    "Inspect every item and set aside what fails",
    "Write down what the inspection found",
    "Put the accepted goods at their location",
)

QUOTES_LATE = Alert(
    "procurement.quotes_late",
    "A purchase request has waited this long for quotes: ask more suppliers, or choose from those in hand.",
    "warning",
    "staff",
    setting="quote_wait_hours",
    watches=("quote",),
)
PO_LATE = Alert(
    "procurement.po_late",
    "A purchase order's goods are not all in by the expected date: ask the supplier when they come.",
    "warning",
    "staff",
)
APPROVAL_LATE = Alert(
    "procurement.approval_late",
    "A purchase order above the approval limit has waited this long for a manager: approve or cancel it.",
    "warning",
    "manager",
    setting="po_approval_wait_hours",
    watches=("approve",),
)

PURCHASE_REQUEST = Procedure(
    "Purchase request",
    PURCHASE_REQUESTS,
    "status",
    purpose="Ask for stock to be bought, collect quotes and choose the supplier on price and reputation.",
    entries=(
        Entry(
            "open",
            "Staff ask for stock, or demand planning asks when projected stock falls to the reorder point",
        ),
    ),
    area="procurement",
    page="/procurement/requests/{id}",
    stamps={"": "created_at"},
    about="sku",
    alerts=(QUOTES_LATE,),
    groups={
        "open": ("open", "quoting", "ordered"),  # still being worked on
        "choosing": ("open", "quoting"),  # quotes are collected, no supplier chosen yet
        ABANDONED: ("cancelled",),
        EDITABLE: ("open", "quoting"),
    },
    step_columns=("requested_by", "created_at", "source", "cancel_reason"),
    terms=("sku", "qty", "location_id"),
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
            deadline="quote_wait_hours",
            consulted=("supplier",),
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
            deadline="supplier_choice_hours",
            consulted=("manager",),  # when fewer than three valid quotes are in
        ),
        Transition(
            "close",
            ("ordered",),
            "closed",
            "staff",
            "Close the request",
            automatic="when all the goods of its purchase order are received",
        ),
        Transition(
            "reopen",
            ("ordered",),
            "quoting",
            "staff",
            "Reopen for quotes",
            automatic="when its purchase order is cancelled",
        ),
        Transition(
            "cancel",
            ("open", "quoting"),
            "cancelled",
            "staff",
            "Cancel the request",
            checklist=("Say why: an automatic request stays snoozed until the stock picture changes",),
        ),
    ),
)

PURCHASE_ORDER = Procedure(
    "Purchase order",
    PURCHASE_ORDERS,
    "status",
    purpose="Order from the chosen supplier, approved above the limit, and receive the goods into stock.",
    entries=(
        Entry(
            "approved", "Choosing the supplier of a request makes the order, approved at once up to the limit"
        ),
        Entry(
            "awaiting_approval",
            "Choosing the supplier makes an order above the limit (setting po_approval_limit) wait for a manager",
        ),
        Entry("draft", "A person types an order into the Purchase Orders tab"),
    ),
    area="procurement",
    page="/procurement/orders/{id}",
    about="supplier_id",
    alerts=(APPROVAL_LATE, PO_LATE),
    groups={
        "open": ("draft", "awaiting_approval", "approved", "ordered", "partially_received"),
        # Goods the company has decided to buy and not yet received: what stock counts as incoming.
        "incoming": ("awaiting_approval", "approved", "ordered", "partially_received"),
        "waiting_on_manager": ("awaiting_approval",),
        ABANDONED: ("cancelled",),
        "started": ("approved", "ordered", "partially_received", "received"),  # past its approval
        EDITABLE: ("draft",),  # once submitted, what was approved is what is bought
    },
    step_columns=(
        "approved_by",
        "raised_by",
        "short_reason",
        "ordered_at",
        "request_id",
        "quote_id",
        "selection_reason",
        "exception_reason",
    ),
    terms=("supplier_id", "sku", "qty", "unit_price", "total", "location_id"),
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
            deadline="po_approval_wait_hours",
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
            deadline="po_send_hours",
            informed=("supplier",),
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
            "close_short",
            ("partially_received",),
            "received",
            "staff",
            "Close short",
            checklist=("The supplier confirmed the rest will not come", "Write down why"),
            informed=("supplier",),
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

#: The source of a purchase request demand planning raised itself (a person's is "manual").
AUTOMATIC = "auto"
#: Steps done through the receiving checklist rather than a button.
RECEIVING_STEPS = frozenset({"receive", "receive_part"})
#: Request states in which the request is still being worked on.
OPEN_REQUEST_STATES = PURCHASE_REQUEST.group("open")
#: Order states in which goods are still to come.
OPEN_ORDER_STATES = PURCHASE_ORDER.group("open")
#: Where an order made by choosing the supplier starts: approved at once up to the limit,
#: else waiting for a manager.
PO_APPROVED = PURCHASE_ORDER.transition("approve").target
PO_AWAITING_APPROVAL = PURCHASE_ORDER.transition("approve").sources[0]


def request_steps(request: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on a purchase request now: the only ones a page offers."""
    return PURCHASE_REQUEST.steps_for(request, actor)


def order_steps(order: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on a purchase order now (receiving included)."""
    return PURCHASE_ORDER.steps_for(order, actor)
