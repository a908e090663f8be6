"""A separate process that writes to a local workbook: `python -m tests.local.writer DIR MODE N`.

MODE `orders` inserts orders and prints each ID once its commit returned.
MODE `increment` adds 1 to the on_hand of KIT-001 at LOC-A, N times, each a
read-modify-write in its own transaction.
"""

from __future__ import annotations

import sys

from sheets.backends.local import LocalBackend
from sheets.tabs import ORDERS, STOCK
from sheets.workbook import Workbook


def insert_orders(workbook: Workbook, count: int) -> None:
    for number in range(count):
        with workbook.transaction(ORDERS, user="writer", action="crash test") as tx:
            order = tx.insert(ORDERS, {"customer_name": f"Customer {number}", "total": number})
        print(order.order_id, flush=True)


def increment(workbook: Workbook, count: int) -> None:
    for _ in range(count):
        with workbook.transaction(STOCK, user="writer", action="increment") as tx:
            stock = tx.require(STOCK, ("KIT-001", "LOC-A"))
            tx.update(stock, {"on_hand": stock.on_hand + 1})
    print("done", flush=True)


if __name__ == "__main__":
    data_dir, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    book = Workbook(LocalBackend(data_dir))
    {"orders": insert_orders, "increment": increment}[mode](book, count)
