"""Where a record is worked on: the page for an ID, so a reference anywhere can be a link."""

from __future__ import annotations

from sheets.tabs import ORDERS, PURCHASE_ORDERS, PURCHASE_REQUESTS, RETURNS, TICKETS, TRANSFERS

#: ID prefix -> the page that shows one record of that kind.
RECORD_PAGES: dict[str, str] = {
    f"{ORDERS.id_prefix}-": "/orders/",
    f"{RETURNS.id_prefix}-": "/returns/",
    f"{TICKETS.id_prefix}-": "/tickets/",
    f"{PURCHASE_REQUESTS.id_prefix}-": "/procurement/requests/",
    f"{PURCHASE_ORDERS.id_prefix}-": "/procurement/orders/",
}


#: ID prefix -> the list a record of that kind is worked on in, where it has no page of its own.
LIST_PAGES: dict[str, str] = {f"{TRANSFERS.id_prefix}-": "/inventory/transfers"}


def record_path(record_id: str | None) -> str | None:
    """The page of the record `record_id` names (or the list it is worked in); None when there is none."""
    for prefix, path in RECORD_PAGES.items():
        if record_id and record_id.startswith(prefix):
            return path + record_id
    for prefix, path in LIST_PAGES.items():
        if record_id and record_id.startswith(prefix):
            return path
    return None
