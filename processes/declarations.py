"""Every procedure and every group of alerts, listed in one place.

The handbook pages, the review and the consistency tests walk these lists;
the scheduled checks import the alerts they raise from the declarations,
so an alert no declaration names cannot be raised.
"""

from __future__ import annotations

from processes.aftersales.procedures import REFUND, RETURN
from processes.improvement.procedure import SUGGESTION
from processes.inventory.procedures import STOCKTAKE, TRANSFER
from processes.orders.procedure import ORDER
from processes.procedure import Alert, AlertGroup, Procedure
from processes.procurement.procedures import PURCHASE_ORDER, PURCHASE_REQUEST
from processes.service.procedure import TICKET

#: In the order the handbook lists them: the company's flow from buying to after-sales.
PROCEDURES: tuple[Procedure, ...] = (
    PURCHASE_REQUEST,
    PURCHASE_ORDER,
    STOCKTAKE,
    TRANSFER,
    ORDER,
    TICKET,
    RETURN,
    REFUND,
    SUGGESTION,
)

STOCK_LOW = Alert(
    "stock.low",
    "Available stock (on hand less reserved) is below the minimum at a location. Purchase requests "
    "are raised by demand planning when projected stock falls to the reorder point.",
    "warning",
    "manager",
)
STOCK_HIGH = Alert(
    "stock.high",
    "Available stock is above the maximum at a location: sell it down or move it.",
    "info",
    "manager",
)
TRANSFER_SUGGESTED = Alert(
    "location.transfer",
    "A location has less stock than it sells over its lead time while another holds more than it needs "
    "over its own lead time and review period: moving it comes before buying.",
    "info",
    "manager",
)
UNREADABLE_ROWS = Alert(
    "data.unreadable",
    "Rows of a tab cannot be read (a wrong value in a cell): correct the cells; the app leaves the rows alone.",
    "warning",
    "manager",
)
DUPLICATE_IDS = Alert(
    "data.duplicate_id",
    "Rows of a tab share an ID (often a copied row): give one of them a new ID or delete it.",
    "warning",
    "manager",
)
LEDGER_MISMATCH = Alert(
    "data.ledger",
    "A Stock row's on_hand differs from what its Stock Moves add up to: post an adjustment or correct the cell.",
    "warning",
    "manager",
)

STOCK_LEVELS = AlertGroup(
    "Stock levels",
    "Minimum and maximum quantities, and the days of cover the forecast gives, per product and location, "
    "checked every cycle.",
    (STOCK_LOW, STOCK_HIGH, TRANSFER_SUGGESTED),
)
DATA_CHECKS = AlertGroup(
    "The record itself",
    "What people typed into the spreadsheet that the app cannot use, and balances that disagree.",
    (UNREADABLE_ROWS, DUPLICATE_IDS, LEDGER_MISMATCH),
)
ALERT_GROUPS: tuple[AlertGroup, ...] = (STOCK_LEVELS, DATA_CHECKS)


def declared_alerts() -> dict[str, Alert]:
    """Every declared alert by kind, from the procedures and the groups."""
    alerts = [alert for procedure in PROCEDURES for alert in procedure.all_alerts]
    alerts += [alert for group in ALERT_GROUPS for alert in group.alerts]
    by_kind: dict[str, Alert] = {}
    for alert in alerts:
        if by_kind.setdefault(alert.kind, alert) is not alert:
            raise ValueError(f"The alert kind {alert.kind} is declared twice")
    return by_kind


def procedure_by_slug(slug: str) -> Procedure | None:
    return next((procedure for procedure in PROCEDURES if procedure.slug == slug), None)
