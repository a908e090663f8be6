"""A small shop with a past: closed and open records of every archived kind, written through the rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from processes.archive import Archives, google_archives, local_archives
from processes.stock import post_move
from sheets.backends.google.backend import GoogleBackend
from sheets.backends.google.connect import load_credentials, open_spreadsheet
from sheets.tabs import (
    AUDIT,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    OUTBOX,
    PRODUCTS,
    RETURNS,
    STOCK,
    STOCK_MOVES,
    TICKETS,
)
from sheets.workbook import Workbook

#: The archive runs "now"; records closed before CUTOFF are due.
NOW = datetime(2026, 3, 1, 12, 0)
CUTOFF = datetime(2026, 1, 1)
OLD = datetime(2025, 11, 3, 10, 0)
RECENT = datetime(2026, 2, 20, 10, 0)
TABS = (ORDERS, ORDER_LINES, TICKETS, RETURNS, OUTBOX, STOCK_MOVES, AUDIT)


def at(workbook: Workbook, moment: datetime):
    workbook.clock = lambda: moment


def seed_shop(workbook: Workbook, orders: int = 6) -> None:
    """`orders` old delivered orders (two lines each), open and recent ones, tickets, returns, messages, moves."""
    at(workbook, OLD - timedelta(days=30))
    with workbook.transaction(PRODUCTS, LOCATIONS, STOCK, STOCK_MOVES, user="lin") as tx:
        tx.insert(LOCATIONS, {"location_id": "WH1", "name": "Main"})
        tx.insert(LOCATIONS, {"location_id": "ST1", "name": "Shop", "kind": "store"})
        for sku in ("MUG", "PAN"):
            tx.insert(PRODUCTS, {"sku": sku, "name": sku.title()})
            post_move(tx, sku=sku, qty=500, reason="receipt", to_location="WH1")
        post_move(tx, sku="MUG", qty=40, reason="transfer", from_location="WH1", to_location="ST1")
    for index in range(orders):
        _order(workbook, OLD + timedelta(hours=index), "delivered", f"Old {index}")
    _order(workbook, OLD, "shipped", "Still on its way")
    _order(workbook, RECENT, "delivered", "Recent")
    at(workbook, OLD)
    named = {order.customer_name: order.order_id for order in workbook.table(ORDERS).records()}
    first, second = named["Old 0"], named["Old 1"]
    with workbook.transaction(TICKETS, RETURNS, OUTBOX, user="lin") as tx:
        tx.insert(
            TICKETS, {"subject": "Where is it", "status": "resolved", "resolved_at": OLD, "opened_at": OLD}
        )
        tx.insert(TICKETS, {"subject": "Still open", "status": "open", "opened_at": OLD})
        tx.insert(
            RETURNS, {"order_id": first, "sku": "MUG", "qty": 1, "status": "closed", "requested_at": OLD}
        )
        # A return still open keeps its order ("Old 1") live: its refund is worked out from the lines.
        tx.insert(
            RETURNS, {"order_id": second, "sku": "PAN", "qty": 1, "status": "requested", "requested_at": OLD}
        )
        tx.insert(OUTBOX, {"to": "a@example.com", "status": "sent", "sent_at": OLD})
        tx.insert(OUTBOX, {"to": "b@example.com", "status": "queued"})
    at(workbook, NOW)


def _order(workbook: Workbook, moment: datetime, status: str, name: str) -> None:
    at(workbook, moment)
    with workbook.transaction(ORDERS, ORDER_LINES, STOCK, STOCK_MOVES, user="lin") as tx:
        order = tx.insert(
            ORDERS,
            {
                "customer_name": name,
                "status": status,
                "location_id": "WH1",
                "delivered_at": moment if status == "delivered" else None,
            },
        )
        for sku in ("MUG", "PAN"):
            tx.insert(ORDER_LINES, {"order_id": order.order_id, "sku": sku, "qty": 2, "unit_price": 9.5})
            post_move(tx, sku=sku, qty=2, reason="shipment", ref=order.order_id, from_location="WH1")


def local_shop_archives(workbook: Workbook) -> Archives:
    return local_archives(workbook.backend.path.parent)


def google_shop_archives(
    fake, ids: dict[int, str] | None = None, *, clock: Callable[[], datetime] = datetime.now
) -> Archives:
    """Archive spreadsheets in the fake, one per year the shop's records closed in (bench/archive.py too)."""
    ids = ids or {
        2025: "1FlowsheetArchive2025000000000000000000000",
        2026: "1FlowsheetArchive2026000000000000000000000",
    }
    for spreadsheet_id in ids.values():
        fake.create_spreadsheet(spreadsheet_id=spreadsheet_id, title="Flowsheet archive", sheets=["Sheet1"])

    def opened(spreadsheet_id: str) -> Workbook:
        credentials = load_credentials(fake.key_file)
        return Workbook(
            GoogleBackend(open_spreadsheet(credentials, spreadsheet_id, adapter=fake.transport())),
            clock=clock,
        )

    return google_archives(ids, opened)


def keys_of(workbook: Workbook) -> dict[str, set]:
    workbook.invalidate()
    tables = workbook.tables(*TABS)
    return {tab.name: set(tables[tab.name].keys()) for tab in TABS}
