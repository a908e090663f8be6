"""The declared choices the demo story uses, read from the tab definitions.

Taking every status, kind and reason from the schema means a renamed or
misspelt choice fails when the module loads, not as a data issue later.
"""

from __future__ import annotations

from sheets.schema import Tab
from sheets.tabs import (
    ALERTS,
    LOCATIONS,
    ORDERS,
    OUTBOX,
    PURCHASE_ORDERS,
    PURCHASE_REQUESTS,
    RETURNS,
    STOCK_COUNTS,
    STOCK_MOVES,
    SUGGESTIONS,
    TICKETS,
    TRANSFERS,
)


class Choices:
    """A column's declared choices as attributes, so a misspelt status fails at once."""

    def __init__(self, tab: Tab, column: str) -> None:
        self._where = f"{tab.name}.{column}"
        self._values = tab.column(column).choices

    def __getattr__(self, name: str) -> str:
        return self.choice(name)

    def choice(self, name: str) -> str:
        """The choice spelt `name` (for a choice that is a Python keyword, such as "return")."""
        if name in self._values:
            return name
        raise AttributeError(f"{self._where} declares no choice {name!r}")


ORDER_STATUS = Choices(ORDERS, "status")
PAYMENT = Choices(ORDERS, "payment_status")
CHANNEL = Choices(ORDERS, "channel")
LOCATION_KIND = Choices(LOCATIONS, "kind")
MOVE_REASON = Choices(STOCK_MOVES, "reason")
MOVE_REASON_RETURN = MOVE_REASON.choice("return")
REQUEST_STATUS = Choices(PURCHASE_REQUESTS, "status")
REQUEST_SOURCE = Choices(PURCHASE_REQUESTS, "source")
PO_STATUS = Choices(PURCHASE_ORDERS, "status")
COUNT_STATUS = Choices(STOCK_COUNTS, "status")
TRANSFER_STATUS = Choices(TRANSFERS, "status")
TICKET_KIND = Choices(TICKETS, "kind")
TICKET_STATUS = Choices(TICKETS, "status")
PRIORITY = Choices(TICKETS, "priority")
RETURN_KIND = Choices(RETURNS, "kind")
RETURN_KIND_RETURN = RETURN_KIND.choice("return")
RETURN_STATUS = Choices(RETURNS, "status")
REFUND_STATUS = Choices(RETURNS, "refund_status")
SEVERITY = Choices(ALERTS, "severity")
ALERT_STATUS = Choices(ALERTS, "status")
ROLE = Choices(ALERTS, "owner_role")
SUGGESTION_STATUS = Choices(SUGGESTIONS, "status")
MESSAGE_STATUS = Choices(OUTBOX, "status")

# Orders in these statuses hold their stock as reserved until it ships.
RESERVING_STATUSES = (
    ORDER_STATUS.confirmed,
    ORDER_STATUS.paid,
    ORDER_STATUS.picking,
    ORDER_STATUS.packed,
)
SHIPPED_STATUSES = (ORDER_STATUS.shipped, ORDER_STATUS.delivered)
