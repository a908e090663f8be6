"""A step on a tab that grows reads the rows it works on, never the whole tab (targeted.py).

Its requests and the bytes Google sends back stay the same as the tab grows; a person
sorting or inserting rows between two steps never puts a step on the wrong record; rows
a person adds at the end are seen; and the one thing a partial read cannot know, what
an unread row held before a write struck it, is named, never guessed.
"""

from __future__ import annotations

import pytest

from processes.orders import ORDER_TABS, OrderLine, add_order
from processes.orders.pipeline import confirm_order
from processes.permissions import Actor
from sheets.backends.google.backend import GoogleBackend
from sheets.errors import WriteLandedWrong
from sheets.tabs import LOCATIONS, PRODUCTS, STOCK
from tests.google.test_columns_moved import by_header

STAFF = Actor("bo", "staff")


@pytest.fixture(autouse=True)
def by_rows_at_any_size(google):
    """Growing tabs read by their rows however small (in a real shop: from SPARSE_FROM rows on)."""
    google.workbook.backend.sparse_from = 0


def seed_shop(google, orders: int) -> list[str]:
    """A warehouse with stock and `orders` new orders of two lines each; their IDs."""
    with google.workbook.transaction(LOCATIONS, *ORDER_TABS, user="seed") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Skillet", "price": 120})
        tx.insert(PRODUCTS, {"sku": "MUG-002", "name": "Mug", "price": 15})
        location = tx.insert(LOCATIONS, {"location_id": "LOC-A", "name": "Main"})
        for sku in ("KIT-001", "MUG-002"):
            tx.insert(STOCK, {"sku": sku, "location_id": location.location_id, "on_hand": 10_000})
        made = [
            add_order(
                tx,
                customer_name=f"Customer {number:04d}",
                ship_address="1 High Street, 10115 Leeds",
                lines=[OrderLine("KIT-001", 1), OrderLine("MUG-002", 2)],
                location_id=location.location_id,
            )
            for number in range(orders)
        ]
    return [order.order_id for order in made]


def fresh_process(google) -> GoogleBackend:
    """The backend as in a process just started: where records stand is not known."""
    backend = google.workbook.backend
    for remembered in (backend.positions, backend.layouts, backend.tails):
        remembered.clear()
    google.workbook.invalidate()
    return backend


def answered_bytes(google) -> list[int]:
    sent = [0]
    answer = google.fake.handle

    def counted(request):
        reply = answer(request)
        sent[0] += len(reply.body)
        return reply

    google.fake.handle = counted
    return sent


def reserved(google, sku: str) -> int:
    google.workbook.invalidate()
    return google.workbook.table(STOCK).get((sku, "LOC-A")).reserved


def cost_of_confirming(google, orders: int) -> tuple[dict[str, int], int, int]:
    """Requests and bytes of confirming one order in a fresh process, then of the next one."""
    ids = seed_shop(google, orders)
    fresh_process(google)
    sent = answered_bytes(google)
    google.fake.reset_counts()
    confirm_order(google.workbook, ids[-1], by=STAFF)
    cold = sent[0]
    counts = google.fake.counts()
    sent[0] = 0
    confirm_order(google.workbook, ids[-2], by=STAFF)
    return counts, cold, sent[0]


