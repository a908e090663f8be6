"""A jobs cycle on a big shop on Google reads what it judges, not every tab whole (jobs/snapshot.py).

The checks judge records still on their way, so of a big tab a quiet cycle reads the
open records and the newest rows; the Stock Moves ledger from where the last cycle
left it; and nothing of a big tab no check reads. What the checks find must not
change for it: the same alerts, word for word, as from a read of every row.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from jobs import snapshot as snapshot_module
from jobs.checks import run_checks
from jobs.checks.data import about_a_tab_of
from jobs.cycle import CycleState, run_cycle
from jobs.effects import OpenAlert
from jobs.outbox import SmtpSettings
from jobs.runner import run_once
from jobs.snapshot import History, take_snapshot
from processes import runtime, tasks
from processes.declarations import LEDGER_MISMATCH, UNREADABLE_ROWS
from processes.demo import seed_demo
from processes.permissions import Actor
from processes.stock import ledger_balances
from sheets import kept_ledger, placements
from sheets.backends.google import placed as placed_reading
from sheets.tabs import ALERTS, STOCK_MOVES
from tests.conftest import google_workbook
from tests.google.test_columns_moved import by_header

NOW = datetime(2026, 3, 2, 9, 0)
BIG_TABS = ("Orders", "Order Lines", "Stock Moves", "Tickets", "Messages", "Returns", "Outbox", "Surveys")


@pytest.fixture
def shop(google, monkeypatch):
    """The demo shop, its growing tabs big from the first row, and a forecast just computed."""
    seed_demo(google.workbook, now=NOW)
    google.workbook.backend.sparse_from = 0
    monkeypatch.setattr(snapshot_module, "RECENT_ROWS", 20)
    google.workbook.invalidate()
    return google


def every_row_read(google):
    """Another process on the same spreadsheet, reading every tab whole however big."""
    workbook = google_workbook(google.fake)
    workbook.backend.sparse_from = 10**9
    return workbook


def ranges_read(google) -> list[str]:
    return [
        part.split("&")[0]
        for logged in google.fake.logged("values.batchGet")
        for part in logged.url.split("ranges=")[1:]
    ]


def whole_reads(google) -> list[str]:
    quoted = {"%27" + name.replace(" ", "+") + "%27" for name in BIG_TABS}
    return [part for part in ranges_read(google) if part in quoted]


def found(effects, read_in_part=frozenset()) -> set[tuple[str, str, str]]:
    return {
        (item.key, item.severity, item.message)
        for item in effects
        if isinstance(item, OpenAlert) and not about_a_tab_of(item.key, read_in_part)
    }


def running(google) -> CycleState:
    """A runner that has claimed the lease and run its first cycle, the forecast's (history read whole)."""
    state = CycleState()
    run_cycle(google.workbook, NOW - timedelta(minutes=1), state=state)  # claims the lease
    run_cycle(google.workbook, NOW, state=state)
    return state


def open_alerts(workbook) -> dict[str, str]:
    workbook.invalidate()
    return {row.key: row.message for row in workbook.table(ALERTS).records() if row.status != "resolved"}


def test_the_checks_find_from_the_open_records_what_they_find_from_every_row(shop):
    run_cycle(shop.workbook, NOW)  # the forecast is computed: the next cycles are quiet ones
    later = NOW + timedelta(hours=3)

    partial = take_snapshot(shop.workbook, later, History())
    whole = take_snapshot(every_row_read(shop), later)

    assert {"Orders", "Tickets", "Returns", "Order Lines"} <= partial.partial and not whole.partial
    assert len(partial.df(STOCK_MOVES)) == len(whole.df(STOCK_MOVES))  # the ledger is read whole
    expected = found(run_checks(whole), partial.partial)
    assert len(expected) > 5  # the demo keeps several kinds of alert open
    assert found(run_checks(partial), partial.partial) == expected


def test_a_quiet_cycle_reads_no_big_tab_whole_and_the_same_few_requests_each_time(shop):
    state = running(shop)
    reads = []
    for minutes in (5, 10, 15):
        shop.fake.reset_counts()
        run_cycle(shop.workbook, NOW + timedelta(minutes=minutes), state=state)
        assert not whole_reads(shop)
        reads.append(shop.fake.count("values.batchGet"))
    # The small tabs whole; the ledger's new rows; the open records' rows where they stood, and the
    # rows added since. The first after the forecast's cycle (which read Orders whole) finds where the
    # open orders stand from the key and status columns: two requests more.
    assert reads == [5, 3, 3]
    moves = [part for part in ranges_read(shop) if part.startswith("%27Stock+Moves%27%21")]
    assert moves and all("%3A" in part for part in moves)  # its header and from its last row on


