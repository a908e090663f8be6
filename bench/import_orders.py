"""Figures for the orders import: `python -m bench.import_orders [LINES]`.

Builds a Shopify orders export of LINES line items (default 10,000; one to
four lines per order) and imports it into an empty workbook on both backends
(Google answered by the in-process fake of tests/fake_sheets, so the figure
is Flowsheet's and gspread's own cost, not Google's network). Prints the
time of the import, the requests it cost on Google (one read, one write
whatever the size), and a second import of the same file, which adds nothing.
Target: 10,000 lines well under a minute on the Google backend.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from processes.permissions import Actor  # noqa: E402
from sheets.tabs import PRODUCTS  # noqa: E402
from sheets.workbook import Workbook  # noqa: E402
from tests.shopify_export import export  # noqa: E402

SKUS = tuple(f"SKU-{number:03d}" for number in range(40))
ACTOR = Actor("bench", "staff")


def shopify_export(lines: int, *, seed: int = 7, first_number: int = 1001) -> bytes:
    """A Shopify orders export with `lines` line items; order fields on each order's first line only."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    number = first_number
    while len(rows) < lines:
        count = min(rng.randint(1, 4), lines - len(rows))
        status = rng.choice(("paid", "paid", "pending"))
        created = f"2026-03-{1 + number % 28:02d} 10:{number % 60:02d}:00 +0000"
        for index in range(count):
            line: dict[str, object] = {
                "Name": f"#{number}",
                "Created at": created,
                "Lineitem quantity": rng.randint(1, 3),
                "Lineitem name": f"Product {index}",
                "Lineitem price": f"{rng.randint(5, 90)}.50",
                "Lineitem sku": rng.choice(SKUS),
            }
            if index == 0:
                line |= {
                    "Email": f"customer{number}@example.com",
                    "Financial Status": status,
                    "Paid at": created if status == "paid" else "",
                    "Billing Name": f"Customer {number}",
                    "Shipping Name": f"Customer {number}",
                    "Shipping Address1": f"{number % 200} Example Road",
                    "Shipping City": "Springfield",
                    "Shipping Zip": f"{10000 + number % 9000}",
                    "Shipping Country": "DE",
                }
            rows.append(line)
        number += 1
    return export(rows)


def seed_products(workbook: Workbook) -> None:
    with workbook.transaction(PRODUCTS, user="bench", action="bench products") as tx:
        for sku in SKUS:
            tx.insert(PRODUCTS, {"sku": sku, "name": f"Product {sku}", "price": 10})


def local_workbook(folder: Path) -> tuple[Workbook, object]:
    from sheets.backends.local import LocalBackend

    workbook = Workbook(LocalBackend(folder))
    workbook.init()
    return workbook, None


def google_workbook(folder: Path) -> tuple[Workbook, object]:
    from sheets.backends.google.backend import GoogleBackend
    from sheets.backends.google.connect import load_credentials, open_spreadsheet
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id="bench", title="Bench", sheets=["Sheet1"])
    key_file = folder / "key.json"
    make_service_account_file(key_file)
    spreadsheet = open_spreadsheet(load_credentials(key_file), "bench", adapter=fake.transport())
    workbook = Workbook(GoogleBackend(spreadsheet))
    workbook.init()
    return workbook, fake


def run(backend: str, lines: int) -> None:
    from processes.orders.importing import import_orders

    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-"))
    workbook, fake = (local_workbook if backend == "local" else google_workbook)(folder)
    seed_products(workbook)
    data = shopify_export(lines)
    for attempt in ("first import", "same file again"):
        if fake is not None:
            fake.reset_counts()
        started = time.perf_counter()
        report = import_orders(workbook, data, by=ACTOR)
        seconds = time.perf_counter() - started
        requests = ""
        if fake is not None:
            counts = fake.counts()
            requests = f"  requests: {', '.join(f'{kind} {n}' for kind, n in sorted(counts.items()))}"
        print(
            f"{backend:7} {lines:>7,} lines  {attempt:16} {seconds:7.2f} s  "
            f"{len(report.created):>5,} orders added, {report.unchanged:>5,} already there{requests}"
        )
    workbook.backend.close()


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for backend in ("local", "google"):
        run(backend, lines)


if __name__ == "__main__":
    main()
