"""What an order's page costs on Google at scale: `python -m bench.order_page [ORDERS]`.

Over ORDERS orders (default 100,000) in the in-process Google fake, with their lines,
stock moves and Audit, each from a cold cache: `order_view` of an old order and of a
new one. For each it prints the requests, the bytes the fake sent back and the seconds
(those less the time the fake spent building its answers: Google's servers do that).

Target: within 2 s, no big tab read whole.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.actions import grids, measure_bytes  # noqa: E402
from bench.jobs_cycle import google_workbook  # noqa: E402
from processes.orders import order_view  # noqa: E402
from sheets.tabs import ORDERS  # noqa: E402


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data, fresh = grids(orders)
    head = len(data[ORDERS.name]) - orders
    old = str(data[ORDERS.name][head + orders // 10][0])
    new = next(iter(fresh))
    workbook, fake = google_workbook(data, Path(tempfile.mkdtemp(prefix="flowsheet-bench-")))
    del data
    gc.collect()
    gc.freeze()
    sent = measure_bytes(fake)
    print(f"an order's page over {orders:,} orders (Google fake, cold cache each)")
    print(f"  {'order':24} {'requests':>8} {'KB back':>9} {'seconds':>8} {'app':>6}  lines / timeline")
    for label, order_id in (("old: " + old, old), ("new: " + new, new)):
        workbook.invalidate()
        fake.reset_counts()
        sent[0], sent[1] = 0, 0.0
        started = time.perf_counter()
        view = order_view(workbook, order_id)
        seconds = time.perf_counter() - started
        requests = sum(fake.counts().values())
        shown = f"{len(view.lines)} / {len(view.timeline)}" if view else "none"
        print(
            f"  {label:24} {requests:>8} {sent[0] / 1024:>9,.1f} {seconds:>8.3f} {seconds - sent[1]:>6.3f}  {shown}"
        )


if __name__ == "__main__":
    main()
