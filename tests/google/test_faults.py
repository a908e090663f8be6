"""Google errors: retried with backoff and jitter, bounded, and never a half-written change."""

from __future__ import annotations

import pytest

from sheets.backends.google.http import RetryingHTTPClient
from sheets.errors import RowsMoved, SheetUnavailable, WriteNotConfirmed
from sheets.tabs import AUDIT, ORDERS


def add_order(google, name="Ann"):
    with google.workbook.transaction(ORDERS, user="ann", action="new order") as tx:
        return tx.insert(ORDERS, {"customer_name": name})


def order_rows(google):
    return [row for row in google.person.values("Orders")[1:] if row]


def test_a_429_is_retried_after_what_retry_after_asks(google, retry_sleeps):
    google.fake.fail_next("values.batchGet", status=429, retry_after=7)
    google.workbook.invalidate()
    google.workbook.table(ORDERS)
    assert retry_sleeps and retry_sleeps[0] >= 7
    assert google.requests("values.batchGet") == 2


@pytest.mark.parametrize("fault", ["500", "503", "html 502", "timeout"])
def test_reads_are_retried_through_5xx_html_pages_and_timeouts(google, retry_sleeps, fault):
    if fault == "timeout":
        google.fake.timeout_next("values.batchGet", times=2)
    else:
        google.fake.fail_next(
            "values.batchGet", status=int(fault.split()[-1]), times=2, html=fault.startswith("html")
        )
    google.workbook.invalidate()
    assert len(google.workbook.table(ORDERS)) == 0
    assert len(retry_sleeps) == 2


def test_backoff_is_exponential_capped_and_jittered():
    import random

    policy = RetryingHTTPClient.policy
    rng = random.Random(1)
    delays = [[policy.delay(attempt, None, rng) for attempt in range(8)] for _ in range(50)]
    assert all(
        0 <= d <= min(policy.max_delay, policy.base_delay * 2**i) for run in delays for i, d in enumerate(run)
    )
    assert len({run[3] for run in delays}) > 40  # jitter: no two clients retry in step


def test_a_failure_that_outlasts_the_retries_is_one_clear_sentence(google, retry_sleeps):
    google.fake.fail_next("values.batchGet", status=503, times=10)
    google.workbook.invalidate()
    with pytest.raises(SheetUnavailable) as failure:
        google.workbook.table(ORDERS)
    message = str(failure.value)
    assert "HTTP 503" in message and "5 tries" in message and "try again" in message
    assert "\n" not in message
    assert google.requests("values.batchGet") == RetryingHTTPClient.policy.attempts


def test_every_request_has_a_timeout(google):
    assert google.workbook.backend.spreadsheet.client.timeout == RetryingHTTPClient.policy.timeout


def test_a_write_refused_with_429_is_sent_again_and_lands_once(google):
    google.fake.fail_next("batchUpdate", status=429)
    order = add_order(google)
    assert [row[0] for row in order_rows(google)] == [order.order_id]


@pytest.mark.parametrize("fault", [{"status": 500}, {"timeout": True}])
def test_a_write_applied_then_failed_is_not_applied_twice(google, fault):
    google.fake.apply_then_fail("batchUpdate", **fault)
    order = add_order(google)
    assert [row[0] for row in order_rows(google)] == [order.order_id]
    google.workbook.invalidate()
    audit = google.workbook.table(AUDIT)
    assert [r.record_id for r in audit.records()].count(order.order_id) == 1


def test_an_update_applied_then_failed_is_recognised_as_done(google):
    order = add_order(google)
    google.fake.apply_then_fail("batchUpdate", status=502)
    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(order, {"status": "confirmed"}, base=order)
    google.workbook.invalidate()
    assert google.workbook.table(ORDERS).get(order.id).status == "confirmed"


def test_a_write_failing_before_it_applied_is_sent_again(google):
    google.fake.fail_next("batchUpdate", status=500)
    order = add_order(google)
    assert [row[0] for row in order_rows(google)] == [order.order_id]


