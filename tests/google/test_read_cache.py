"""The workbook's read cache on Google: a read under way is shared, never started twice; a read
that began before the app's own write is never kept; the cache's clock starts when a read ends."""

from __future__ import annotations

import threading

from sheets.tabs import ORDERS
from tests.conftest import google_workbook


def hold_next_read(fake) -> tuple[threading.Event, threading.Event]:
    """The next values:batchGet waits until released; `started` tells it is waiting."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(timeout=30)

    fake.before_next("values.batchGet", hold)
    return started, release


def in_thread(action) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(action()))
    thread.start()
    return thread, result


def test_two_views_of_a_tab_while_it_is_read_share_the_one_read(google):
    workbook = google.workbook
    with workbook.transaction(ORDERS, user="seed") as tx:
        tx.insert(ORDERS, {"customer_name": "Ann"})
    workbook.invalidate()
    google.fake.reset_counts()
    started, release = hold_next_read(google.fake)

    first, first_result = in_thread(lambda: workbook.table(ORDERS))
    assert started.wait(timeout=10)
    second, second_result = in_thread(lambda: workbook.table(ORDERS))
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert google.fake.counts() == {"values.batchGet": 1}
    assert first_result[0] is second_result[0]
    assert [row.customer_name for row in second_result[0].records()] == ["Ann"]


def test_a_read_begun_before_the_apps_own_write_is_neither_shared_nor_kept(google):
    workbook = google.workbook
    workbook.invalidate()
    started, release = hold_next_read(google.fake)
    early, early_result = in_thread(lambda: workbook.table(ORDERS))
    assert started.wait(timeout=10)

    with workbook.transaction(ORDERS, user="ann") as tx:  # lands while the read waits
        tx.insert(ORDERS, {"customer_name": "Bo"})
    late, late_result = in_thread(lambda: workbook.table(ORDERS))
    late.join(timeout=10)
    release.set()
    early.join(timeout=10)

    assert [row.customer_name for row in late_result[0].records()] == ["Bo"]
    assert [row.customer_name for row in workbook.table(ORDERS).records()] == ["Bo"]


def test_a_slow_read_is_fresh_for_the_cache_time_after_it_ends(fake_google, monkeypatch):
    workbook = google_workbook(fake_google, cache_seconds=5.0)
    workbook.init()
    workbook.invalidate()
    clock = [100.0]
    monkeypatch.setattr("sheets.workbook.time.monotonic", lambda: clock[0])

    def slow_read() -> None:
        clock[0] += 8.0  # the read takes longer than the cache keeps a table

    fake_google.before_next("values.batchGet", slow_read)
    workbook.table(ORDERS)
    fake_google.reset_counts()
    clock[0] += 4.0
    workbook.table(ORDERS)
    assert fake_google.counts() == {}
