"""The archive moves closed records out of the live sheet, on both backends, and never loses one.

Both backends run for real: SQLite files on disk (the live workbook and
archive-2025.sqlite3 beside it), and gspread against the in-process fake of the
Sheets API with a second spreadsheet as the 2025 archive. A run is stopped at
every point of a batch (after the copy, after the read-back, in the middle of
the live deletion; and on Google by requests that fail or time out), then run
again: every record ends exactly once, in the archive or live.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

import pytest

from processes import stock
from processes.archive import run_archive
from processes.archive.ledger import OPENING_REASON
from processes.archive.move import tabs_with_columns_of_their_own
from processes.archive.rules import ARCHIVED_TABS
from sheets.backends.local import LocalSession
from sheets.errors import SheetError
from sheets.reading import HEADER_SEARCH_ROWS
from sheets.tabs import AUDIT, ORDER_LINES, ORDERS, OUTBOX, RETURNS, STOCK_MOVES, TICKETS
from tests.archive.shop import (
    CUTOFF,
    TABS,
    google_shop_archives,
    keys_of,
    local_shop_archives,
    seed_shop,
)
from tests.conftest import make_record


class Stop(Exception):
    """The process dies here."""


@pytest.fixture(params=["local", "google"])
def shop(request, tmp_path):
    fake = request.getfixturevalue("fake_google") if request.param == "google" else None
    record = make_record(request.param, tmp_path, fake)
    seed_shop(record.workbook)
    record.archives = local_shop_archives(record.workbook) if fake is None else google_shop_archives(fake)
    record.archives.workbook(2025)  # its tabs made, so the run's first write is a copy
    record.before = keys_of(record.workbook)
    yield record
    record.archives.close()
    record.workbook.backend.close()


def archived_keys(shop) -> dict[str, set]:
    return keys_of(shop.archives.workbook(2025))


def assert_each_record_once(shop, complete: bool = True) -> None:
    """Every record the shop had is live or archived; with `complete`, never both."""
    live, archived = keys_of(shop.workbook), archived_keys(shop)
    for tab in TABS:
        lost = shop.before[tab.name] - live[tab.name] - archived[tab.name]
        assert not lost, f"{tab.name}: {lost} neither live nor archived"
        assert archived[tab.name] <= shop.before[tab.name], f"{tab.name}: the archive holds unknown records"
        if complete:
            assert not live[tab.name] & archived[tab.name], f"{tab.name}: records both live and archived"


def test_closed_records_move_and_the_ledger_still_adds_up(shop):
    report = run_archive(shop.workbook, shop.archives, before=CUTOFF)
    live, archived = keys_of(shop.workbook), archived_keys(shop)
    assert_each_record_once(shop)
    assert report.moved[ORDERS.name] == 5 and report.moved[ORDER_LINES.name] == 10
    assert len(archived[ORDERS.name]) == 5 and len(live[ORDERS.name]) == 3
    names = {record.customer_name for record in shop.workbook.table(ORDERS).records()}
    assert names == {"Old 1", "Still on its way", "Recent"}  # an open return on Old 1 keeps it live
    lines = shop.workbook.table(ORDER_LINES)
    assert {line.order_id for line in lines.records()} == live[ORDERS.name]  # lines went with their orders
    for tab, stays in ((TICKETS, "open"), (RETURNS, "requested"), (OUTBOX, "queued")):
        assert len(archived[tab.name]) == 1, tab.name
        assert [record.status for record in shop.workbook.table(tab).records()] == [stays]
    assert archived[AUDIT.name] and all(
        record.at < CUTOFF for record in shop.archives.workbook(2025).table(AUDIT).records()
    )
    moves = shop.workbook.table(STOCK_MOVES)
    openings = [move for move in moves.records() if move.reason == OPENING_REASON and move.at == CUTOFF]
    assert {(move.sku, move.to_location or move.from_location) for move in openings} == {
        ("MUG", "WH1"),
        ("PAN", "WH1"),
        ("MUG", "ST1"),
    }
    assert all(move.at >= CUTOFF for move in moves.records())
    assert stock.ledger_issues(shop.workbook) == []
    again = run_archive(shop.workbook, shop.archives, before=CUTOFF)
    assert again.total == 0 and keys_of(shop.workbook) == live


def test_a_later_run_folds_the_opening_balances_into_one_per_place(shop):
    run_archive(shop.workbook, shop.archives, before=CUTOFF)
    from datetime import datetime

    later = datetime(2026, 3, 1)
    run_archive(shop.workbook, shop.archives, before=later)
    moves = list(shop.workbook.table(STOCK_MOVES).records())
    assert stock.ledger_issues(shop.workbook) == []
    places = [(move.sku, move.to_location or move.from_location) for move in moves]
    assert len(places) == len(set(places)) == 3  # one opening move per (sku, location), nothing else older
    assert {move.at for move in moves} == {later}


@pytest.mark.parametrize("stage", ["copied", "verified", "deleted"])
def test_a_run_killed_after_any_step_then_run_again_keeps_each_record_once(shop, stage):
    def die(at: str) -> None:
        if at == stage:
            raise Stop(at)

    with pytest.raises(Stop):
        run_archive(shop.workbook, shop.archives, before=CUTOFF, hook=die, batch_rows=5)
    assert_each_record_once(shop, complete=False)
    assert stock.ledger_issues(shop.workbook) == []
    run_archive(shop.workbook, shop.archives, before=CUTOFF, batch_rows=5)
    assert_each_record_once(shop)
    assert stock.ledger_issues(shop.workbook) == []
    assert len(archived_keys(shop)[ORDERS.name]) == 5


def test_an_edit_between_copy_and_delete_keeps_the_live_record_and_replaces_its_copy(shop):
    edited = {}

    def person_edits(at: str) -> None:
        if at == "verified" and not edited:
            order = next(iter(shop.workbook.table(ORDERS).records()))
            with shop.workbook.transaction(ORDERS, user="lin") as tx:
                edited["order"] = tx.update(order.order_id, {"carrier": "DHL"}, tab=ORDERS)

    report = run_archive(shop.workbook, shop.archives, before=CUTOFF, hook=person_edits)
    assert report.refused  # the batch with the edited order was left for the next run
    assert_each_record_once(shop, complete=False)
    run_archive(shop.workbook, shop.archives, before=CUTOFF)
    assert_each_record_once(shop)
    copy = shop.archives.workbook(2025).table(ORDERS).get(edited["order"].order_id)
    assert copy is not None and copy.carrier == "DHL"
    assert stock.ledger_issues(shop.workbook) == []


def test_a_local_deletion_that_dies_half_way_leaves_nothing_half_done(shop, monkeypatch):
    if shop.kind != "local":
        pytest.skip("the local workbook's commit is interrupted here; Google's requests below")
    original = LocalSession._close_gaps

    def crash(self, name, gone):
        original(self, name, gone)  # some rows are deleted and moved up in this transaction ...
        raise Stop("killed mid-delete")  # ... then the process dies before COMMIT

    monkeypatch.setattr(LocalSession, "_close_gaps", crash)
    with pytest.raises(Stop):
        run_archive(shop.workbook, shop.archives, before=CUTOFF, batch_rows=5)
    assert keys_of(shop.workbook) == shop.before  # rolled back whole: every record still live
    monkeypatch.setattr(LocalSession, "_close_gaps", original)
    run_archive(shop.workbook, shop.archives, before=CUTOFF, batch_rows=5)
    assert_each_record_once(shop)
    assert stock.ledger_issues(shop.workbook) == []


@pytest.mark.parametrize(
    "stage, fault",
    [
        ("start", "copy times out after it was applied"),
        ("copied", "read-back fails"),
        ("verified", "deletion fails"),
        ("verified", "deletion times out after it was applied"),
    ],
)
def test_google_requests_that_fail_at_each_step_lose_nothing(shop, stage, fault):
    if shop.kind != "google":
        pytest.skip("the fake Sheets API fails the requests")
    fake = shop.fake

    def schedule() -> None:
        if "applied" in fault:
            fake.apply_then_fail("batchUpdate", timeout=True)
        fake.fail_next("*", status=503, times=40)  # and Google stays down: the run stops

    def at(step: str) -> None:
        if step == stage:
            schedule()

    if stage == "start":
        schedule()  # the run's first write is the first batch's copy into the archive
    with pytest.raises(SheetError):
        run_archive(shop.workbook, shop.archives, before=CUTOFF, hook=at, batch_rows=5)
    fake.clear_faults()
    assert_each_record_once(shop, complete=False)
    run_archive(shop.workbook, shop.archives, before=CUTOFF, batch_rows=5)
    assert_each_record_once(shop)
    assert stock.ledger_issues(shop.workbook) == []


def test_a_tab_with_a_column_of_a_persons_own_stays_live_and_the_run_says_why(shop):
    shop.person.add_column("Order Lines", "Gift note", values=["wrapped in red"] * 20)

    report = run_archive(shop.workbook, shop.archives, before=CUTOFF)

    archived = archived_keys(shop)
    assert not archived[ORDERS.name] and not archived[ORDER_LINES.name]  # lines go with their orders
    assert len(archived[TICKETS.name]) == 1  # the other tabs are archived as usual
    assert any("Order Lines has columns of its own (Gift note)" in reason for reason in report.skipped)
    assert_each_record_once(shop, complete=False)
    kept = [row for row in shop.person.values("Order Lines")[1:] if "wrapped in red" in row]
    assert kept, "the person's cells are where they typed them"


def test_the_columns_of_a_persons_own_are_looked_for_in_the_header_rows_alone(shop):
    shop.person.add_column("Tickets", "Mood", values=["calm"] * 2)
    if shop.fake is not None:
        shop.fake.reset_counts()

    assert tabs_with_columns_of_their_own(shop.workbook) == {TICKETS.name: ["Mood"]}

    if shop.fake is not None:  # one request, of the first rows of each archived tab and nothing else
        assert shop.fake.counts() == {"values.batchGet": 1}
        (logged,) = shop.fake.logged("values.batchGet")
        ranges = [unquote_plus(r.split("&")[0]) for r in logged.url.split("ranges=")[1:]]
        assert ranges == [f"'{tab.name}'!1:{HEADER_SEARCH_ROWS}" for tab in ARCHIVED_TABS]
