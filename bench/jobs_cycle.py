"""Figures for one cycle of the scheduled checks: `python -m bench.jobs_cycle`.

For 10k and 100k orders (with 20k stock rows, their opening moves and 50k tickets,
about 1 row in 200 to 500 past a threshold) on the local backend and on the
in-process Google fake, a runner (as `python app.py jobs` keeps one) runs a first
cycle (the forecast computed, every alert opened), a second that finds where the open
records stand, a quiet one (nothing changed: no write) and a fourth after every unpaid
order was paid (their alerts resolved). It prints their seconds, how long the checks of the first took (the window
between the snapshot's read and the write, in which a person's edit is not seen),
and on Google the requests and the bytes the fake sent back per cycle.
Targets: under 2 s on the local backend at 100k orders; on Google the same few
requests at both sizes, and a quiet cycle's bytes set by the open records, not the
history. The rows are written raw, as bench/record.py does.
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

from jobs.cycle import CycleState, run_cycle  # noqa: E402
from sheets.cells import to_cell  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.schema import Tab  # noqa: E402
from sheets.tabs import LOCATIONS, ORDERS, PRODUCTS, STOCK, STOCK_MOVES, TICKETS  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402

NOW = datetime(2026, 3, 2, 9, 0)
STOCK_ROWS, TICKET_ROWS, LOCATION_COUNT = 20_000, 50_000, 4


def raw(tab: Tab, rows: list[dict]) -> list[list]:
    return [tab.column_names, *([to_cell(c.kind, row.get(c.name)) for c in tab.columns] for row in rows)]


def grids(orders: int) -> dict[str, list[list]]:
    locations = [f"LOC-{n}" for n in range(LOCATION_COUNT)]
    skus = [f"SKU-{n:05d}" for n in range(STOCK_ROWS // LOCATION_COUNT)]
    stock, moves = [], []
    for n, (sku, location) in enumerate((s, loc) for s in skus for loc in locations):
        on_hand = 0 if n % 200 == 0 else 20 + n % 20  # 1 in 200 rows is empty
        stock.append(
            {
                "sku": sku,
                "location_id": location,
                "on_hand": on_hand,
                "reserved": n % 3,
                "min_qty": 5,
                "max_qty": 50,
                "last_counted_at": NOW - timedelta(days=30),
            }
        )
        if on_hand:
            moves.append(
                {
                    "move_id": new_id("MOV"),
                    "at": NOW - timedelta(days=60),
                    "sku": sku,
                    "to_location": location,
                    "qty": on_hand,
                    "reason": "adjustment",
                }
            )
    statuses = ORDERS.column("status").choices
    order_rows = [
        {
            "order_id": new_id("ORD"),
            "customer_name": f"Customer {n}",
            "status": statuses[n % len(statuses)] if n < 4_000 else "delivered",
            "payment_status": "paid" if n % 500 else "pending",
            "created_at": NOW - timedelta(minutes=n),
            "paid_at": NOW - timedelta(minutes=n) if n % 500 else None,
            "tracking_no": f"T{n}",
            "shipped_at": NOW - timedelta(minutes=n)
            if statuses[n % len(statuses)] in ("shipped", "delivered")
            else None,
            "location_id": locations[n % LOCATION_COUNT],
        }
        for n in reversed(range(orders))  # the oldest first, as a shop's sheet fills
    ]
    tickets = [
        {
            "ticket_id": new_id("TCK"),
            "subject": "Question",
            "priority": "normal",
            "status": "in_progress" if n % 50 == 0 else "closed",
            "opened_at": NOW - timedelta(minutes=n),
            "first_response_at": NOW - timedelta(minutes=n) if n % 250 else None,
            "due_at": NOW - timedelta(minutes=n) + timedelta(hours=48),
        }
        for n in reversed(range(TICKET_ROWS))
    ]
    return {
        PRODUCTS.name: raw(PRODUCTS, [{"sku": sku, "name": f"Product {sku}"} for sku in skus]),
        LOCATIONS.name: raw(LOCATIONS, [{"location_id": loc, "name": loc} for loc in locations]),
        STOCK.name: raw(STOCK, stock),
        STOCK_MOVES.name: raw(STOCK_MOVES, moves),
        ORDERS.name: raw(ORDERS, order_rows),
        TICKETS.name: raw(TICKETS, tickets),
    }


def local_workbook(data: dict[str, list[list]], folder: Path, now: datetime = NOW) -> tuple[Workbook, object]:
    """A local workbook holding `data` raw, its clock stopped at `now`; (workbook, None)."""
    from sheets.backends.local import LocalBackend

    backend = LocalBackend(folder)
    workbook = Workbook(backend, clock=lambda: now)
    workbook.init()
    with backend.raw_edit() as grid:
        for name, rows in data.items():
            grid.replace_rows(name, rows)
    return workbook, None


def google_workbook(
    data: dict[str, list[list]], folder: Path, now: datetime | None = NOW
) -> tuple[Workbook, object]:
    """A workbook in the in-process Google fake holding `data`, its clock stopped at `now` (None: the
    real clock); (workbook, fake)."""
    from sheets.backends.google.backend import GoogleBackend
    from sheets.backends.google.connect import load_credentials, open_spreadsheet
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id="bench", title="Bench", sheets=data)
    fake.key_file = folder / "key.json"  # where the opener of another spreadsheet finds it, as in the tests
    make_service_account_file(fake.key_file)
    spreadsheet = open_spreadsheet(load_credentials(fake.key_file), "bench", adapter=fake.transport())
    workbook = Workbook(GoogleBackend(spreadsheet), clock=(lambda: now) if now is not None else datetime.now)
    workbook.init()
    return workbook, fake


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


def pay_unpaid_orders(workbook: Workbook) -> None:
    """Every unpaid order paid, through one transaction (as the orders page would, in bulk)."""
    workbook.invalidate()
    unpaid = [row for row in workbook.table(ORDERS).records() if row.payment_status == "pending"]
    with workbook.transaction(ORDERS, user="bench", action="pay") as tx:
        for row in unpaid:
            tx.update(row, {"payment_status": "paid", "paid_at": NOW})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["local", "google"], choices=["local", "google"])
    args = parser.parse_args()
    print(
        f"{'backend':12} {'orders':>8} {'first':>7} {'window':>7} {'quiet':>7} {'paid':>7}  alerts  resolved  "
        "requests and MB back (first / placing / quiet / paid)"
    )
    for backend in args.backends:
        for size in args.sizes:
            folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
            workbook, fake = (local_workbook if backend == "local" else google_workbook)(grids(size), folder)
            reports, counts = run_cycles(workbook, fake)
            first, _placing, quiet, paid = reports
            name = "local" if fake is None else "google-fake"
            print(
                f"{name:12} {size:>8,} {first.seconds:>6.2f}s {first.checks_seconds:>6.2f}s "
                f"{quiet.seconds:>6.2f}s {paid.seconds:>6.2f}s  {first.opened:>6}  {paid.resolved:>8}  "
                + " / ".join(counts)
            )


def run_cycles(workbook: Workbook, fake) -> tuple[list, list[str]]:
    """One runner's cycles, a second apart (its lease claimed first on Google): the first (the
    forecast computed, the history read whole), one that places the open records (Google), a quiet
    one, and one after every unpaid order was paid."""
    state = CycleState()
    sent = measure_bytes(fake) if fake is not None else None
    if fake is not None:
        run_cycle(workbook, NOW - timedelta(minutes=1), state=state)  # claims the lease: no check runs
    reports, counts = [], []
    for cycle in range(4):
        if cycle == 3:
            pay_unpaid_orders(workbook)
        if fake is not None:
            fake.reset_counts()
            sent[0] = 0
        reports.append(run_cycle(workbook, NOW + timedelta(seconds=cycle), state=state))  # nothing comes due
        if fake is None:
            counts.append(f"{reports[-1].requests} record calls")
        else:
            made = fake.counts()
            counts.append(
                f"{made.get('values.batchGet', 0)} reads + {made.get('batchUpdate', 0)} writes, "
                f"{sent[0] / 1e6:.1f} MB"
            )
    return reports, counts


if __name__ == "__main__":
    main()
