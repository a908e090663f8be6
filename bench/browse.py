"""Figures for the tab view: `python -m bench.browse [ROWS]`.

Opening a tab of ROWS orders (default 100,000) on the local workbook: the
first page (a fresh read), the same page again (cached), a first search (it
builds the search index), a second search, a sort, and a far page. These are
what a person waits for in the read-only tab view.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.record import local_workbook, order_rows  # noqa: E402
from processes.browse import PageRequest, page_of  # noqa: E402
from processes.permissions import Actor  # noqa: E402

STEPS = [
    ("first page, fresh read", PageRequest()),
    ("first page again, cached", PageRequest()),
    ("first search (builds the index)", PageRequest(search="customer 123")),
    ("another search", PageRequest(search="springfield")),
    ("sort by total, descending", PageRequest(sort_by="total", descending=True)),
    ("page 1,500", PageRequest(page=1500)),
]

READER = Actor("bench", "staff")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workbook, _ = local_workbook(order_rows(rows), Path(tempfile.mkdtemp(prefix="flowsheet-bench-")))
    print(f"tab view over {rows:,} orders (local workbook)")
    for label, request in STEPS:
        started = time.perf_counter()
        page = page_of(workbook, "Orders", request, by=READER)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"  {label:34} {elapsed:8.1f} ms  ({page.total:,} matching, {len(page.rows)} shown)")


if __name__ == "__main__":
    main()
