"""What each main page costs cold on Google at scale: `python -m bench.pages [--orders 100000]`.

A workbook of `--orders` orders (two lines each, their stock moves, three Audit rows per
order, half as many tickets, a return per 50 orders, a survey per 10, some alerts),
spread over about three years and appended in time order, is held by the in-process
Google fake. The real app is served over it (NiceGUI, the pages and the API, without
the scheduled jobs) in a second process, and headless Chromium, logged in as a
manager, opens each main page with the app's read cache emptied first
(`Workbook.invalidate()`). For each page it prints:

- the seconds from asking for the page until its content (not only the frame) shows;
- the worst of another client's `GET /login` answers meanwhile (ten a second, one at a time);
- the requests the fake answered for the page, the bytes of their answers, and the
  seconds the fake spent building them (it copies its grid for every read, which
  Google's servers do not; those seconds are in the first two figures).

Target: content within 2 s, the other client under 0.2 s, at 100,000 orders. The fake
runs in the app's process and builds its answers there, holding the interpreter the
app's event loop needs too. "(n /login failed)": NiceGUI answered "not ready after 3
seconds" to the other client. Chromium and chromedriver come from Debian
(`apt-get install chromium chromium-driver`), as for the browser tests.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.jobs_cycle import raw  # noqa: E402
from sheets.ids import new_id  # noqa: E402
from sheets.tabs import (  # noqa: E402
    ALERTS,
    AUDIT,
    LOCATIONS,
    ORDER_LINES,
    ORDERS,
    PRODUCTS,
    RETURNS,
    STOCK,
    STOCK_MOVES,
    SURVEYS,
    TICKETS,
)

SKUS, LOCATION, ALERT_COUNT = 500, "LOC-MAIN", 300
#: Minutes between two orders: 100,000 orders span about three years.
ORDER_MINUTES = 15
USER, PASSWORD = "bench-manager", "a bench password"
OPEN_STATES = ("new", "confirmed", "paid", "picking", "packed", "shipped")
#: The bench's own routes (only in its server): public, so the measuring process needs no login.
CONTROL = "/public/bench-control"
#: Between two of the other client's requests.
PACE_SECONDS = 0.1


def grids(orders: int, now: datetime) -> tuple[dict[str, list[list]], dict[str, str]]:
    """The workbook's tabs as raw rows (oldest first, as they were appended), and facts the pages look for."""
    skus = [f"SKU-{n:04d}" for n in range(SKUS)]
    order_rows, lines, audit, moves, tickets, returns, surveys = [], [], [], [], [], [], []
    for n in range(orders):
        order_id = new_id("ORD")
        at = now - timedelta(minutes=ORDER_MINUTES * (orders - n))
        recent = n >= orders - max(orders // 50, 20)  # the newest 2 % are still open
        status = OPEN_STATES[n % len(OPEN_STATES)] if recent else "delivered"
        paid = status not in ("new", "confirmed")
        shipped = status in ("shipped", "delivered")
        order_rows.append(
            {
                "order_id": order_id,
                "channel": "shopify",
                "external_ref": f"#{1000 + n}",
                "customer_name": f"Customer {n}",
                "customer_email": f"customer{n}@example.com",
                "ship_address": f"{n} Example Road, 10115 Springfield",
                "created_at": at,
                "status": status,
                "payment_status": "paid" if paid else "pending",
                "paid_at": at + timedelta(minutes=5) if paid else None,
                "shipped_at": at + timedelta(hours=20) if shipped else None,
                "delivered_at": at + timedelta(days=3) if status == "delivered" else None,
                "carrier": "DHL" if shipped else None,
                "tracking_no": f"T{n}" if shipped else None,
                "total": 25.0,
                "location_id": LOCATION,
                "updated_at": at,
            }
        )
        for k in range(2):
            lines.append(
                {
                    "line_id": new_id("OL"),
                    "order_id": order_id,
                    "sku": skus[(n + k) % SKUS],
                    "qty": 1,
                    "unit_price": 12.5,
                }
            )
        for k, (before, after) in enumerate(
            (("new", "confirmed"), ("confirmed", "paid"), ("packed", "shipped"))
        ):
            audit.append(
                {
                    "audit_id": new_id("AUD"),
                    "at": at + timedelta(minutes=k),
                    "user": "shop",
                    "action": "order step",
                    "tab": ORDERS.name,
                    "record_id": order_id,
                    "changes": f"status: {before} → {after}",
                }
            )
        if shipped:
            moves.append(
                {
                    "move_id": new_id("MOV"),
                    "at": at + timedelta(hours=20),
                    "sku": skus[n % SKUS],
                    "from_location": LOCATION,
                    "qty": 1,
                    "reason": "shipment",
                    "ref": order_id,
                }
            )
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
                    "first_response_at": None if opened else at + timedelta(hours=2),
                    "resolved_at": None if opened else at + timedelta(hours=20),
                    "updated_at": at,
                }
            )
        if n % 50 == 25:
            requested = at + timedelta(days=5)
            waiting = recent
            returns.append(
                {
                    "return_id": new_id("RET"),
                    "order_id": order_id,
                    "sku": skus[n % SKUS],
                    "qty": 1,
                    "reason": "too small",
                    "requested_at": requested,
                    "status": "requested" if waiting else "closed",
                    "refund_status": "none" if waiting else "paid",
                    "refund_amount": None if waiting else 12.5,
                    "refunded_at": None if waiting else requested + timedelta(days=4),
                    "updated_at": requested,
                }
            )
        if status == "delivered" and n % 10 == 0:
            surveys.append(
                {
                    "survey_id": new_id("SRV"),
                    "ref": order_id,
                    "token": new_id("TOK"),
                    "sent_at": at + timedelta(days=3),
                    "answered_at": at + timedelta(days=4) if n % 20 == 0 else None,
                    "score": 4 if n % 20 == 0 else None,
                }
            )
    alerts = [
        {
            "alert_id": new_id("ALR"),
            "key": f"bench:{n}",
            "kind": "unpaid_order",
            "severity": "warning",
            "ref": order_rows[-1 - n]["order_id"],
            "message": f"Bench alert {n}",
            "owner_role": "manager",
            "status": "open",
            "first_seen": now - timedelta(hours=n),
            "last_seen": now,
        }
        for n in range(min(ALERT_COUNT, orders))
    ]
    stock = [
        {
            "sku": sku,
            "location_id": LOCATION,
            "on_hand": 10_000,
            "reserved": 0,
            "min_qty": 5,
            "max_qty": 20_000,
        }
        for sku in skus
    ]
    data = {
        PRODUCTS.name: raw(PRODUCTS, [{"sku": sku, "name": f"Product {sku}", "price": 12.5} for sku in skus]),
        LOCATIONS.name: raw(LOCATIONS, [{"location_id": LOCATION, "name": "Main warehouse"}]),
        STOCK.name: raw(STOCK, stock),
        STOCK_MOVES.name: raw(STOCK_MOVES, moves),
        ORDERS.name: raw(ORDERS, order_rows),
        ORDER_LINES.name: raw(ORDER_LINES, lines),
        TICKETS.name: raw(TICKETS, tickets),
        RETURNS.name: raw(RETURNS, returns),
        SURVEYS.name: raw(SURVEYS, surveys),
        ALERTS.name: raw(ALERTS, alerts),
        AUDIT.name: raw(AUDIT, audit),
    }
    middle = order_rows[len(order_rows) // 2]
    return data, {"order_id": middle["order_id"], "customer_name": middle["customer_name"]}


# The server: the app over the fake, in a process of its own ---------------------------------


def google_workbook(data: dict[str, list[list]], folder: Path):
    """The workbook on the fake, opened through gspread, on the real clock (init's Audit rows come last)."""
    from bench.jobs_cycle import google_workbook as opened

    return opened(data, folder, now=None)


def serve(orders: int, port: int, folder: Path) -> None:
    """Build the workbook in the fake, then serve the app over it (blocks until the process is stopped)."""
    from nicegui import app, ui

    import api
    from bench.actions import measure_bytes
    from pages import register_pages
    from processes import archive, runtime
    from processes.accounts import Accounts
    from processes.accounts.store import AccountStore

    data, facts = grids(orders, datetime.now().replace(microsecond=0))
    workbook, fake = google_workbook(data, folder)
    del data
    accounts = Accounts(AccountStore(folder))
    accounts.add_user(USER, "manager", PASSWORD)
    runtime.use(workbook, accounts, data_dir=folder)
    archive.use(archive.local_archives(folder))
    register_pages()
    api.register()
    sent = measure_bytes(fake)

    @app.post(f"{CONTROL}/cold")
    def cold() -> dict:
        """The read cache emptied and the fake's tally started afresh: the next page is read cold."""
        workbook.invalidate()
        fake.reset_counts()
        sent[0], sent[1] = 0, 0.0
        return {}

    @app.get(f"{CONTROL}/tally")
    def tally() -> dict:
        return {"requests": sum(fake.counts().values()), "bytes": sent[0], "fake_seconds": sent[1]}

    @app.get(f"{CONTROL}/facts")
    def known() -> dict:
        return facts

    ui.run(
        title="Flowsheet bench",
        host="127.0.0.1",
        port=port,
        storage_secret="bench only",
        reload=False,
        show=False,
        show_welcome_message=False,
    )


# The browser and the other client -------------------------------------------------------------


def record_id(prefix: str) -> str:
    """A table cell or link holding a record ID: a list's rows are there."""
    return f"//*[self::td or self::a][starts-with(normalize-space(.), '{prefix}-')]"


def text(words: str) -> str:
    return f"//*[not(self::script)][contains(normalize-space(text()), '{words}')]"


def pages(facts: dict[str, str]) -> list[tuple[str, str]]:
    """Each main page and what shows once its content is there."""
    return [
        ("/", text("Waiting on you")),
        ("/orders", record_id("ORD")),
        (f"/orders/{facts['order_id']}", text(facts["customer_name"])),
        ("/tabs/orders", record_id("ORD")),
        ("/review", text("Cycle times per procedure")),
        ("/inventory", record_id("SKU")),
        ("/tickets", record_id("TCK")),
        ("/returns", record_id("RET")),
        ("/alerts", text("Bench alert")),
        ("/issues", "//*[contains(text(), 'data issue') or contains(text(), 'can be read')]"),
    ]


class OtherClient:
    """Another client asking for /login, one request after another, until stopped; its worst answer time."""

    def __init__(self, url: str) -> None:
        import httpx

        self.client = httpx.Client(base_url=url, timeout=60)
        self.worst = 0.0
        self.count = 0
        self.failed = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            started = time.perf_counter()
            if self.client.get("/login").is_error:
                self.failed += 1  # NiceGUI's "not ready after 3 seconds": the event loop was held
            self.worst = max(self.worst, time.perf_counter() - started)
            self.count += 1
            self.stopping.wait(PACE_SECONDS)  # a person's pace, not a flood that loads the server itself

    def __enter__(self) -> OtherClient:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join()
        self.client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server: subprocess.Popen, url: str, log: Path, seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the app exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling while the workbook is built, not a measured wait
    sys.exit(f"the app did not answer within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

    if CHROMIUM is None or CHROMEDRIVER is None:
        sys.exit("the bench needs Debian's Chromium: sudo apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def measure(url: str, only: list[str], wait_seconds: float, out) -> None:
    import httpx
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen

    from tests.browser.driving import Browser

    facts = httpx.get(f"{url}{CONTROL}/facts").json()
    driver = browser()
    try:
        page = Browser(driver, url, wait_seconds)
        line = (
            f"{'page':32} {'content':>8} {'other /login worst':>19} {'(asked)':>8} {'requests':>9} "
            f"{'KB back':>10} {'in fake':>8}"
        )
        print(line)
        print(line, file=out, flush=True)
        # Alone, before anyone is logged in.
        with OtherClient(url) as alone:
            while alone.count < 20:
                alone.stopping.wait(0.05)  # only polls the count; nothing is measured by it
        line = f"{'(no page open)':32} {'':>8} {alone.worst:>18.3f}s {alone.count:>8}"
        print(line)
        print(line, file=out, flush=True)
        # Logged in on a page that reads little: the home page's reads would run into the first figures.
        page.open("/login?next=%2Finventory")
        page.type("User name", USER)
        page.type("Password", PASSWORD)
        page.click("Log in")
        page.should_see(f"{USER} (")
        for path, shown in pages(facts):
            if only and not any(path.startswith(prefix) for prefix in only):
                continue
            driver.get("about:blank")  # the last page left, its reads ended (its content showed)
            httpx.post(f"{url}{CONTROL}/cold").raise_for_status()
            with OtherClient(url) as other:
                started = time.perf_counter()
                driver.get(url + path)
                try:
                    page._wait().until(seen.visibility_of_element_located((By.XPATH, shown)))
                    seconds = f"{time.perf_counter() - started:7.2f}s"
                except TimeoutException:
                    seconds = f">{wait_seconds:.0f}s"
            tally = httpx.get(f"{url}{CONTROL}/tally").json()
            line = (
                f"{path:32} {seconds:>8} {other.worst:>18.3f}s {other.count:>8} {tally['requests']:>9} "
                f"{tally['bytes'] / 1024:>10,.0f} {tally['fake_seconds']:>7.2f}s"
                + (f"  ({other.failed} /login failed)" if other.failed else "")
            )
            print(line)
            print(line, file=out, flush=True)
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--pages", nargs="*", default=[], help="only the pages whose path begins so")
    parser.add_argument(
        "--wait", type=float, default=60, help="seconds a page may take before it is given up"
    )
    parser.add_argument("--out", type=Path, help="also append the figures to this file")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.orders, args.port, args.folder)
        return
    folder = Path(tempfile.mkdtemp(prefix="flowsheet-bench-pages-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "app.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLOWSHEET_", "PYTEST_"))}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.pages", "--serve", "--orders", str(args.orders)]
            + ["--port", str(port), "--folder", str(folder)],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    out = args.out.open("a") if args.out else open(os.devnull, "w")  # noqa: SIM115 - closed below
    try:
        started = time.perf_counter()
        wait_until_serving(server, url, log, seconds=1800)
        header = (
            f"{args.orders:,} orders on the Google fake (served after {time.perf_counter() - started:.0f} s)"
        )
        print(header)
        print(f"\n{datetime.now():%Y-%m-%d %H:%M} {header}", file=out, flush=True)
        measure(url, args.pages, args.wait, out)
    finally:
        out.close()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