def test_a_write_that_keeps_failing_leaves_nothing_half_written(google):
    order = add_order(google)
    before = google.person.values("Orders")
    google.fake.fail_next("batchUpdate", status=500, times=10)
    with pytest.raises(WriteNotConfirmed) as failure, google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(order, {"status": "confirmed"})
        tx.insert(ORDERS, {"customer_name": "Bo"})
    assert "\n" not in str(failure.value)
    assert google.person.values("Orders") == before


def sort_before_writes(google, times: int) -> None:
    """The person sorts the Orders tab right before each of the next `times` writes."""
    state = {"left": times, "descending": True}

    def sort():
        google.person.sort("Orders", "customer_name", descending=state["descending"])
        state["descending"] = not state["descending"]
        state["left"] -= 1
        if state["left"]:
            google.fake.before_next("batchUpdate", sort)

    google.fake.before_next("batchUpdate", sort)


def carriers(google) -> dict[str, str]:
    header = google.person.values("Orders")[0]
    column = header.index("carrier")
    return {row[0]: (row[column] if len(row) > column else "") for row in order_rows(google)}


@pytest.mark.parametrize("sorts", [1, 3])
def test_rows_moved_between_locating_and_writing_are_detected_and_put_right(google, sorts):
    ann, bo, cy = (add_order(google, name) for name in ("Ann", "Bo", "Cy"))
    sort_before_writes(google, sorts)

    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(ann, {"carrier": "SF Express"})
        tx.insert(ORDERS, {"customer_name": "Dee"})

    assert carriers(google)[ann.order_id] == "SF Express"
    assert carriers(google)[bo.order_id] == carriers(google)[cy.order_id] == ""
    assert [row[3] for row in order_rows(google)].count("Dee") == 1


def test_rows_that_keep_moving_are_reported_and_what_landed_is_taken_back(google):
    ann, bo, cy = (add_order(google, name) for name in ("Ann", "Bo", "Cy"))
    before = carriers(google)
    sort_before_writes(google, 4)

    with pytest.raises(RowsMoved) as moved, google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(ann, {"carrier": "SF Express"})
        tx.insert(ORDERS, {"customer_name": "Dee"})

    assert "nothing was changed" in str(moved.value)
    assert carriers(google) == before
    assert all("Dee" not in row for row in order_rows(google))


def test_a_deletion_that_hit_a_moved_row_puts_it_back_and_deletes_the_right_one(google):
    ann, bo, cy = (add_order(google, name) for name in ("Ann", "Bo", "Cy"))
    sort_before_writes(google, 1)  # between the fresh read and the write: Cy, Bo, Ann

    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.delete(ann, base=ann)

    left = sorted(row[3] for row in order_rows(google))
    assert left == ["Bo", "Cy"]


def test_a_deletion_while_rows_keep_moving_loses_no_row(google):
    ann, bo, cy = (add_order(google, name) for name in ("Ann", "Bo", "Cy"))
    state = {"descending": True}

    def sort():
        google.person.sort("Orders", "customer_name", descending=state["descending"])
        state["descending"] = not state["descending"]

    google.fake.before_each(sort)  # the person sorts before every request, reads included
    try:
        with pytest.raises(RowsMoved), google.workbook.transaction(ORDERS, user="bo") as tx:
            tx.delete(ann, base=ann)
    finally:
        google.fake.remove_before_each(sort)

    assert sorted(row[3] for row in order_rows(google)) == ["Ann", "Bo", "Cy"]


def test_two_threads_reading_at_once_never_send_each_other_s_ranges(google):
    """gspread writes a request's ranges into the parameters it is given: each read passes its own copy."""
    from sheets.backends.google.backend import READ_PARAMS

    before = dict(READ_PARAMS)
    google.workbook.invalidate()
    google.workbook.tables(ORDERS, AUDIT)
    assert before == READ_PARAMS  # nothing of this read's left behind for another thread's to pick up
