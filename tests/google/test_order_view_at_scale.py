"""An order's page on big tabs on Google reads the order's rows, not whole tabs, and shows what a whole read shows.

The order, its lines and its stock moves are selected by their `order_id` and `ref`
cells; of the Audit only its newest rows are read, and the view says when older ones
may exist beyond them.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from processes.orders import order_view, queries
from processes.orders.pipeline import confirm_order
from processes.permissions import Actor
from sheets.backends.google.cells import column_range
from sheets.tabs import ORDER_LINES, STOCK_MOVES
from tests.google.test_targeted_reads import seed_shop

MANAGER = Actor("mia", "manager")
BIG_TABS = ("'Orders'", "'Order Lines'", "'Stock Moves'", "'Audit'")


@pytest.fixture
def shop(google):
    """20 orders, each confirmed: their IDs, oldest first."""
    google.workbook.backend.sparse_from = 0  # the record tabs count as big however few rows
    ids = seed_shop(google, 20)
    for order_id in ids:
        confirm_order(google.workbook, order_id, by=MANAGER)
    return ids


def ranges_read(google) -> list[str]:
    ranges = []
    for logged in google.fake.logged("values.batchGet"):
        ranges += parse_qs(urlsplit(logged.url).query).get("ranges", [])
    return ranges


def cold(google) -> None:
    google.workbook.invalidate()
    google.fake.reset_counts()


def whole(google, order_id):
    backend = google.workbook.backend
    backend.sparse_from, before = 10**9, backend.sparse_from
    try:
        cold(google)
        return order_view(google.workbook, order_id)
    finally:
        backend.sparse_from = before


def same(view, expected) -> None:
    assert view.order.order_id == expected.order.order_id
    assert dict(view.order.items()) == dict(expected.order.items())
    assert view.lines == expected.lines
    assert view.location_name == expected.location_name
    assert view.timeline == expected.timeline


@pytest.mark.parametrize("which", [0, 10, -1])
def test_an_order_s_view_reads_no_whole_big_tab_and_shows_what_a_whole_read_shows(google, shop, which):
    order_id = shop[which]
    cold(google)

    view = order_view(google.workbook, order_id)

    ranges = ranges_read(google)
    assert ranges
    assert not [r for r in ranges if r in BIG_TABS]  # no big tab asked for whole
    assert not [r for r in ranges if r.startswith("'Audit'!A:")]  # no column of the Audit
    assert len(google.fake.logged("values.batchGet")) <= 4  # small tabs, Audit end, columns, rows
    expected = whole(google, order_id)
    same(view, expected)
    assert view.audit_read is None  # every Audit row read: nothing older is left out
    assert len(view.lines) == 2


def test_its_lines_and_moves_are_found_by_their_order_column_alone_and_a_line_without_an_id_is_none(
    google, shop
):
    order_id = shop[5]
    header = [str(cell) for cell in google.person.values(ORDER_LINES.name)[0]]
    typed = {"order_id": order_id, "sku": "KIT-001", "qty": 9}  # typed in, waiting for its line ID
    google.person.append_row(ORDER_LINES.name, [typed.get(name, "") for name in header])
    cold(google)

    view = order_view(google.workbook, order_id)

    ranges = ranges_read(google)
    for tab, by in ((ORDER_LINES, "order_id"), (STOCK_MOVES, "ref")):
        columns = [r for r in ranges if r.startswith(f"'{tab.name}'!") and r.split("!")[1].count(":") == 1]
        columns = [r for r in columns if not r.split("!")[1][0].isdigit()]
        by_position = tab.column_names.index(by)
        assert columns == [column_range(tab.name, by_position, by_position)]  # not its key column
    same(view, whole(google, order_id))
    assert len(view.lines) == 2 and 9 not in [line.qty for line in view.lines]
    [lines] = google.workbook.selections([(ORDER_LINES, {"order_id": {order_id}}, 0)]).values()
    assert (lines.matched, lines.total, lines.table.issues) == (
        2,
        None,
        [],
    )  # uncounted; the typed row is none


def test_a_big_audit_is_read_from_its_newest_rows_and_the_view_says_so(google, shop, monkeypatch):
    monkeypatch.setattr(queries, "RECENT_AUDIT_ROWS", 10)
    newest, oldest = shop[-1], shop[0]
    cold(google)

    view = order_view(google.workbook, newest)
    old = order_view(google.workbook, oldest)

    assert view.audit_read == old.audit_read and view.audit_read >= 10
    latest = whole(google, newest).timeline
    assert [event for event in view.timeline if event in latest] == view.timeline
    assert latest[-1] in view.timeline  # its confirmation is among the newest Audit rows
    expected = whole(google, oldest)
    assert [event for event in old.timeline if event in expected.timeline] == old.timeline
    assert old.lines == expected.lines


def test_an_order_not_there_is_none(google, shop):
    cold(google)
    assert order_view(google.workbook, "ORD-NOT-THERE") is None


def test_an_archived_order_is_shown_from_the_archive_when_the_live_tabs_are_read_in_part(google):
    from processes import archive
    from processes.orders import queries as orders
    from sheets.tabs import ORDERS
    from tests.archive.shop import CUTOFF, google_shop_archives
    from tests.archive.shop import seed_shop as seed_archived_shop

    seed_archived_shop(google.workbook)
    archives = google_shop_archives(google.fake)
    old = {order.customer_name: order.order_id for order in google.workbook.table(ORDERS).records()}
    archive.run_archive(google.workbook, archives, before=CUTOFF)
    archive.use(archives)
    try:
        google.workbook.backend.sparse_from = 0
        cold(google)
        view = orders.order_view(google.workbook, old["Old 0"])
        assert not [r for r in ranges_read(google) if r in BIG_TABS]
        assert view is not None and view.archived == 2025
        assert view.order.customer_name == "Old 0"
        assert sorted(line.sku for line in view.lines) == ["MUG", "PAN"]
        assert any("stock" in event.what for event in view.timeline)
    finally:
        archive.use(None)
