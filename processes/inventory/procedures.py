"""The two inventory procedures, declared once: a stocktake's lines and a transfer between locations.

The rules check every step against these declarations: processes.inventory.stocktake
counts a location blind and books its variances once a manager approves them;
processes.inventory.transfers moves stock from one location to another.
"""

from __future__ import annotations

from processes.permissions import Permission
from processes.procedure import ABANDONED, EDITABLE, HOLDS_STOCK, Alert, Entry, Procedure, Transition
from sheets.tabs import STOCK_COUNTS, TRANSFERS

STOCKTAKE_DUE = Alert(
    "stock.stocktake",
    "A location has not been counted within the stocktake interval: start a stocktake there.",
    "warning",
    "manager",
    setting="stocktake_interval_days",
)

STOCKTAKE = Procedure(
    "Stocktake",
    STOCK_COUNTS,
    "status",
    transitions=(
        Transition(
            "count",
            ("open", "counted"),
            "counted",
            "staff",
            "Record the count",
            checklist=(
                "Count every unit of the product at the location, back stock included",
                "Enter what you counted, not what a label or a list says",
                "Count again before saving if the number surprises you",
            ),
            deadline="stocktake_count_hours",
        ),
        Transition(
            "approve",
            ("counted",),
            "approved",
            "manager",
            "Approve the adjustment",
            permission=Permission.APPROVE_STOCK_ADJUSTMENT,
            deadline="stocktake_approval_hours",
        ),
        Transition(
            "reject",
            ("open", "counted"),
            "rejected",
            "manager",
            "Reject the count",
            permission=Permission.APPROVE_STOCK_ADJUSTMENT,
        ),
    ),
    purpose="Count a location blind; book the differences only with a manager's approval",
    groups={
        "unfinished": ("open", "counted"),
        "uncounted": ("open",),  # no count recorded yet
        "waiting_on_manager": ("counted",),
        "decided": ("approved", "rejected"),  # a manager approved or rejected the count
        EDITABLE: ("open",),
    },
    step_columns=("book_qty", "counted_qty", "variance", "counted_by", "counted_at", "approved_by"),
    terms=("session_id", "location_id", "sku"),
    entries=(Entry("open", "Staff start a stocktake of a location: one line per product kept there"),),
    area="stock",
    page="/inventory/stocktake",
    about="location_id",
    grouped_by="session_id",
    alerts=(STOCKTAKE_DUE,),
)

#: What the counter confirms, shown on the count sheet.
COUNT_CHECKLIST = STOCKTAKE.transition("count").checklist
#: Lines still open to a count (or to a correction before the manager decides).
UNFINISHED = STOCKTAKE.group("unfinished")
#: Lines counted and waiting for a manager to approve or reject the variance.
WAITING_ON_MANAGER = STOCKTAKE.group("waiting_on_manager")

TRANSFER = Procedure(
    "Transfer",
    TRANSFERS,
    "status",
    transitions=(
        Transition(
            "ship",
            ("requested",),
            "in_transit",
            "staff",
            "Ship",
            checklist=(
                "Pick the quantity asked for at the origin",
                "Label the parcel with the transfer ID",
            ),
            deadline="transfer_ship_hours",
        ),
        Transition(
            "receive",
            ("in_transit",),
            "received",
            "staff",
            "Receive",
            checklist=("Count what arrived against the transfer", "Put the goods away at the destination"),
            deadline="transfer_receive_hours",
        ),
        Transition("cancel", ("requested",), "cancelled", "staff", "Cancel"),
    ),
    purpose="Move stock between locations; what is on the road belongs to neither",
    groups={
        "open": ("requested", "in_transit"),
        "in_transit": ("in_transit",),
        ABANDONED: ("cancelled",),
        HOLDS_STOCK: ("in_transit",),  # left the origin, not yet at the destination
        EDITABLE: ("requested",),
    },
    step_columns=("requested_by", "requested_at", "shipped_at", "received_at", "qty_received", "discrepancy"),
    terms=("sku", "from_location", "to_location", "qty"),
    entries=(Entry("requested", "Staff ask for stock to move from one location to another"),),
    area="location",
    page="/inventory/transfers",  # worked on in the list: no page per transfer
    stamps={"": "requested_at", "in_transit": "shipped_at"},  # on the road from the moment it ships
    about="sku",
)
