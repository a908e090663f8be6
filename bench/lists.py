"""What the list pages cost on Google at scale: `python -m bench.lists [ORDERS]`.

Over ORDERS orders (default 100,000) in the in-process Google fake, each from a cold
cache: the tab grid's first page (/tabs/orders), the orders list's first page
(/orders, open orders), a status filter holding few orders and one holding nearly all,
a search in each list, and the ticket and returns lists (a ticket per two orders, a
return per 50, the newest 2 % of them open) in their default views. For each it prints the requests, the bytes the fake sent
back, the seconds, and the longest another thread waited for the interpreter
meanwhile (what another client's page waits while the answer is parsed), both less the
time the in-process fake spent building its answers (Google's servers do that work).

Target: every default view and status filter within 2 s, another client under 0.2 s.
A search reads the tab whole (then it is cached): the page says so while it reads.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from datetime import timedelta  # noqa: E402

from bench.actions import NOW, grids, measure_bytes  # noqa: E402
from bench.jobs_cycle import google_workbook, raw  # noqa: E402
from processes.aftersales import ReturnQuery, return_list  # noqa: E402
from processes.browse import PageRequest, page_of  # noqa: E402
from processes.orders import OrderQuery, order_page  # noqa: E402
from processes.permissions import Actor  # noqa: E402
from processes.service import TicketQuery, ticket_page  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.tabs import AUDIT, ORDER_LINES, ORDERS, RETURNS, STOCK_MOVES, TICKETS  # noqa: E402

READER = Actor("bench", "staff")

STEPS = [
    ("grid: first page", lambda wb: page_of(wb, "Orders", PageRequest(), by=READER)),
    ("grid: page 3", lambda wb: page_of(wb, "Orders", PageRequest(page=3), by=READER)),
    ("grid: search", lambda wb: page_of(wb, "Orders", PageRequest(search="customer 123"), by=READER)),
    ("/orders: first page (open)", lambda wb: order_page(wb, OrderQuery())),
    ("/orders: all, page 2", lambda wb: order_page(wb, OrderQuery(view="all", page=2))),
    ("/orders: status new", lambda wb: order_page(wb, OrderQuery(view="new"))),
    ("/orders: status delivered", lambda wb: order_page(wb, OrderQuery(view="delivered"))),
    ("/orders: all, search", lambda wb: order_page(wb, OrderQuery(view="all", search="customer 123"))),
    ("/tickets: first page (active)", lambda wb: ticket_page(wb, TicketQuery())),
    ("/tickets: all", lambda wb: ticket_page(wb, TicketQuery(status="all"))),
    ("/returns: first page (open)", lambda wb: return_list(wb, ReturnQuery())),
    ("/returns: closed", lambda wb: return_list(wb, ReturnQuery(view="closed"))),
    ("/returns: all", lambda wb: return_list(wb, ReturnQuery(view="all"))),
]


def service_grids(order_ids: list[str]) -> dict[str, list[list]]:
    """Tickets (one per two orders) and returns (one per 50) of these orders, the newest 2 % open."""
    tickets, returns = [], []
    count = len(order_ids)
    for n, order_id in enumerate(order_ids):
        at = NOW - timedelta(minutes=count - n)
        recent = n >= count - max(count // 50, 20)
        if n % 2 == 0:
            opened = recent and n % 10 == 0
            tickets.append(
                {
                    "ticket_id": new_id("TCK"),
                    "order_id": order_id,
                    "customer_name": f"Customer {n}",
                    "subject": "Where is my parcel?",
                    "priority": "normal",
                    "status": "open" if opened else "closed",
                    "opened_at": at,
                    "due_at": at + timedelta(hours=48),
                    "updated_at": at,
                }
            )
        if n % 50 == 25:
            returns.append(
                {
                    "return_id": new_id("RET"),
                    "order_id": order_id,
                    "sku": "SKU-0001",
                    "qty": 1,
                    "reason": "too small",
                    "requested_at": at + timedelta(days=5),
                    "status": "requested" if recent else "closed",
                    "refund_status": "none" if recent else "paid",
                    "updated_at": at,
                }
            )
    return {TICKETS.name: raw(TICKETS, tickets), RETURNS.name: raw(RETURNS, returns)}


class Stalls:
    """A thread that wakes every 5 ms and keeps how long it waited past that (the GIL held elsewhere).

    `longest()` leaves out the time the in-process fake spent building its answers (`answering`
    holds those spans): on Google that work runs on Google's servers, not in the app.
    """

    def __init__(self, answering: list[tuple[float, float]]) -> None:
        self.answering = answering
        self.waits: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            time.sleep(0.005)
            self.waits.append((started + 0.005, time.perf_counter()))

    def longest(self) -> float:
        def outside(start: float, end: float) -> float:
            inside = sum(max(0.0, min(end, b) - max(start, a)) for a, b in self.answering)
            return max(0.0, end - start - inside)

        return max((outside(start, end) for start, end in self.waits), default=0.0)

    def __enter__(self) -> Stalls:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data, _fresh = grids(orders)
    for tab in (ORDER_LINES, AUDIT, STOCK_MOVES):  # the lists read none of them
        data.pop(tab.name)
    key = data[ORDERS.name][0].index(ORDERS.key[0])
    data.update(service_grids([row[key] for row in data[ORDERS.name][1:]]))
    workbook, fake = google_workbook(data, Path(tempfile.mkdtemp(prefix="flowsheet-bench-")))
    del data
    gc.collect()
    gc.freeze()  # the fake's grids live in this process (on Google, not in the app): no collection walks them
    sent = measure_bytes(fake)
    answering: list[tuple[float, float]] = []
    handle = fake.handle

    def timed(request):
        started = time.perf_counter()
        try:
            return handle(request)
        finally:
            answering.append((started, time.perf_counter()))

    fake.handle = timed
    print(f"list pages over {orders:,} orders (Google fake, cold cache each)")
    print(
        f"  {'view':30} {'requests':>8} {'KB back':>9} {'seconds':>8} {'app':>6} {'stall':>6}  shown / matching"
    )
    for label, step in STEPS:
        workbook.invalidate()
        fake.reset_counts()
        sent[0], sent[1] = 0, 0.0
        answering.clear()
        with Stalls(answering) as stalls:
            started = time.perf_counter()
            page = step(workbook)
            seconds = time.perf_counter() - started
        requests = sum(fake.counts().values())
        print(
            f"  {label:30} {requests:>8} {sent[0] / 1024:>9,.1f} {seconds:>8.3f} {seconds - sent[1]:>6.3f}"
            f" {stalls.longest():>6.3f}"
            f"  {len(page.rows)} / {page.total:,}"
        )
    print("(app: the seconds less those the fake spent answering, which Google's servers do;")
    print(" stall: the longest another thread waited for the interpreter, outside the fake's answering)")


if __name__ == "__main__":
    main()
