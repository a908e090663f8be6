"""Figures for the archive: `python -m bench.archive`.

For a year of a shop taking 300 orders a day (two lines each, a stock move per
line, two customer messages and three Audit rows per order, ten tickets and
three returns a day), it prints the live spreadsheet's cells at the end of each
month without the archive and with it running monthly (archive age 90 days),
from the rows each month adds; then it times one monthly archive run for real:
a live workbook holding `--live-days` days of that trade (rows written raw, as
bench/jobs_cycle.py does), archived with the cutoff 90 days back, on the local
backend; and on the in-process Google fake a smaller sheet (`--google-days` live,
`--google-age`: the fake encodes every cell in Python, so a 120-day sheet takes it
too long) archiving a few days, batches of the same size. It checks that the
ledger still adds up.
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

from bench.jobs_cycle import google_workbook, local_workbook, raw  # noqa: E402
from processes.archive import run_archive  # noqa: E402
from processes.archive.store import Archives, local_archives  # noqa: E402
from processes.stock import ledger_issues  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.schema import Tab  # noqa: E402
from sheets.tabs import (  # noqa: E402
    ALL_TABS,
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
from sheets.workbook import Workbook  # noqa: E402
from tests.archive.shop import google_shop_archives  # noqa: E402

ORDERS_A_DAY = 300
PER_ORDER = {ORDERS: 1, ORDER_LINES: 2, STOCK_MOVES: 2, OUTBOX: 2, AUDIT: 3}
PER_DAY = {TICKETS: 10, RETURNS: 3}
AGE_DAYS = 90
SKUS = [f"SKU-{n:04d}" for n in range(200)]
NOW = datetime(2026, 12, 31, 23, 0)


def rows_a_day() -> dict[Tab, int]:
    return {**{tab: n * ORDERS_A_DAY for tab, n in PER_ORDER.items()}, **PER_DAY}


def cells(rows: dict[Tab, int]) -> int:
    """Cells of the archived tabs holding `rows` (a header row each), at their declared width."""
    return sum((count + 1) * len(tab.columns) for tab, count in rows.items())


def year_by_month() -> list[tuple[int, int, int, int]]:
    """(month, cells without the archive, with it just before and just after each month-end run)."""
    daily = rows_a_day()
    out = []
    for month in range(1, 13):
        days = round(month * 365 / 12)
        before = min(days, AGE_DAYS + 31)  # what the last run left, and a month more
        after = min(days, AGE_DAYS)  # a run leaves what closed in the last 90 days
        out.append(
            (
                month,
                cells({tab: n * days for tab, n in daily.items()}),
                cells({tab: n * before for tab, n in daily.items()}),
                cells({tab: n * after for tab, n in daily.items()}),
            )
        )
    return out


# a live workbook with `days` of trade, rows raw ----------------------------------------


def trade(days: int) -> dict[str, list[list]]:
    start = NOW - timedelta(days=days)
    received = dict.fromkeys(SKUS, ORDERS_A_DAY * 2 * days)
    moves = [
        {
            "move_id": new_id("MOV"),
            "at": start,
            "sku": sku,
            "to_location": "WH1",
            "qty": qty,
            "reason": "receipt",
        }
        for sku, qty in received.items()
    ]
    on_hand = dict(received)
    orders, lines, outbox, audit, tickets, returns = [], [], [], [], [], []
    for n in range(days * ORDERS_A_DAY):
        at = start + timedelta(minutes=n * 24 * 60 / ORDERS_A_DAY)
        order_id = new_id("ORD")
        orders.append(
            {
                "order_id": order_id,
                "customer_name": f"Customer {n}",
                "customer_email": f"c{n}@example.com",
                "status": "delivered",
                "payment_status": "paid",
                "created_at": at,
                "paid_at": at,
                "total": 39.0,
                "location_id": "WH1",
                "carrier": "DHL",
                "tracking_no": f"T{n}",
                "shipped_at": at + timedelta(days=1),
                "delivered_at": at + timedelta(days=3),
                "updated_at": at + timedelta(days=3),
            }
        )
        for k in range(2):
            sku = SKUS[(n * 2 + k) % len(SKUS)]
            lines.append(
                {"line_id": new_id("OL"), "order_id": order_id, "sku": sku, "qty": 1, "unit_price": 19.5}
            )
            moves.append(
                {
                    "move_id": new_id("MOV"),
                    "at": at + timedelta(days=1),
                    "sku": sku,
                    "from_location": "WH1",
                    "qty": 1,
                    "reason": "shipment",
                    "ref": order_id,
                }
            )
            on_hand[sku] -= 1
            outbox.append(
                {
                    "message_id": new_id("MSG"),
                    "created_at": at,
                    "to": f"c{n}@example.com",
                    "subject": "Your order",
                    "body": "Thank you for your order; it is on its way.",
                    "ref": order_id,
                    "status": "sent",
                    "attempts": 1,
                    "sent_at": at,
                }
            )
        for k, action in enumerate(("import: insert", "ship: update", "deliver: update")):
            audit.append(
                {
                    "audit_id": new_id("AUD"),
                    "at": at + timedelta(days=k),
                    "user": "lin",
                    "action": action,
                    "tab": ORDERS.name,
                    "record_id": order_id,
                    "changes": "status: shipped → delivered",
                }
            )
    for n in range(days * PER_DAY[TICKETS]):
        at = start + timedelta(minutes=n * 24 * 60 / PER_DAY[TICKETS])
        tickets.append(
            {
                "ticket_id": new_id("TCK"),
                "subject": "Question",
                "status": "resolved",
                "opened_at": at,
                "resolved_at": at,
            }
        )
    for n in range(days * PER_DAY[RETURNS]):
        at = start + timedelta(minutes=n * 24 * 60 / PER_DAY[RETURNS])
        returns.append(
            {
                "return_id": new_id("RET"),
                "order_id": orders[n]["order_id"],
                "sku": SKUS[0],
                "qty": 1,
                "status": "closed",
                "requested_at": at,
                "updated_at": at + timedelta(days=5),
            }
        )
    stock = [{"sku": sku, "location_id": "WH1", "on_hand": qty} for sku, qty in on_hand.items()]
    return {
        PRODUCTS.name: raw(PRODUCTS, [{"sku": sku, "name": sku} for sku in SKUS]),
        LOCATIONS.name: raw(LOCATIONS, [{"location_id": "WH1", "name": "Main"}]),
        STOCK.name: raw(STOCK, stock),
        STOCK_MOVES.name: raw(STOCK_MOVES, moves),
        ORDERS.name: raw(ORDERS, orders),
        ORDER_LINES.name: raw(ORDER_LINES, lines),
        OUTBOX.name: raw(OUTBOX, outbox),
        AUDIT.name: raw(AUDIT, audit),
        TICKETS.name: raw(TICKETS, tickets),
        RETURNS.name: raw(RETURNS, returns),
    }


def local_shop(data: dict[str, list[list]], folder: Path) -> tuple[Workbook, Archives, object]:
    workbook, _ = local_workbook(data, folder, NOW)
    return workbook, local_archives(folder), None


def google_shop(data: dict[str, list[list]], folder: Path) -> tuple[Workbook, Archives, object]:
    seeded = {tab.name: data.get(tab.name, [tab.column_names]) for tab in ALL_TABS}
    workbook, fake = google_workbook(seeded, folder, NOW)
    ids = {year: f"bench-archive-{year}" for year in (NOW.year - 1, NOW.year)}
    return workbook, google_shop_archives(fake, ids, clock=lambda: NOW), fake


def one_run(backend: str, days: int, age: int = AGE_DAYS) -> str:
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    made = (local_shop if backend == "local" else google_shop)(trade(days), folder)
    workbook, archives, fake = made
    for year in archives.years():
        archives.workbook(year)  # the archive's tabs are made once, not every month
    if fake is not None:
        fake.reset_counts()
    started = time.monotonic()
    report = run_archive(workbook, archives, before=NOW - timedelta(days=age))
    seconds = time.monotonic() - started
    requests = dict(fake.counts()) if fake is not None else "-"
    issues = len(ledger_issues(workbook))
    name = "local" if fake is None else "google-fake"
    return (
        f"{name:12} {days:>4} days live, age {age:>2}: moved {report.total:>8,} rows in {report.batches:>3} batches  "
        f"{seconds:>7.1f} s  ledger issues after: {issues}  requests: {requests}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live-days", type=int, default=AGE_DAYS + 30, help="days of trade live (local)")
    parser.add_argument("--google-days", type=int, default=12, help="days of trade live (Google fake)")
    parser.add_argument(
        "--google-age",
        type=int,
        default=9,
        help="archive age on the Google fake (a smaller sheet: same batches)",
    )
    parser.add_argument("--backends", nargs="+", default=["local", "google"], choices=["local", "google"])
    parser.add_argument("--no-run", action="store_true", help="print the year's figures only")
    args = parser.parse_args()
    print(
        f"a year at {ORDERS_A_DAY} orders a day: cells of the live spreadsheet (archived tabs) at each month's end"
    )
    print(f"{'month':>5} {'without archive':>16} {'monthly: before run':>20} {'after run':>10}")
    for month, without, before, after in year_by_month():
        print(f"{month:>5} {without:>16,} {before:>20,} {after:>10,}")
    if args.no_run:
        return
    print(f"one monthly archive run (age {AGE_DAYS} days):")
    for backend in args.backends:
        if backend == "local":
            print(one_run(backend, args.live_days))
        else:
            print(one_run(backend, args.google_days, args.google_age))


if __name__ == "__main__":
    main()
