"""Figures for the record layer: `python -m bench.record`.

For tabs of 1k, 10k and 100k orders on both backends (Google answered by the
in-process fake of tests/fake_sheets, so the figures are the app's own cost
plus gspread's, not Google's network), it prints:

- read: one fresh read of the tab into a typed DataFrame;
- append: one transaction inserting an order (with its Audit row);
- update: one transaction changing one order found by ID;
- requests per operation (Google), which must not grow with the row count;
- for Google, the part of each time spent inside the fake server (building and
  encoding its JSON answers), which Google's servers do instead: the rest is
  Flowsheet's and gspread's own cost;
- peak memory of the process that ran the case.

Each case runs in a fresh process so peak memory is that case's alone.
Targets: local read of 100k rows under 1 s; update by ID
under 20 ms at 100k rows; request counts independent of row count.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets.cells import to_cell  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.tabs import ORDERS  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402

REPEATS = 5


def order_rows(count: int) -> list[list]:
    """`count` realistic raw Orders rows in header order."""
    start = datetime(2026, 1, 1)
    statuses = ORDERS.column("status").choices
    rows = []
    for number in range(count):
        values = {
            "order_id": new_id("ORD"),
            "channel": "shopify",
            "external_ref": f"#{1000 + number}",
            "customer_name": f"Customer {number}",
            "customer_email": f"customer{number}@example.com",
            "ship_address": f"{number} Example Road, Springfield",
            "created_at": start + timedelta(minutes=number),
            "status": statuses[number % len(statuses)],
            "payment_status": "paid",
            "total": round(10 + number % 500 * 1.25, 2),
            "location_id": "LOC-MAIN",
            "updated_at": start + timedelta(minutes=number),
            "updated_by": "bench",
        }
        rows.append([to_cell(column.kind, values.get(column.name)) for column in ORDERS.columns])
    return rows


def local_workbook(rows: list[list], folder: Path) -> tuple[Workbook, object]:
    from sheets.backends.local import LocalBackend

    backend = LocalBackend(folder)
    workbook = Workbook(backend)
    workbook.init()
    with backend.raw_edit() as grid:
        grid.replace_rows(ORDERS.name, [ORDERS.column_names, *rows])
    return workbook, None


def google_workbook(rows: list[list], folder: Path) -> tuple[Workbook, object]:
    from sheets.backends.google.backend import GoogleBackend
    from sheets.backends.google.connect import load_credentials, open_spreadsheet
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    grid = [ORDERS.column_names, *rows]
    fake.create_spreadsheet(spreadsheet_id="bench", title="Bench", sheets={ORDERS.name: grid})
    key_file = folder / "key.json"
    make_service_account_file(key_file)
    spreadsheet = open_spreadsheet(load_credentials(key_file), "bench", adapter=fake.transport())
    workbook = Workbook(GoogleBackend(spreadsheet))
    workbook.init()
    _time_server(fake)
    return workbook, fake


def _time_server(fake) -> None:
    """Accumulate the seconds the fake spends answering, in `fake.server_seconds`."""
    answer = fake.handle
    fake.server_seconds = 0.0

    def timed_answer(request):
        started = time.perf_counter()
        try:
            return answer(request)
        finally:
            fake.server_seconds += time.perf_counter() - started

    fake.handle = timed_answer


def timed(action, fake=None, repeats: int = REPEATS) -> tuple[float, float]:
    """Median seconds of `repeats` runs, and the median part of it spent in the fake server."""
    samples, in_server = [], []
    for _ in range(repeats):
        if fake is not None:
            fake.server_seconds = 0.0
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
        in_server.append(fake.server_seconds if fake is not None else 0.0)
    return statistics.median(samples), statistics.median(in_server)


def run_case(backend: str, size: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    workbook, fake = (local_workbook if backend == "local" else google_workbook)(order_rows(size), folder)
    requests, server = {}, {}

    def count(name: str, action) -> float:
        if fake is not None:
            fake.reset_counts()
        seconds, in_server = timed(action, fake)
        if fake is not None:
            requests[name] = sum(fake.counts().values()) / REPEATS
            server[name] = in_server
        return seconds

    def read():
        workbook.invalidate()
        table = workbook.table(ORDERS)
        assert len(table.df) == size

    target = workbook.table(ORDERS).records().__next__()

    def append():
        with workbook.transaction(user="bench", action="append") as tx:
            tx.insert(ORDERS, {"customer_name": "New customer", "total": 12.5})

    def update():
        with workbook.transaction(ORDERS, user="bench", action="update") as tx:
            current = tx.require(ORDERS, target.id)
            tx.update(current, {"total": (current.total or 0) + 1})

    figures = {
        "read": count("read", read),
        "append": count("append", append),
        "update": count("update", update),
    }
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "backend": backend,
        "rows": size,
        **figures,
        "requests": requests,
        "server": server,
        "peak_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["local", "google"], choices=["local", "google"])
    parser.add_argument("--case", nargs=2, metavar=("BACKEND", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case[0], int(args.case[1]))))
        return
    print(
        f"{'backend':8} {'rows':>8} {'read':>18} {'append':>18} {'update':>18} {'peak MB':>8}  requests per op"
    )
    for backend in args.backends:
        for size in args.sizes:
            result = json.loads(
                subprocess.run(
                    [sys.executable, "-m", "bench.record", "--case", backend, str(size)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.splitlines()[-1]
            )
            requests = ", ".join(f"{name} {count:g}" for name, count in result["requests"].items()) or "-"
            cells = [op_cell(result, name) for name in ("read", "append", "update")]
            print(
                f"{backend:8} {size:>8,} {cells[0]:>18} {cells[1]:>18} {cells[2]:>18} {result['peak_mb']:>8.0f}  {requests}"
            )
    print("(in brackets: the part spent inside the fake Google server)")


def op_cell(result: dict, name: str) -> str:
    text = ms(result[name])
    if name in result["server"]:
        text += f" ({result['server'][name] * 1000:.0f})"
    return text


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


if __name__ == "__main__":
    main()