def test_a_move_typed_at_the_ledger_s_end_or_a_ledger_sorted_is_seen_by_the_next_quiet_cycle(shop):
    state = running(shop)
    stock = by_header(shop, "Stock")[0]
    header = [str(cell) for cell in shop.person.values("Stock Moves")[0]]
    typed = {"move_id": "MOV-TYPED1", "at": 46082.5, "sku": stock["sku"], "to_location": stock["location_id"]}
    shop.person.append_row(
        "Stock Moves", [{**typed, "qty": 7, "reason": "adjustment"}.get(n, "") for n in header]
    )

    run_cycle(shop.workbook, NOW + timedelta(minutes=5), state=state)
    key = f"{LEDGER_MISMATCH.kind}:{stock['sku']}@{stock['location_id']}"
    on_hand = int(stock["on_hand"])
    assert f"on_hand is {on_hand} but the Stock Moves ledger adds up to {on_hand + 7}" in open_alerts(
        shop.workbook
    ).get(key, "")

    shop.person.sort("Stock Moves", "qty", descending=True)
    second = {**typed, "move_id": "MOV-TYPED2", "qty": 2, "reason": "adjustment"}
    shop.person.append_row("Stock Moves", [second.get(n, "") for n in header])
    run_cycle(shop.workbook, NOW + timedelta(minutes=10), state=state)

    balances = ledger_balances(every_row_read(shop).table(STOCK_MOVES).df)
    assert balances[(stock["sku"], stock["location_id"])] == on_hand + 9
    assert f"adds up to {on_hand + 9};" in open_alerts(shop.workbook)[key]


def test_an_unreadable_old_row_stays_named_until_a_cycle_reads_its_tab_whole_again(shop):
    old = next(n for n, row in enumerate(by_header(shop, "Orders")) if row["status"] == "delivered")
    column = 1 + [str(cell) for cell in shop.person.values("Orders")[0]].index("created_at")
    shop.person.set_cell("Orders", old + 2, column, "the day after the storm")
    state = running(shop)  # the forecast's cycle reads Orders whole
    key = f"{UNREADABLE_ROWS.kind}:Orders"
    assert key in open_alerts(shop.workbook)

    run_cycle(shop.workbook, NOW + timedelta(minutes=5), state=state)  # reads the open orders only
    assert key in open_alerts(shop.workbook)

    shop.person.set_cell("Orders", old + 2, column, 46000)
    run_cycle(shop.workbook, NOW + timedelta(days=1))  # the next forecast's cycle reads Orders whole
    assert key not in open_alerts(shop.workbook)


def test_a_ticket_typed_without_its_clock_is_filled_in_without_reading_the_tickets_whole(shop):
    state = running(shop)
    header = [str(cell) for cell in shop.person.values("Tickets")[0]]
    typed = {
        "ticket_id": "TCK-TYPED1",
        "subject": "Where is my parcel?",
        "priority": "high",
        "status": "open",
    }
    shop.person.append_row("Tickets", [typed.get(name, "") for name in header])
    shop.fake.reset_counts()

    report = run_cycle(shop.workbook, NOW + timedelta(minutes=5), state=state)

    assert report.filled == 1 and not whole_reads(shop)
    ticket = next(row for row in by_header(shop, "Tickets") if row["ticket_id"] == "TCK-TYPED1")
    assert ticket["opened_at"] != "" and ticket["due_at"] != ""


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def once(google, data_dir) -> list[str]:
    """`jobs --once` as cron runs it: a new process, which knows only what the data folder keeps."""
    placements.forget()
    kept_ledger.forget()
    said: list[str] = []
    run_once(
        google.workbook,
        run_cycle,
        data_dir=data_dir,
        smtp=SmtpSettings(),
        send=lambda *_: "sent",
        out=said.append,
        settle_seconds=0,
    )
    return said


