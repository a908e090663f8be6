"""Figures for the process review: `python -m bench.review`.

For 10k and 100k orders on the local backend, with what goes with them (three
status changes per order in the Audit, a ticket per 5 orders, a survey per 4,
a return per 50, a purchase order and a transfer per 100, a stocktake line per
10), it prints the seconds to read every tab the review needs (one read), to
compute the whole review of the last 30 days against the 30 before, and to make
the Markdown and HTML reports; the fastest of three runs counts. The rows are
written raw, as bench/jobs_cycle.py does. Target: computing the review under
2 s at 100k orders (the read is the record layer's, measured in bench/record.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes.review import (  # noqa: E402
    REVIEWED_TABS,
    Period,
    render_html,
    render_markdown,
    review,
    settings_from,
)
from sheets.cells import to_cell  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.schema import Tab  # noqa: E402
from sheets.tabs import (  # noqa: E402
    AUDIT,
    ORDERS,
    PURCHASE_ORDERS,
    RECEIPTS,
    RETURNS,
    SETTINGS,
    STOCK_COUNTS,
    SUGGESTIONS,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
    TRANSFERS,
)
from sheets.workbook import Workbook  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0)
SPAN = timedelta(days=60)
REPEATS = 3  # the fastest run counts: the others measured a busy machine  # the records spread over the two periods compared


def raw(tab: Tab, rows: list[dict]) -> list[list]:
    return [tab.column_names, *([to_cell(c.kind, row.get(c.name)) for c in tab.columns] for row in rows)]


def moment(n: int, count: int) -> datetime:
    """The n-th of `count` records, spread evenly over the last 60 days."""
    return NOW - SPAN + SPAN * n / count


def grids(orders: int) -> dict[str, list[list]]:
    order_rows, audit = [], []
    for n in range(orders):
        created = moment(n, orders)
        order_id = new_id("ORD")
        order_rows.append(
            {
                "order_id": order_id,
                "customer_name": f"Customer {n}",
                "created_at": created,
                "status": "delivered",
                "payment_status": "paid",
                "paid_at": created + timedelta(hours=2 + n % 7),
                "shipped_at": created + timedelta(hours=20 + n % 60),
                "delivered_at": created + timedelta(hours=90 + n % 30),
            }
        )
        for hours, change in ((1, "new → confirmed"), (12, "paid → picking"), (16, "picking → packed")):
            audit.append(
                {
                    "audit_id": new_id("AUD"),
                    "at": created + timedelta(hours=hours + n % 3),
                    "user": "tom",
                    "action": "order step: update",
                    "tab": ORDERS.name,
                    "record_id": order_id,
                    "changes": f"status: {change}",
                }
            )
    tickets = [
        {
            "ticket_id": new_id("TCK"),
            "subject": "Question",
            "status": "resolved",
            "opened_at": moment(n, orders // 5),
            "first_response_at": moment(n, orders // 5) + timedelta(hours=n % 12),
            "due_at": moment(n, orders // 5) + timedelta(hours=48),
            "resolved_at": moment(n, orders // 5) + timedelta(hours=n % 60),
        }
        for n in range(orders // 5)
    ]
    surveys = [
        {
            "survey_id": new_id("SRV"),
            "ref": "ORD-X",
            "sent_at": moment(n, orders // 4),
            "score": None if n % 3 == 0 else 1 + n % 5,
        }
        for n in range(orders // 4)
    ]
    returns = [
        {
            "return_id": new_id("RET"),
            "order_id": "ORD-X",
            "sku": "SKU-1",
            "qty": 1,
            "requested_at": moment(n, orders // 50),
            "refunded_at": moment(n, orders // 50) + timedelta(hours=24 + n % 100),
        }
        for n in range(orders // 50)
    ]
    suppliers = [{"supplier_id": f"SUP-{n}", "name": f"Supplier {n}"} for n in range(20)]
    purchase_orders = [
        {
            "po_id": f"PO-{n}",
            "supplier_id": f"SUP-{n % 20}",
            "sku": "SKU-1",
            "qty": 10,
            "status": "received",
            "ordered_at": moment(n, orders // 100),
            "expected_at": (moment(n, orders // 100) + timedelta(days=7)).date(),
        }
        for n in range(orders // 100)
    ]
    receipts = [
        {
            "receipt_id": new_id("RCV"),
            "po_id": f"PO-{n}",
            "received_at": moment(n, orders // 100) + timedelta(days=5 + n % 4),
            "location_id": "LOC-1",
            "qty_received": 10,
        }
        for n in range(orders // 100)
    ]
    transfers = [
        {
            "transfer_id": new_id("TRF"),
            "sku": "SKU-1",
            "from_location": "LOC-1",
            "to_location": "LOC-2",
            "qty": 3,
            "status": "received",
            "requested_at": moment(n, orders // 100),
            "shipped_at": moment(n, orders // 100) + timedelta(hours=10 + n % 30),
            "received_at": moment(n, orders // 100) + timedelta(hours=50 + n % 30),
        }
        for n in range(orders // 100)
    ]
    counts = [
        {
            "count_id": new_id("CNT"),
            "session_id": f"S{n // 100}",
            "location_id": "LOC-1",
            "sku": f"SKU-{n}",
            "book_qty": 10,
            "counted_qty": 10 - (n % 7 == 0),
            "status": "approved",
            "counted_at": moment(n, orders // 10),
        }
        for n in range(orders // 10)
    ]
    suggestions = [
        {
            "suggestion_id": new_id("SUG"),
            "submitted_by": f"person {n % 9}",
            "submitted_at": moment(n, 200),
            "process": "Orders",
            "text": "An idea",
            "status": "adopted" if n % 4 == 0 else "open",
        }
        for n in range(200)
    ]
    return {
        ORDERS.name: raw(ORDERS, order_rows),
        AUDIT.name: raw(AUDIT, audit),
        TICKETS.name: raw(TICKETS, tickets),
        SURVEYS.name: raw(SURVEYS, surveys),
        RETURNS.name: raw(RETURNS, returns),
        SUPPLIERS.name: raw(SUPPLIERS, suppliers),
        PURCHASE_ORDERS.name: raw(PURCHASE_ORDERS, purchase_orders),
        RECEIPTS.name: raw(RECEIPTS, receipts),
        TRANSFERS.name: raw(TRANSFERS, transfers),
        STOCK_COUNTS.name: raw(STOCK_COUNTS, counts),
        SUGGESTIONS.name: raw(SUGGESTIONS, suggestions),
    }


def local_workbook(data: dict[str, list[list]], folder: Path) -> Workbook:
    from sheets.backends.local import LocalBackend

    backend = LocalBackend(folder)
    workbook = Workbook(backend, clock=lambda: NOW)
    workbook.init()
    with backend.raw_edit() as grid:
        for name, rows in data.items():
            grid.replace_rows(name, rows)
    return workbook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    period = Period((NOW - timedelta(days=29)).date(), NOW.date())
    print(
        f"{'orders':>8} {'audit rows':>11} {'read':>7} {'review':>7} {'(CPU)':>10} {'reports':>8} {'total':>7}"
    )
    for size in args.sizes:
        workbook = local_workbook(grids(size), Path(tempfile.mkdtemp(prefix="flowsheet-bench-")))
        best = min((timed(workbook, period) for _ in range(REPEATS)), key=lambda times: times[4])
        audit_rows, read, computed, reported, total, cpu = best
        print(
            f"{size:>8,} {audit_rows:>11,} {read:>6.2f}s {computed:>6.2f}s {cpu:>9.2f}s {reported:>7.2f}s "
            f"{total:>6.2f}s"
        )


def timed(workbook: Workbook, period: Period) -> tuple[int, float, float, float, float, float]:
    """Audit rows, then seconds to read, to compute the review, to make both reports, in all, and CPU seconds.

    The CPU seconds of the computation say what it costs on a machine that is busy with other work too.
    """
    workbook.invalidate()
    started = time.perf_counter()
    frames = {name: table.df for name, table in workbook.tables(*REVIEWED_TABS).items()}
    read = time.perf_counter()
    cpu = time.process_time()
    result = review(frames, period, settings_from(frames[SETTINGS.name]))
    cpu = time.process_time() - cpu
    computed = time.perf_counter()
    render_markdown(result), render_html(result)
    reported = time.perf_counter()
    return (
        len(frames[AUDIT.name]),
        read - started,
        computed - read,
        reported - computed,
        reported - started,
        cpu,
    )


if __name__ == "__main__":
    main()
