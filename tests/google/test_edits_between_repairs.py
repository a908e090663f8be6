"""Rule 3 when the person keeps editing while the writer puts back what landed astray.

A write that lands wrong is repaired in the next round, and the person may act again
before that round, and the one after. Each test scripts such a sequence, edit by edit,
before the app's successive requests, and then checks every cell of the tab by header.
(tests/google/test_person_interleaved*.py find such sequences at random; these pin
the ones that once went wrong.)
"""

from __future__ import annotations

from collections.abc import Callable

from sheets.tabs import ORDERS, STOCK
from tests.google.test_columns_moved import add_orders, by_header, confirm, order


def before_writes(google, *edits: Callable[[], object]) -> None:
    """Run each edit right before one of the app's next writes, in order."""
    pending = list(edits)

    def next_edit() -> None:
        pending.pop(0)()
        if pending:
            google.fake.before_next("batchUpdate", next_edit)

    google.fake.before_next("batchUpdate", next_edit)


def column_of(google, tab: str, header: str) -> int:
    """The 1-based column a header stands in now."""
    return [str(cell) for cell in google.person.headers(tab)].index(header) + 1


def test_a_value_misplaced_under_a_persons_column_is_put_back_after_they_retype_its_header(google):
    (ann,) = add_orders(google, "Ann")
    google.person.add_column("Orders", "Notes", at_col=column_of(google, "Orders", "status"))
    person = google.person

    def insert_then_retype() -> None:
        # A column inserted first puts "confirmed" under Notes; then Notes is retyped before the repair.
        person.add_column("Orders", "Gift wrap", at_col=1)
        google.fake.before_next(
            "values.batchGet", lambda: person.rename_header("Orders", "Notes", "Our notes")
        )

    google.fake.before_next("batchUpdate", insert_then_retype)

    confirm(google, ann)

    row = order(google, ann.order_id)
    assert row["status"] == "confirmed"
    assert row["Our notes"] == "" and row["Gift wrap"] == ""


def test_a_stock_key_cell_hit_by_mistake_is_put_back_while_columns_keep_moving(google):
    with google.workbook.transaction(STOCK, user="ann") as tx:
        tx.insert(STOCK, {"sku": "SKU-1", "location_id": "WH1", "on_hand": 30, "min_qty": 1, "max_qty": 2})
    google.person.add_column("Stock", "Bin", at_col=2)
    loaded = google.workbook.table(STOCK).get(("SKU-1", "WH1"))
    person = google.person
    # on_hand lands in location_id (the key); its repair meets one more column inserted left of it.
    before_writes(
        google,
        lambda: person.add_column("Stock", "Aisle", at_col=3),
        lambda: person.add_column("Stock", "Shelf", at_col=4),
    )

    with google.workbook.transaction(STOCK, user="bo") as tx:
        tx.update(loaded, {"on_hand": 34}, base=loaded)

    (row,) = [row for row in by_header(google, "Stock") if any(row.values())]
    assert (row["sku"], row["location_id"], row["on_hand"]) == ("SKU-1", "WH1", 34)
    assert (row["min_qty"], row["max_qty"]) == (1, 2)
    assert all(row[name] == "" for name in ("Bin", "Aisle", "Shelf"))


def test_a_new_row_is_set_right_once_while_its_columns_move_before_every_round(google):
    (ann,) = add_orders(google, "Ann")
    person = google.person

    def move_status_then_the_id() -> None:
        person.move_column("Orders", "status", 3)
        google.fake.before_next("values.batchGet", lambda: person.move_column("Orders", "order_id", 8))

    # The row lands under the old header, its rewrite under a newer one, and its ID moves on again.
    before_writes(google, lambda: person.move_column("Orders", "total", 1), move_status_then_the_id)

    (bo,) = add_orders(google, "Bo")

    rows = [row for row in by_header(google, "Orders") if any(row.values())]
    assert sorted(row["order_id"] for row in rows) == sorted([ann.order_id, bo.order_id])
    new = order(google, bo.order_id)
    assert (new["customer_name"], new["total"], new["status"]) == ("Bo", 10, "new")


def test_a_row_a_person_deletes_as_the_app_deletes_another_stays_deleted(google):
    ann, bo, cy = add_orders(google, "Ann", "Bo", "Cy")
    google.person.insert_rows("Orders", 2, [["", "", "", "a note"]])
    google.person.insert_blank_rows("Orders", 5, 1)  # between Bo and Cy
    # The note row goes in the instant before the deletion of Bo is sent: it strikes the blank row.
    google.fake.before_next("batchUpdate", lambda: google.person.delete_rows("Orders", 2))

    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.delete(bo, base=bo)

    rows = [row for row in by_header(google, "Orders") if any(row.values())]
    assert [row["order_id"] for row in rows] == [ann.order_id, cy.order_id]


def test_a_row_a_person_deletes_as_the_app_deletes_the_last_row_comes_back_rather_than_risk_one(google):
    ann, bo = add_orders(google, "Ann", "Bo")
    google.person.insert_rows("Orders", 2, [["", "", "", "a note"]])
    # Bo is the last row: once the note is gone, the deletion strikes the blank row below the tab.
    # One neighbour cannot tell that from a sort that put Bo first: the row gone comes back.
    google.fake.before_next("batchUpdate", lambda: google.person.delete_rows("Orders", 2))

    with google.workbook.transaction(ORDERS, user="bo") as tx:
        tx.delete(bo, base=bo)

    rows = [row for row in by_header(google, "Orders") if any(row.values())]
    assert sorted(row["order_id"] or row["customer_name"] for row in rows) == sorted(["a note", ann.order_id])


def test_a_new_row_rewritten_after_rows_came_above_it_leaves_the_row_it_hit_as_it_was(google):
    ann, bo = add_orders(google, "Ann", "Bo")
    person = google.person
    # The new row lands under the old header; before its rewrite, a row is inserted above the tab's
    # rows, so the rewrite strikes Bo's row and writes the new ID there.
    before_writes(
        google,
        lambda: person.move_column("Orders", "customer_name", 1),
        lambda: person.insert_blank_rows("Orders", 2, 1),
    )

    (cy,) = add_orders(google, "Cy")

    rows = [row for row in by_header(google, "Orders") if any(row.values())]
    assert sorted(row["order_id"] for row in rows) == sorted([ann.order_id, bo.order_id, cy.order_id])
    assert [order(google, record.order_id)["customer_name"] for record in (ann, bo, cy)] == [
        "Ann",
        "Bo",
        "Cy",
    ]
