"""Figures for `python app.py copy --to google`: `python -m bench.copy [ROWS ...]`.

Fills a local workbook with ROWS order rows (default 10,000 and 100,000; every
column filled as the app would) and copies it to Google Sheets answered by the
in-process fake of tests/fake_sheets, so the figure is Flowsheet's and
gspread's own cost, not Google's network (on Google add about a second per
request, and at most 60 write requests a minute). Prints rows per second and
the requests by kind, then the same copy again, which must write nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets.backends.local import LocalBackend  # noqa: E402
from sheets.copy import copy_workbook  # noqa: E402
from sheets.tabs import ORDERS  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402


def order_row(n: int) -> list:
    values = {
        "order_id": f"ORD-{n:010d}",
        "channel": "shopify",
        "external_ref": f"#{1000 + n}",
        "customer_name": f"Customer {n}",
        "customer_email": f"customer{n}@example.com",
        "ship_address": f"{n % 200} Example Road, 10{n % 1000:03d} Springfield",
        "created_at": f"2026-03-{1 + n % 28:02d} 10:{n % 60:02d}:00",
        "status": "shipped",
        "payment_status": "paid",
        "paid_at": f"2026-03-{1 + n % 28:02d} 11:00:00",
        "total": round(10 + n % 90 + 0.5, 2),
        "location_id": "LOC-MAIN",
        "carrier": "DHL",
        "tracking_no": f"JD{n:012d}",
        "shipped_at": f"2026-03-{1 + n % 28:02d} 15:00:00",
        "delivered_at": "",
        "updated_at": f"2026-03-{1 + n % 28:02d} 15:00:00",
    }
    return [values.get(name, "") for name in ORDERS.column_names]


def local_source(folder: Path, rows: int) -> LocalBackend:
    backend = LocalBackend(folder / "local")
    Workbook(backend).init()
    with backend.raw_edit() as grid:
        grid.put_rows(ORDERS.name, 1, [order_row(n) for n in range(rows)])
    return backend


def google_target(folder: Path):
    from sheets.backends.google.backend import GoogleBackend
    from sheets.backends.google.connect import load_credentials, open_spreadsheet
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id="bench", title="Bench", sheets=["Sheet1"])
    key_file = folder / "key.json"
    make_service_account_file(key_file)
    spreadsheet = open_spreadsheet(load_credentials(key_file), "bench", adapter=fake.transport())
    return GoogleBackend(spreadsheet), fake


def run(rows: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    source = local_source(folder, rows)
    target, fake = google_target(folder)
    for attempt in ("copy", "again"):
        fake.reset_counts()
        started = time.perf_counter()
        report = copy_workbook(source, target)
        seconds = time.perf_counter() - started
        counts = fake.counts()
        requests = ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()) if kind != "token")
        print(
            f"{rows:>8,} order rows  {attempt:6} {seconds:7.2f} s  {report.rows_written / seconds:>9,.0f} rows/s  "
            f"{report.rows_written:>8,} rows written  requests: {sum(counts.values())} ({requests})"
        )
        assert report.complete


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]:
        run(size)