@pytest.mark.parametrize("orders", [40, 400])
def test_confirming_an_order_never_reads_a_growing_tab_whole(google, orders):
    seed_shop(google, orders)
    fresh_process(google)
    google.fake.reset_counts()
    ids = [row["order_id"] for row in by_header(google, "Orders")]

    confirm_order(google.workbook, ids[orders // 2], by=STAFF)

    ranges = [r for logged in google.fake.logged("values.batchGet") for r in logged.url.split("ranges=")[1:]]
    whole = {"%27Orders%27", "%27Order+Lines%27", "%27Audit%27"}
    assert not [r for r in ranges if r.split("&")[0] in whole], ranges
    assert reserved(google, "KIT-001") == 1 and reserved(google, "MUG-002") == 2


def another_google(tmp_path):
    """A second fake spreadsheet and workbook, beside the `google` fixture's."""
    from tests.conftest import SPREADSHEET_ID, make_record
    from tests.fake_sheets import FakeSheets, make_service_account_file

    fake = FakeSheets()
    fake.create_spreadsheet(spreadsheet_id=SPREADSHEET_ID, title="Flowsheet", sheets=["Sheet1"])
    fake.key_file = tmp_path / "second-account.json"
    make_service_account_file(fake.key_file)
    made = make_record("google", tmp_path / "second", fake)
    made.workbook.backend.sparse_from = 0
    return made


def test_a_step_costs_the_same_requests_and_nearly_the_same_bytes_at_ten_times_the_orders(google, tmp_path):
    small_counts, small_cold, small_known = cost_of_confirming(google, 40)
    large_counts, large_cold, large_known = cost_of_confirming(another_google(tmp_path), 400)

    assert large_counts == small_counts
    assert large_known <= small_known * 1.1  # once known: only the rows worked on move
    # In a fresh process the key and lookup columns come once, and no more: an order's own
    # cell, its two lines' IDs and order IDs, its three Audit rows' IDs (to know where the
    # tab ends): eight cells of a few dozen bytes each.
    assert large_cold - small_cold < (400 - 40) * 8 * 60


def test_a_sort_between_two_steps_never_puts_the_second_on_the_wrong_order(google):
    ids = seed_shop(google, 60)
    confirm_order(google.workbook, ids[10], by=STAFF)  # where the orders stand is now known
    google.person.sort("Orders", "customer_name", descending=True)

    confirm_order(google.workbook, ids[20], by=STAFF)

    statuses = {row["order_id"]: row["status"] for row in by_header(google, "Orders")}
    assert [oid for oid, status in statuses.items() if status == "confirmed"] == [ids[20], ids[10]]
    assert reserved(google, "KIT-001") == 2


def test_a_line_a_person_inserts_in_the_middle_is_part_of_its_order(google):
    ids = seed_shop(google, 60)
    confirm_order(google.workbook, ids[5], by=STAFF)
    header = [str(cell) for cell in google.person.headers("Order Lines")]
    typed = [""] * len(header)
    typed[header.index("line_id")] = "OL-BYHAND02"
    typed[header.index("order_id")] = ids[30]
    typed[header.index("sku")] = "KIT-001"
    typed[header.index("qty")] = 5
    google.person.insert_rows("Order Lines", 20, [typed])

    confirm_order(google.workbook, ids[30], by=STAFF)

    assert reserved(google, "KIT-001") == 1 + 1 + 5
    assert reserved(google, "MUG-002") == 2 + 2


def test_an_order_a_person_adds_at_the_end_is_found(google):
    ids = seed_shop(google, 60)
    confirm_order(google.workbook, ids[0], by=STAFF)
    header = [str(cell) for cell in google.person.headers("Orders")]
    typed = [""] * len(header)
    for name, value in {
        "order_id": "ORD-BYHAND01",
        "customer_name": "Typed",
        "ship_address": "2 Low Street, 10115 Leeds",
        "status": "new",
        "location_id": "LOC-A",
    }.items():
        typed[header.index(name)] = value
    google.person.append_row("Orders", typed)
    lines = [str(cell) for cell in google.person.headers("Order Lines")]
    line = [""] * len(lines)
    for name, value in {
        "line_id": "OL-BYHAND01",
        "order_id": "ORD-BYHAND01",
        "sku": "MUG-002",
        "qty": 3,
    }.items():
        line[lines.index(name)] = value
    google.person.append_row("Order Lines", line)

    confirm_order(google.workbook, "ORD-BYHAND01", by=STAFF)

    assert reserved(google, "MUG-002") == 2 + 3


def test_a_write_that_strikes_a_row_never_read_names_it_rather_than_guess(google):
    ids = seed_shop(google, 60)
    confirm_order(google.workbook, ids[1], by=STAFF)
    google.fake.before_next(
        "batchUpdate", lambda: google.person.sort("Orders", "customer_name", descending=True)
    )

    with pytest.raises(WriteLandedWrong) as raised:
        confirm_order(google.workbook, ids[40], by=STAFF)

    statuses = {row["order_id"]: row["status"] for row in by_header(google, "Orders")}
    assert statuses[ids[40]] == "confirmed"  # the step itself landed where it belongs
    struck = {cell.record for cell in raised.value.stray}
    assert ids[40] not in struck and struck  # the record the sort moved under the write is named
    issues = google.workbook.check()
    assert any(issue.tab == "Orders" and "status" in str(issue) for issue in issues)


def test_a_deletion_in_a_tab_read_by_its_rows_reads_it_whole_so_a_row_struck_comes_back(google):
    from sheets.tabs import ORDERS

    ids = seed_shop(google, 60)
    confirm_order(google.workbook, ids[0], by=STAFF)
    google.fake.before_next(
        "batchUpdate", lambda: google.person.sort("Orders", "customer_name", descending=True)
    )

    with google.workbook.transaction(ORDERS, user="bo", action="delete row") as tx:
        doomed = tx.require(ORDERS, ids[30])
        tx.delete(doomed, base=doomed)

    left = [row["order_id"] for row in by_header(google, "Orders") if row["order_id"]]
    assert sorted(left) == sorted(set(ids) - {ids[30]})
