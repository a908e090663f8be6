"""The order procedure, declared once: states, the named steps between them, who does each.

    new ──confirm──> confirmed ──record payment──> paid ──start picking──> picking
        ──pack──> packed ──ship──> shipped ──mark delivered──> delivered
    (cancel from any state before shipped)

Payment and fulfilment are two columns: `payment_status` says whether the money
is in, `status` where the goods are. An order may be paid before it is
confirmed (imports arrive paid): recording a payment on a new order keeps it
new, and confirming an order that is already paid takes it straight on to
`paid`. Picking needs both: status `paid` means confirmed and paid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from processes.permissions import Actor
from processes.procedure import ABANDONED, EDITABLE, HOLDS_STOCK, Alert, Entry, Part, Procedure, Transition
from sheets.table import Record
from sheets.tabs import ORDER_LINES, ORDERS, PAYMENT_STAGES

#: What the picker confirms for each line of the pick list before the order is packed.
PICK_CHECKLIST = (
    "Take each line's quantity from its location",
    "Check the SKU on the item against the pick list",
)

ORDER_UNPAID = Alert(
    "order.unpaid",
    "An open order is still unpaid this long after it arrived: chase the payment or cancel the order.",
    "breach",
    "staff",
    setting="unpaid_timeout_hours",
    watches=("record_payment_early", "record_payment"),
)
ORDER_UNSHIPPED = Alert(
    "order.unshipped",
    "A paid order has not shipped this long after payment: pick, pack and ship it.",
    "warning",
    "staff",
    setting="paid_unshipped_hours",
    watches=("ship",),
)
ORDER_NO_TRACKING = Alert(
    "order.no_tracking",
    "A shipped order has no tracking number: write down the one the carrier gave.",
    "warning",
    "staff",
)

_RESERVED = ("confirmed", "paid", "picking", "packed")
#: The payment statuses the app writes, by name, one per stage of PAYMENT_STAGES.
PAYMENT_PENDING = PAYMENT_STAGES[0][0]  # no money in yet: where every payment starts
PAYMENT_PAID = PAYMENT_STAGES[1][0]
PAYMENT_PARTLY_REFUNDED = PAYMENT_STAGES[2][0]
PAYMENT_REFUNDED = PAYMENT_STAGES[3][0]  # all of it paid back
#: Payment statuses that count as paid for picking.
PAID = (PAYMENT_PAID, PAYMENT_PARTLY_REFUNDED)


def _unpaid(order: Mapping[str, Any]) -> bool:
    """A payment is recorded only once: not on an order the channel or a person already marked paid."""
    return (order.get("payment_status") or PAYMENT_PENDING) not in PAID


ORDER = Procedure(
    "Order",
    ORDERS,
    "status",
    purpose="Take a customer's order from entry or import to delivery, reserving and shipping the stock.",
    entries=(
        Entry(
            "new",
            "Staff enter the order, it is imported from the shop's export, or a connected shop sends it",
        ),
    ),
    area="order",
    page="/orders/{id}",
    stamps={"": "created_at"},
    about="customer_name",
    alerts=(ORDER_UNPAID, ORDER_UNSHIPPED, ORDER_NO_TRACKING),
    groups={
        "open": ("new", *_RESERVED),  # still being worked on
        "reserved": _RESERVED,  # its stock is reserved at its location
        ABANDONED: ("cancelled",),
        HOLDS_STOCK: _RESERVED,
        "sent": ("shipped", "delivered"),  # the goods left the warehouse
        EDITABLE: ("new",),  # nothing reserved yet: the location and the lines may change
    },
    # return_id: written once, by the exchange step of the return whose replacement the order is.
    step_columns=("payment_status", "paid_at", "shipped_at", "delivered_at", "return_id"),
    terms=("location_id",),
    parts=(Part(ORDER_LINES, "order_id"),),
    transitions=(
        Transition(
            "confirm",
            ("new",),
            "confirmed",
            "staff",
            "Confirm the order",
            checklist=(
                "The shipping address is complete",
                "Stock is available at the location the order ships from",
            ),
            deadline="order_confirm_hours",
        ),
        Transition(
            "record_payment_early",
            ("new",),
            "new",
            "staff",
            "Record the payment",
            checklist=("The money has arrived in the account",),
            deadline="unpaid_timeout_hours",
            when=_unpaid,
        ),
        Transition(
            "record_payment",
            ("confirmed",),
            "paid",
            "staff",
            "Record the payment",
            checklist=("The money has arrived in the account",),
            deadline="unpaid_timeout_hours",
            when=_unpaid,
        ),
        Transition("start_picking", ("paid",), "picking", "staff", "Start picking"),
        Transition(
            "pack",
            ("picking",),
            "packed",
            "staff",
            "Mark as packed",
            checklist=(*PICK_CHECKLIST, "Pack the items with the delivery note"),
        ),
        Transition(
            "ship",
            ("packed",),
            "shipped",
            "staff",
            "Ship",
            checklist=("Hand the parcel to the carrier", "Write down the carrier and the tracking number"),
            deadline="paid_unshipped_hours",  # counted from the payment: picking and packing included
            informed=("customer",),  # the shipping message with the tracking number
        ),
        Transition(
            "deliver",
            ("shipped",),
            "delivered",
            "staff",
            "Mark as delivered",
            deadline="order_delivery_days",
            informed=("customer",),  # the satisfaction survey
        ),
        Transition(
            "cancel",
            ("new", "confirmed", "paid", "picking", "packed"),
            "cancelled",
            "staff",
            "Cancel the order",
        ),
    ),
)

#: States in which the order's stock is reserved at its location.
RESERVED_STATES = ORDER.group("reserved")
#: States of orders still being worked on.
OPEN_STATES = ORDER.group("open")
#: Payment statuses that end an order before it ships: the money went back, or was never taken.
PAYMENT_ENDED = PAYMENT_STAGES[-1]
_STAGE_OF = {status: number for number, stage in enumerate(PAYMENT_STAGES) for status in stage}


def payment_of(order: Record) -> str:
    """The order's payment status; a blank cell is pending, where every payment starts."""
    return order.payment_status or PAYMENT_PENDING


def payment_moves_on(current: str | None, reported: str) -> bool:
    """Whether `reported` is further along than `current`: a channel never moves a payment back."""
    return _STAGE_OF[reported] > _STAGE_OF.get(current or PAYMENT_PENDING, 0)


def order_steps(order: Record, actor: Actor) -> list:
    """The steps `actor` may take on `order` now: the only buttons a page shows."""
    return ORDER.steps_for(order, actor)


def address_problem(address: str | None) -> str | None:
    """Why a shipping address cannot be shipped to, or None when it is complete.

    An address is one cell: the street, then the town with its postcode (and
    the country), separated by commas or line breaks — "12 Mill Lane, Riverton 12345".
    """
    parts = [part.strip() for part in re.split(r"[,\n]", address or "") if part.strip()]
    if not parts:
        return "the order has no shipping address"
    if len(parts) < 2:
        return (
            f"the shipping address {address!r} is incomplete: it needs the street and the town with "
            "its postcode, separated by a comma (like '12 Mill Lane, Riverton 12345')"
        )
    return None


def compose_address(
    street: str = "", postcode: str = "", city: str = "", country: str = "", *more: str
) -> str:
    """One address cell from its parts: "street, more…, postcode city, country" (blank parts left out)."""
    town = " ".join(part.strip() for part in (postcode, city) if part and part.strip())
    parts = [street, *more, town, country]
    return ", ".join(part.strip() for part in parts if part and part.strip())
