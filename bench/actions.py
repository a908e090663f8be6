"""What one step costs on Google as the shop grows: `python -m bench.actions`.

For a full workbook of 1k, 10k and 100k orders (their lines, stock, the ledger and an
Audit of several rows per order) in the in-process Google fake, it prints for each step
the requests, the bytes Google would send back, and the seconds, twice: the first time
in a fresh process (where the records stand is not known yet: the key columns of the
tabs that grow are read once) and again once it is known (every later step of a
running app). The steps are the order's own: confirm, record payment, pack, ship.

Target: the requests of a step the same at every size, and its bytes once positions
are known nearly the same at 100k as at 1k (only the rows it works on move). The last
column is the app's own time: the seconds less those the in-process fake spent
building its answers (it copies its grid for every read, which Google does not).
Each size runs in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.jobs_cycle import google_workbook, raw  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.tabs import AUDIT, LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, STOCK, STOCK_MOVES  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0)
SKUS, LINES_PER_ORDER, AUDIT_PER_ORDER = 500, 2, 4
LOCATION = "LOC-MAIN"


def grids(orders: int) -> tuple[dict[str, list[list]], dict[str, list[str]]]:
    """The workbook's tabs as raw rows, and a few new orders the steps take, with their line IDs."""
    skus = [f"SKU-{n:04d}" for n in range(SKUS)]
    order_rows, lines, audit, moves = [], [], [], []
    fresh: dict[str, list[str]] = {}
    for n in range(orders):
        order_id = new_id("ORD")
        new = n >= orders - 8  # the last ones wait to be confirmed
        if new:
            fresh[order_id] = []
        order_rows.append(
            {
                "order_id": order_id,
                "channel": "shopify",
                "external_ref": f"#{1000 + n}",
                "customer_name": f"Customer {n}",
                "customer_email": f"customer{n}@example.com",
                "ship_address": f"{n} Example Road, 10115 Springfield",
                "created_at": NOW - timedelta(minutes=orders - n),
                "status": "new" if new else "delivered",
                "payment_status": "pending" if new else "paid",
                "total": 25.0,
                "location_id": LOCATION,
            }
        )
        for k in range(LINES_PER_ORDER):
            line_id = new_id("OL")
            if new:
                fresh[order_id].append(line_id)
            lines.append(
                {
                    "line_id": line_id,
                    "order_id": order_id,
                    "sku": skus[(n + k) % SKUS],
                    "qty": 1,
                    "unit_price": 12.5,
                }
            )
        for k in range(AUDIT_PER_ORDER):
            audit.append(
                {
                    "audit_id": new_id("AUD"),
                    "at": NOW - timedelta(minutes=orders - n),
                    "user": "shop",
                    "action": "import orders: update",
                    "tab": ORDERS.name,
                    "record_id": order_id,
                    "changes": f"status: step {k} → step {k + 1}",
                }
            )
        if not new:
            moves.append(
                {
                    "move_id": new_id("MOV"),
                    "at": NOW - timedelta(minutes=orders - n),
                    "sku": skus[n % SKUS],
                    "from_location": LOCATION,
                    "qty": 1,
                    "reason": "shipment",
                    "ref": order_id,
                }
            )
    stock = [{"sku": sku, "location_id": LOCATION, "on_hand": 10_000, "reserved": 0} for sku in skus]
    data = {
        PRODUCTS.name: raw(PRODUCTS, [{"sku": sku, "name": f"Product {sku}"} for sku in skus]),
        LOCATIONS.name: raw(LOCATIONS, [{"location_id": LOCATION, "name": "Main"}]),
        STOCK.name: raw(STOCK, stock),
        STOCK_MOVES.name: raw(STOCK_MOVES, moves),
        ORDERS.name: raw(ORDERS, order_rows),
        ORDER_LINES.name: raw(ORDER_LINES, lines),
        AUDIT.name: raw(AUDIT, audit),
    }
    return data, fresh


def measure_bytes(fake) -> list[float]:
    """Count the bytes of every answer the fake sends and the seconds it takes to answer: [bytes, seconds]."""
    sent = [0, 0.0]
    answer = fake.handle

    def counted(request):
        started = time.perf_counter()
        reply = answer(request)
        sent[1] += time.perf_counter() - started
        sent[0] += len(reply.body)
        return reply

    fake.handle = counted
    return sent


def run_case(size: int) -> dict:
    from processes.orders import pipeline
    from processes.permissions import Actor

    data, fresh = grids(size)
    workbook, fake = google_workbook(data, Path(tempfile.mkdtemp(prefix="flowsheet-bench-")))
    staff = Actor("bench", "manager")
    sent = measure_bytes(fake)
    steps = [
        ("confirm", lambda order_id: pipeline.confirm_order(workbook, order_id, by=staff)),
        ("record payment", lambda order_id: pipeline.record_payment(workbook, order_id, by=staff)),
        ("start picking", lambda order_id: pipeline.start_picking(workbook, order_id, by=staff)),
        ("pack", lambda order_id: pipeline.pack_order(workbook, order_id, picked=fresh[order_id], by=staff)),
        (
            "ship",
            lambda order_id: pipeline.ship_order(
                workbook, order_id, carrier="DHL", tracking_no="T-1", by=staff
            ),
        ),
    ]
    figures = []
    first, known = list(fresh)[:2]
    for remembered in (workbook.backend.positions, workbook.backend.layouts, workbook.backend.tails):
        remembered.clear()  # as in a process just started
    for round_name, order_id in (("first", first), ("known", known)):
        for name, step in steps:
            fake.reset_counts()
            sent[0], sent[1] = 0, 0.0
            started = time.perf_counter()
            step(order_id)
            seconds = time.perf_counter() - started
            counts = fake.counts()
            figures.append(
                {
                    "round": round_name,
                    "step": name,
                    "reads": counts.get("values.batchGet", 0),
                    "writes": counts.get("batchUpdate", 0),
                    "requests": sum(counts.values()),
                    "bytes": sent[0],
                    "seconds": seconds,
                    "in_fake": sent[1],
                }
            )
    return {"orders": size, "steps": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    print(
        f"{'orders':>8} {'positions':9} {'step':15} {'reads':>5} {'writes':>6} {'KB back':>9} {'seconds':>8}"
    )
    for size in args.sizes:
        result = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.actions", "--case", str(size)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.splitlines()[-1]
        )
        for step in result["steps"]:
            print(
                f"{size:>8,} {step['round']:9} {step['step']:15} {step['reads']:>5} {step['writes']:>6} "
                f"{step['bytes'] / 1024:>9,.1f} {step['seconds']:>8.3f} {step['seconds'] - step['in_fake']:>7.3f}"
            )
    print("(first: a fresh process, where records stand not known yet; known: every later step;")
    print(" app: the seconds less those the fake Google server spent answering, which Google's servers do)")


if __name__ == "__main__":
    main()
