"""Lists on a big shop on Google read the rows they show, and show what the whole read shows."""

from __future__ import annotations

from urllib.parse import unquote_plus

import pytest

from processes import aftersales, home_reading
from processes.service.views import TicketQuery as service_query
from sheets.tabs import ORDERS, RETURNS
from tests.google.test_targeted_reads import seed_shop


def whole_reads(google) -> list[str]:
    """The tabs read whole (a range without a cell part) since the log was cleared."""
    ranges = [
        unquote_plus(r.split("&")[0])
        for logged in google.fake.logged("values.batchGet")
        for r in logged.url.split("ranges=")[1:]
    ]
    return [r.strip("'") for r in ranges if "!" not in r]


def both(google, read):
    """`read()` with the big tabs read by their rows, the ranges read whole meanwhile, and `read()` read whole."""
    backend = google.workbook.backend
    backend.sparse_from = 0
    google.workbook.invalidate()
    google.fake.log.clear()
    selected = read()
    read_whole = whole_reads(google)
    backend.sparse_from = 10**9
    google.workbook.invalidate()
    return selected, read_whole, read()


@pytest.fixture
def returns_shop(google):
    ids = seed_shop(google, 30)
    with google.workbook.transaction(RETURNS, user="sam", action="returns") as tx:
        for number, order_id in enumerate(ids[::3]):
            tx.insert(
                RETURNS,
                {
                    "order_id": order_id,
                    "sku": "KIT-001",
                    "qty": 1,
                    "status": "requested" if number % 2 else "closed",
                },
            )
    return ids


@pytest.mark.parametrize(
    "query",
    [
        aftersales.ReturnQuery(),
        aftersales.ReturnQuery(view="all"),
        aftersales.ReturnQuery(view="all", search="customer 0009"),
        aftersales.ReturnQuery(view="closed", per_page=25),
        aftersales.ReturnQuery(view="all", page=9),
        aftersales.ReturnQuery(view="open", search="KIT"),
    ],
)
def test_the_returns_list_reads_only_the_orders_of_its_returns(google, returns_shop, query):
    selected, read_whole, whole = both(google, lambda: aftersales.return_list(google.workbook, query))
    assert selected == whole and selected.total
    assert "Orders" not in read_whole
    assert ("Returns" in read_whole) == (query.view == "all")  # a view of some states reads those


@pytest.mark.parametrize("view", ["to review", "to receive", "to settle", "refund to approve", "rejected"])
def test_every_view_of_some_states_reads_its_returns_by_status(google, returns_shop, view):
    query = aftersales.ReturnQuery(view=view)
    selected, read_whole, whole = both(google, lambda: aftersales.return_list(google.workbook, query))
    assert selected == whole
    assert "Returns" not in read_whole and "Orders" not in read_whole


def test_the_home_page_reads_the_audit_from_its_end(google, returns_shop, monkeypatch):
    monkeypatch.setattr(home_reading, "RECENT_AUDIT_ROWS", 3)
    google.workbook.backend.sparse_from = 0
    google.workbook.invalidate()
    google.fake.log.clear()
    read = home_reading.read_home(google.workbook)
    ranges = [logged.url for logged in google.fake.logged("values.batchGet")]
    assert not any("%27Audit%27%21A%3AA" in url or "%27Audit%27%21A1%3AA" in url for url in ranges)
    assert len(read.tables["Audit"]) >= 3 and ORDERS.name in read.tables


@pytest.fixture
def desk(google):
    from datetime import datetime, timedelta

    from sheets.tabs import TICKETS

    opened = datetime(2026, 3, 2, 9, 0)
    statuses = ("open", "in_progress", "resolved", "closed", "waiting_on_customer", "")
    with google.workbook.transaction(TICKETS, user="sam", action="tickets") as tx:
        for number in range(24):
            tx.insert(
                TICKETS,
                {
                    "subject": f"Question {number}",
                    "status": statuses[number % len(statuses)],
                    "priority": "high" if number % 4 == 0 else "normal",
                    "opened_at": opened + timedelta(hours=number),
                    "due_at": opened + timedelta(hours=48 - number),
                },
            )


@pytest.mark.parametrize(
    "query",
    [
        service_query(),
        service_query(status="resolved"),
        service_query(status="open", priority="high"),
        service_query(search="question 1", page=2, per_page=3),
    ],
)
def test_the_ticket_list_reads_only_the_tickets_in_its_statuses(google, desk, query):
    from processes import service

    selected, read_whole, whole = both(google, lambda: service.ticket_page(google.workbook, query))
    assert selected == whole and selected.total
    assert "Tickets" not in read_whole


def test_the_newest_rows_of_a_big_tab_come_from_its_end_with_rows_a_person_appended_since(
    google, returns_shop
):
    workbook = google.workbook
    workbook.backend.sparse_from = 0
    first = workbook.newest(ORDERS, 4)
    assert not first.complete and len(first.table) >= 4
    google.person.append_row("Orders", ["ORD-TYPED-1", "manual", "", "Typed by hand"])
    google.fake.reset_counts()

    again = workbook.newest(ORDERS, 4)

    assert "ORD-TYPED-1" in {record.order_id for record in again.table.records()}
    assert not whole_reads(google) and google.fake.count("values.batchGet") == 1
    assert workbook.newest(ORDERS, 1_000).complete  # reaching the header: every row
