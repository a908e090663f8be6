"""The home page on a big shop on Google reads the open records and the newest rows, never a big tab whole."""

from __future__ import annotations

import pytest

from processes import home_reading, tasks
from processes.orders.pipeline import confirm_order
from processes.permissions import Actor
from sheets.tabs import AUDIT
from tests.google.test_columns_moved import by_header
from tests.google.test_targeted_reads import seed_shop

MANAGER = Actor("mia", "manager")


@pytest.fixture(autouse=True)
def big_from_the_first_row(google, monkeypatch):
    google.workbook.backend.sparse_from = 0
    monkeypatch.setattr(home_reading, "RECENT_ROWS", 10)
    monkeypatch.setattr(home_reading, "RECENT_AUDIT_ROWS", 10)


def whole_reads(google) -> list[str]:
    ranges = [
        r.split("&")[0]
        for logged in google.fake.logged("values.batchGet")
        for r in logged.url.split("ranges=")[1:]
    ]
    return [
        r for r in ranges if r in {"%27Orders%27", "%27Order+Lines%27", "%27Audit%27", "%27Stock+Moves%27"}
    ]


def test_an_old_open_order_waits_on_staff_though_only_the_open_and_newest_rows_are_read(google):
    ids = seed_shop(google, 80)
    for order_id in ids[1:]:
        confirm_order(google.workbook, order_id, by=MANAGER)  # every order moves on but the first
    google.workbook.invalidate()
    google.fake.reset_counts()
    google.fake.log.clear()

    home = tasks.home(google.workbook, MANAGER)

    assert not whole_reads(google)
    waiting = {task.ref for task in home.tasks if task.procedure == "Order"}
    assert ids[0] in waiting and len(waiting) == 80  # confirmed orders wait to be picked
    counts = {count.name: count.records for count in home.counts}
    assert counts["Orders"] == len([row for row in by_header(google, "Orders") if row["order_id"]])
    assert counts["Order Lines"] is None  # a big tab the page only counts is not read


def test_on_the_local_workbook_everything_is_read_and_counted(local):
    home = tasks.home(local.workbook, MANAGER)
    assert all(count.records is not None for count in home.counts)


def test_the_audit_s_newest_rows_come_from_where_it_ends_without_a_column_of_it(google):
    ids = seed_shop(google, 12)
    for order_id in ids:
        confirm_order(google.workbook, order_id, by=MANAGER)
    whole = list(google_workbook_reading_whole(google).table(AUDIT).records())
    google.fake.reset_counts()

    read = google.workbook.selections([(AUDIT, {}, 10)])[AUDIT.name]

    ranges = [
        r.split("&")[0]
        for logged in google.fake.logged("values.batchGet")
        for r in logged.url.split("ranges=")[1:]
    ]
    assert not [r for r in ranges if r.startswith("%27Audit%27%21A%3A")]  # no column of it
    assert [row.audit_id for row in read.table.records()] == [row.audit_id for row in whole[-10:]]


def test_an_audit_grid_longer_than_its_rows_is_read_by_its_key_column_instead(google):
    seed_shop(google, 12)
    whole = list(google_workbook_reading_whole(google).table(AUDIT).records())
    google.fake.reset_counts()
    google.person.insert_blank_rows("Audit", len(whole) + 2, 500)  # rows far below cleared, say
    google.workbook.backend.refresh_metadata()
    google.workbook.backend.tails.pop(AUDIT.name, None)  # a process just started: its end not seen yet

    read = google.workbook.selections([(AUDIT, {}, 10)])[AUDIT.name]

    assert [row.audit_id for row in read.table.records()] == [row.audit_id for row in whole[-10:]]
    assert google.fake.count("values.batchGet") == 3  # its end (nothing there), its key column, the rows


def google_workbook_reading_whole(google):
    from tests.conftest import google_workbook

    workbook = google_workbook(google.fake)
    workbook.backend.sparse_from = 10**9
    return workbook


def column_reads(google) -> list[str]:
    ranges = [
        r.split("&")[0]
        for logged in google.fake.logged("values.batchGet")
        for r in logged.url.split("ranges=")[1:]
    ]
    return [r for r in ranges if r.endswith(("%21A%3AA", "%21H%3AH", "%21I%3AI"))]


def waiting_refs(google) -> set[str]:
    google.workbook.invalidate()
    return {task.ref for task in tasks.home(google.workbook, MANAGER).tasks}


def test_the_next_view_reads_the_open_records_where_the_last_found_them_sorted_or_not(google):
    ids = seed_shop(google, 40)
    for order_id in ids[::2]:
        confirm_order(google.workbook, order_id, by=MANAGER)
    first = waiting_refs(google)
    google.fake.reset_counts()

    assert waiting_refs(google) == first
    assert not column_reads(google) and not whole_reads(google)

    google.person.sort("Orders", "customer_name", descending=True)
    confirm_order(google.workbook, ids[1], by=MANAGER)
    google.fake.reset_counts()
    after_the_sort = waiting_refs(google)  # the rows moved: found again from the key and status columns
    assert column_reads(google) and not whole_reads(google)
    assert after_the_sort == {
        task.ref for task in tasks.home(google_workbook_reading_whole(google), MANAGER).tasks
    }
