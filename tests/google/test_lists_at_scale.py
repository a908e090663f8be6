"""The list pages of a big tab on Google read the rows they show, and show what a whole read shows.

The grid's first pages (sheet order) read their first rows; /orders' views read the
newest orders of the view through a selection (status values). Each read is compared
with the same page from a whole read of the tab. A search, a sort or a far page reads
the tab whole, and says so beforehand (`reads_whole`).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from processes.browse import PageRequest, page_of, reads_whole
from processes.orders import OrderQuery, order_page
from processes.orders import reads_whole as orders_read_whole
from processes.orders.pipeline import confirm_order
from processes.permissions import Actor
from sheets.reading import HEADER_SEARCH_ROWS
from tests.google.test_targeted_reads import seed_shop

MANAGER = Actor("mia", "manager")
ORDERS_TAB = "'Orders'"


@pytest.fixture
def shop(google):
    """60 orders, the first 7 of them confirmed: their IDs, oldest first."""
    google.workbook.backend.sparse_from = 0  # the orders count as big however few
    ids = seed_shop(google, 60)
    for order_id in ids[:7]:
        confirm_order(google.workbook, order_id, by=MANAGER)
    return ids


def read_ranges(google) -> list[str]:
    """Every range of Orders the fake was asked for since the log was cleared."""
    ranges = []
    for logged in google.fake.logged("values.batchGet"):
        ranges += parse_qs(urlsplit(logged.url).query).get("ranges", [])
    return [r for r in ranges if r.startswith(ORDERS_TAB)]


def rows_read(ranges: list[str]) -> int:
    """Rows of Orders read in full ranges like 'Orders'!12:36 (a column range reads no row)."""
    count = 0
    for text in ranges:
        area = text.split("!", 1)[1] if "!" in text else ""
        first, _, last = area.partition(":")
        if first.isdigit() and last.isdigit():
            count += int(last) - int(first) + 1
    return count


def cold(google) -> None:
    google.workbook.invalidate()
    google.fake.reset_counts()


def whole(google, read):
    """What `read()` gives from a whole read of the tab (the tab counted small)."""
    backend = google.workbook.backend
    backend.sparse_from, before = 10**9, backend.sparse_from
    try:
        cold(google)
        return read()
    finally:
        backend.sparse_from = before


def assert_read_in_part(google, most_rows: int) -> None:
    ranges = read_ranges(google)
    assert ranges and ORDERS_TAB not in ranges  # the tab is never asked for whole
    assert rows_read(ranges) <= most_rows + HEADER_SEARCH_ROWS


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_grid_s_first_pages_read_their_rows_and_show_what_a_whole_read_shows(google, shop, number):
    request = PageRequest(page=number, per_page=25)
    assert not reads_whole(google.workbook, "Orders", request)
    cold(google)

    page = page_of(google.workbook, "Orders", request, by=MANAGER)

    assert_read_in_part(google, number * 25)
    expected = whole(google, lambda: page_of(google.workbook, "Orders", request, by=MANAGER))
    assert (page.rows, page.keys, page.total, page.page, page.pages) == (
        expected.rows,
        expected.keys,
        expected.total,
        expected.page,
        expected.pages,
    )
    assert page.total == page.records == 60
    assert page.rows  # page 3 holds the last 10
    assert page.keys[0] == shop[(number - 1) * 25]  # sheet order, as on a small tab


@pytest.mark.parametrize(
    "query",
    [
        OrderQuery(),  # open orders: new and confirmed
        OrderQuery(view="confirmed"),
        OrderQuery(view="new", per_page=25, page=2),
        OrderQuery(view="all", per_page=25, page=2),
        OrderQuery(view="delivered"),  # none
    ],
    ids=["open", "confirmed", "new-page-2", "all-page-2", "delivered"],
)
def test_order_views_read_the_newest_of_the_view_and_show_what_a_whole_read_shows(google, shop, query):
    assert not orders_read_whole(google.workbook, query)
    cold(google)

    page = order_page(google.workbook, query)

    assert_read_in_part(google, query.page * query.per_page)
    expected = whole(google, lambda: order_page(google.workbook, query))
    assert (page.rows, page.total, page.page, page.pages, page.unreadable) == (
        expected.rows,
        expected.total,
        expected.page,
        expected.pages,
        expected.unreadable,
    )
    assert page.records == 60


def test_a_status_view_reads_only_the_orders_in_that_status(google, shop):
    cold(google)

    page = order_page(google.workbook, OrderQuery(view="confirmed"))

    assert [row["order_id"] for row in page.rows] == shop[:7][::-1]  # newest first
    assert rows_read(read_ranges(google)) <= 7 + HEADER_SEARCH_ROWS


def test_blank_rows_among_those_read_are_skipped_as_a_whole_read_skips_them(google, shop):
    google.person.insert_blank_rows("Orders", at_row=20, count=2)  # among the grid's first 50 rows
    google.person.insert_blank_rows("Orders", at_row=57, count=2)  # among the 25 newest
    query, request = OrderQuery(view="all", per_page=25), PageRequest(page=2, per_page=25)
    cold(google)

    page = order_page(google.workbook, query)
    grid = page_of(google.workbook, "Orders", request, by=MANAGER)

    expected = whole(google, lambda: order_page(google.workbook, query))
    assert (page.rows, page.total, page.pages) == (expected.rows, expected.total, expected.pages)
    assert len(page.rows) == 25
    assert grid.keys == shop[25:50]


def test_a_person_moving_the_key_and_status_columns_changes_nothing_shown(google, shop):
    query = OrderQuery(view="confirmed")
    order_page(google.workbook, query)  # where the columns stood is now known
    google.person.move_column("Orders", "status", 1)
    google.person.move_column("Orders", "order_id", 5)
    cold(google)

    page = order_page(google.workbook, query)
    grid = page_of(google.workbook, "Orders", PageRequest(per_page=25), by=MANAGER)

    assert ORDERS_TAB not in read_ranges(google)
    assert [row["order_id"] for row in page.rows] == shop[:7][::-1]
    assert grid.keys == shop[:25]


@pytest.mark.parametrize(
    ("request_", "query"),
    [
        (PageRequest(search="customer 0001"), OrderQuery(search="customer 0001")),
        (PageRequest(sort_by="total", descending=True), OrderQuery(page=30)),
        (PageRequest(filter_column="status", filter_text="conf"), OrderQuery(view="all", page=25)),
        (PageRequest(page=40), OrderQuery(view="all", per_page=100, page=11)),
    ],
)
def test_a_search_sort_filter_or_far_page_reads_the_tab_whole_and_says_so_first(
    google, shop, request_, query
):
    assert reads_whole(google.workbook, "Orders", request_)
    assert orders_read_whole(google.workbook, query)
    cold(google)

    page_of(google.workbook, "Orders", request_, by=MANAGER)

    assert ORDERS_TAB in read_ranges(google)


def test_after_a_search_the_default_views_come_from_the_whole_read_in_the_cache(google, shop):
    cold(google)
    order_page(google.workbook, OrderQuery(view="all", search="customer 0001"))
    google.fake.reset_counts()

    page = order_page(google.workbook, OrderQuery(view="confirmed"))
    grid = page_of(google.workbook, "Orders", PageRequest(per_page=25, page=2), by=MANAGER)

    assert not read_ranges(google)
    assert [row["order_id"] for row in page.rows] == shop[:7][::-1]
    assert grid.keys == shop[25:50]


def test_on_the_local_workbook_nothing_reads_in_part(local):
    assert not reads_whole(local.workbook, "Orders", PageRequest(search="x"))
    assert not orders_read_whole(local.workbook, OrderQuery(search="x"))
