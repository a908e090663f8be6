"""Grid cells per order, and the biggest request of a large import: `python -m bench.cells [ORDERS]`.

A Google spreadsheet holds at most 10 million cells, counted over every tab's
grid (empty cells included). In the in-process Google fake (tests/fake_sheets)
this lays the workbook out with `init`, then takes ORDERS orders (default 40)
through their whole life as staff would: entered, confirmed, paid, picked,
packed, shipped, delivered, then a return asked for, approved, received and
refunded. It prints

- the grid cells `init` lays out (before any order),
- each tab's rows per order and the grid cells per order over its life: the
  rows each order adds, times the tab's grid width, as the app grows it,
- how many such orders fit in 10 million cells,
- Audit rows per order over that life,

and the biggest request body a 10,000-line Shopify import sends (part of the
figure is the fake's JSON, as gspread sends it).
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes import aftersales  # noqa: E402
from processes.orders import (  # noqa: E402
    OrderLine,
    confirm_order,
    deliver_order,
    enter_order,
    import_orders,
    pack_order,
    record_payment,
    ship_order,
    start_picking,
)
from processes.permissions import Actor  # noqa: E402
from sheets.tabs import AUDIT, LOCATIONS, ORDER_LINES, PRODUCTS, STOCK  # noqa: E402

LIMIT = 10_000_000
STAFF, MANAGER = Actor("sam", "staff"), Actor("mia", "manager")
START = datetime(2026, 3, 2, 9, 0)


def google_workbook(folder: Path):
    """A workbook on the in-process Google fake, laid out by `init`; and the fake."""
    from bench.import_orders import google_workbook as made

    return made(folder)


def grid_cells(fake) -> dict[str, tuple[int, int]]:
    """Each tab's grid: (rows, columns) as Google counts them."""
    spreadsheet = fake.spreadsheet("bench")
    return {sheet.title: (sheet.row_count, sheet.column_count) for sheet in spreadsheet.sheets}


def used_rows(fake) -> dict[str, int]:
    """Rows up to the last one holding a value, per tab."""
    spreadsheet = fake.spreadsheet("bench")
    return {sheet.title: sheet.last_value_row() + 1 for sheet in spreadsheet.sheets}


def seed(workbook) -> str:
    with workbook.transaction(PRODUCTS, LOCATIONS, STOCK, user="bench", action="bench shop") as tx:
        location = tx.insert(LOCATIONS, {"name": "Main warehouse"}).location_id
        for sku in ("KIT-001", "MUG-002"):
            tx.insert(PRODUCTS, {"sku": sku, "name": f"Product {sku}", "price": 20})
            tx.insert(STOCK, {"sku": sku, "location_id": location, "on_hand": 100_000})
    return location


def order_life(workbook, location: str, number: int, clock: list[datetime]) -> None:
    """One order from entry to delivery, then a return of one item, refunded."""
    email = f"customer{number}@example.com"
    order = enter_order(
        workbook,
        customer_name=f"Customer {number}",
        customer_email=email,
        ship_address=f"{number} High Street, 10115 Springfield, DE",
        lines=[OrderLine("KIT-001", 2), OrderLine("MUG-002", 1)],
        location_id=location,
        by=STAFF,
    )
    order_id = order.order_id
    confirm_order(workbook, order_id, by=STAFF)
    record_payment(workbook, order_id, by=STAFF)
    start_picking(workbook, order_id, by=STAFF)
    lines = [line.line_id for line in workbook.table(ORDER_LINES).records() if line.order_id == order_id]
    pack_order(workbook, order_id, picked=lines, by=STAFF)
    ship_order(workbook, order_id, carrier="DHL", tracking_no=f"TRK{number:06d}", by=STAFF)
    deliver_order(workbook, order_id, by=STAFF)
    clock[0] += timedelta(days=2)
    ret = aftersales.request_return(
        workbook,
        order_id,
        email,
        aftersales.Asked(sku="KIT-001", qty=1, kind="return", reason="Too heavy"),
    )
    aftersales.approve_return(workbook, ret.return_id, note="Fine", by=STAFF)
    aftersales.receive_return(
        workbook,
        ret.return_id,
        inspection_notes="Unused",
        disposition="restock",
        location_id=location,
        by=STAFF,
    )
    aftersales.set_refund(workbook, ret.return_id, amount=20, by=STAFF)
    if workbook.table(aftersales.RETURN.tab).get(ret.return_id).refund_status == "awaiting_approval":
        aftersales.approve_refund(workbook, ret.return_id, by=MANAGER)
    aftersales.pay_refund(workbook, ret.return_id, refund_ref=f"RF-{number}", by=STAFF)


def lives(orders: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    workbook, fake = google_workbook(folder)
    laid_out = grid_cells(fake)
    location = seed(workbook)
    clock = [START]
    workbook.clock = lambda: clock[0]
    rows_before = used_rows(fake)
    for number in range(orders):
        clock[0] += timedelta(minutes=30)
        order_life(workbook, location, number, clock)
    rows_after = used_rows(fake)
    grids = grid_cells(fake)
    at_init = sum(rows * columns for rows, columns in laid_out.values())
    print(f"init lays out {at_init:,} grid cells over {len(laid_out)} tabs")
    print(f"{orders} orders, each new → delivered with a return refunded:")
    per_order = 0.0
    for name, (_rows, columns) in grids.items():
        added = (rows_after.get(name, 0) - rows_before.get(name, 0)) / orders
        if added:
            per_order += added * columns
            print(
                f"  {name:14} {added:5.2f} rows per order x {columns:3} columns = {added * columns:7.1f} cells"
            )
    now = sum(rows * columns for rows, columns in grids.values())
    print(f"grid cells per order over its life: {per_order:,.0f}")
    print(f"orders per 10M cells: {(LIMIT - at_init) / per_order:,.0f}")
    print(f"grid now: {now:,} cells (rows grow as they fill)")
    audit = (rows_after[AUDIT.name] - rows_before[AUDIT.name]) / orders
    print(f"Audit rows per order over its life: {audit:.1f}")
    workbook.backend.close()


def biggest_import_request(lines: int) -> None:
    from bench.import_orders import ACTOR, seed_products, shopify_export

    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    workbook, fake = google_workbook(folder)
    seed_products(workbook)
    fake.reset_counts()
    report = import_orders(workbook, shopify_export(lines), by=ACTOR)
    sizes = [len(json.dumps(entry.body).encode()) for entry in fake.log if entry.kind == "batchUpdate"]
    print(
        f"import of {lines:,} lines ({len(report.created):,} orders): {len(sizes)} batchUpdate, "
        f"biggest body {max(sizes, default=0) / 1e6:.1f} MB"
    )
    workbook.backend.close()


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    lives(orders)
    biggest_import_request(10_000)


if __name__ == "__main__":
    main()
