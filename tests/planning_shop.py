"""A small shop with a known sales history, for the demand planning tests of every layer.

A mug sells a week's pattern over and over at the store (4 a day on average),
for DAYS days up to NOW.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sheets.tabs import LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK
from sheets.workbook import Workbook

NOW = datetime(2026, 6, 30, 9, 0)
DAYS = 70
SOLD = (3, 4, 5, 3, 4, 6, 3)  # units per day, a week's pattern repeated


def seed_mug_shop(
    workbook: Workbook,
    *,
    store_stock: int,
    warehouse_stock: int | None = None,
    product: dict | None = None,
) -> None:
    """The mug, the store (and a warehouse holding `warehouse_stock`, if given), and the store's sales."""
    tabs = (PRODUCTS, LOCATIONS, STOCK, ORDERS, ORDER_LINES)
    with workbook.transaction(*tabs, user="seed", action="seed planning shop") as tx:
        tx.insert(PRODUCTS, {"sku": "MUG", "name": "Stoneware mug", **(product or {})})
        tx.insert(LOCATIONS, {"location_id": "STORE", "name": "Harbour store", "kind": "store"})
        tx.insert(STOCK, {"sku": "MUG", "location_id": "STORE", "on_hand": store_stock})
        if warehouse_stock is not None:
            tx.insert(LOCATIONS, {"location_id": "WH", "name": "Main warehouse"})
            tx.insert(STOCK, {"sku": "MUG", "location_id": "WH", "on_hand": warehouse_stock})
        for day in range(DAYS, 0, -1):
            order = tx.insert(
                ORDERS,
                {
                    "customer_name": "Pat Example",
                    "created_at": NOW - timedelta(days=day, hours=-1),
                    "status": "delivered",
                    "location_id": "STORE",
                },
            )
            tx.insert(ORDER_LINES, {"order_id": order.order_id, "sku": "MUG", "qty": SOLD[day % 7]})
    workbook.clock = lambda: NOW