def test_jobs_once_run_again_reads_the_ledger_and_the_open_records_from_where_the_last_run_left_them(
    shop, tmp_path
):
    clock = shop.workbook.clock = Clock()
    once(shop, tmp_path)  # the forecast's run: the history read whole, and kept in the data folder
    kept = list((tmp_path / "kept").glob("*-stock-moves.json"))
    assert len(kept) == 1

    clock.now += timedelta(minutes=5)
    shop.fake.reset_counts()
    once(shop, tmp_path)  # places the open orders (the forecast's run read them whole)
    assert not whole_reads(shop)

    clock.now += timedelta(minutes=5)
    shop.fake.reset_counts()
    said = once(shop, tmp_path)
    assert not whole_reads(shop), said
    columns = [part for part in ranges_read(shop) if part.endswith(("%21A%3AA", "%21H%3AH"))]
    assert not columns  # the open records read where they stood, no key or status column


def test_a_kept_file_that_cannot_be_read_is_left_aside_and_the_big_tabs_read_afresh(shop, tmp_path, caplog):
    shop.workbook.clock = Clock()
    once(shop, tmp_path)
    kept = next((tmp_path / "kept").glob("*-stock-moves.json"))
    kept.write_text('{"rows": [["half a', encoding="utf-8")
    shop.workbook.clock.now += timedelta(minutes=5)

    said = once(shop, tmp_path)

    assert any("alerts opened" in line for line in said)
    assert "is not readable" in caplog.text
    assert json.loads(kept.read_text(encoding="utf-8"))["rows"]  # written again, whole


def test_orders_sorted_between_two_quiet_cycles_are_found_again_and_a_new_one_typed_is_seen(shop):
    state = running(shop)
    run_cycle(shop.workbook, NOW + timedelta(minutes=5), state=state)  # the open orders placed
    shop.person.sort("Orders", "customer_name")
    header = [str(cell) for cell in shop.person.values("Orders")[0]]
    typed = {
        "order_id": "ORD-TYPED1",
        "customer_name": "Walk-in",
        "status": "new",
        "payment_status": "pending",
    }
    typed["created_at"] = 46000  # long before NOW: unpaid for far too long
    shop.person.append_row("Orders", [typed.get(name, "") for name in header])
    later = NOW + timedelta(minutes=10)

    run_cycle(shop.workbook, later, state=state)

    whole = take_snapshot(every_row_read(shop), later)
    expected = {key: message for key, _, message in found(run_checks(whole))}
    assert "order.unpaid:ORD-TYPED1" in expected
    alerts = open_alerts(shop.workbook)
    assert {key: alerts.get(key) for key in expected if key.startswith("order.")} == {
        key: message for key, message in expected.items() if key.startswith("order.")
    }


def test_the_dashboard_in_another_process_reads_the_open_records_where_the_jobs_left_them(shop, tmp_path):
    clock = shop.workbook.clock = Clock()
    once(shop, tmp_path)  # the forecast's run
    clock.now += timedelta(minutes=5)
    once(shop, tmp_path)  # places the open records, in the data folder
    placements.forget()  # the app's process knows only the data folder
    runtime.use(shop.workbook, data_dir=tmp_path)
    try:
        shop.workbook.invalidate()
        shop.fake.reset_counts()
        home = tasks.home(shop.workbook, Actor("mia", "manager"))
    finally:
        runtime.use(None)

    assert not whole_reads(shop)
    assert not [part for part in ranges_read(shop) if part.endswith(("%21A%3AA", "%21H%3AH"))]
    expected = tasks.home(every_row_read(shop), Actor("mia", "manager"))
    assert {task.ref for task in home.tasks} == {task.ref for task in expected.tasks}


def test_open_records_on_more_rows_than_one_request_may_name_are_read_again_in_parts(shop, monkeypatch):
    state = running(shop)
    run_cycle(shop.workbook, NOW + timedelta(minutes=5), state=state)  # the open records placed
    monkeypatch.setattr(placed_reading, "RANGES_PER_READ", 3)
    shop.fake.reset_counts()
    later = NOW + timedelta(minutes=10)

    run_cycle(shop.workbook, later, state=state)

    assert shop.fake.count("values.batchGet") > 3 and not whole_reads(shop)
    assert not [part for part in ranges_read(shop) if part.endswith(("%21A%3AA", "%21H%3AH"))]
    expected = {
        key: message for key, _, message in found(run_checks(take_snapshot(every_row_read(shop), later)))
    }
    alerts = open_alerts(shop.workbook)
    orders = {key for key in expected if key.startswith(("order.", "service.", "aftersales."))}
    assert orders and {key: alerts.get(key) for key in orders} == {key: expected[key] for key in orders}
