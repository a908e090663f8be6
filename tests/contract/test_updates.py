"""Rules 3 and 4: rows are found by ID when writing, and a changed record is never overwritten."""

from __future__ import annotations

import pytest

from sheets.errors import ConflictError, DuplicateKey, InvalidValue
from sheets.tabs import AUDIT, ORDERS


def add_orders(record, *names):
    with record.workbook.transaction(ORDERS, user="ann", action="new orders") as tx:
        return [
            tx.insert(ORDERS, {"customer_name": name, "total": 10 * (i + 1)}) for i, name in enumerate(names)
        ]


def row_of(record, order_id):
    rows = record.person.values("Orders")
    return next(row for row in rows if order_id in row)


def confirm(record, order, **changes):
    with record.workbook.transaction(ORDERS, user="bo", action="confirm order") as tx:
        return tx.update(order, changes or {"status": "confirmed"}, base=order)


def test_an_update_lands_on_its_record_after_a_person_inserts_rows_above(record):
    ann, bo, cy = add_orders(record, "Ann", "Bo", "Cy")
    loaded = record.workbook.table(ORDERS).get(bo.id)
    record.person.insert_rows("Orders", 2, [["", "manual", "", "Typed by hand"]])
    record.person.insert_blank_rows("Orders", 2, 3)

    confirm(record, loaded)

    assert "confirmed" in row_of(record, bo.order_id)
    assert "confirmed" not in row_of(record, ann.order_id)
    assert "confirmed" not in row_of(record, cy.order_id)


def test_an_update_lands_on_its_record_after_a_person_deletes_and_sorts_rows(record):
    ann, bo, cy = add_orders(record, "Ann", "Bo", "Cy")
    loaded = record.workbook.table(ORDERS).get(cy.id)
    record.person.delete_rows("Orders", 2)
    record.person.sort("Orders", "customer_name", descending=True)

    confirm(record, loaded)

    assert "confirmed" in row_of(record, cy.order_id)
    assert "confirmed" not in row_of(record, bo.order_id)
    assert record.workbook.table(ORDERS).get(cy.id).status == "confirmed"


def test_an_update_after_columns_moved_writes_the_right_cells(record):
    (ann,) = add_orders(record, "Ann")
    record.person.move_column("Orders", 8, 2)  # status moves to column B
    record.person.add_column("Orders", "Gift wrap", at_col=1)

    confirm(record, ann, status="confirmed", carrier="SF Express")

    table = record.workbook.table(ORDERS)
    assert table.get(ann.id).status == "confirmed"
    assert table.get(ann.id).carrier == "SF Express"
    assert record.person.values("Orders")[0][0] == "Gift wrap"


def test_only_the_changed_cells_are_written(record):
    (ann,) = add_orders(record, "Ann")
    column = record.person.values("Orders")[0].index("customer_email") + 1
    loaded = record.workbook.table(ORDERS).get(ann.id)
    # a person fills in a cell the app does not touch: an unrelated edit of the same row
    record.person.add_column("Orders", "Packing note", values=["fragile"])

    with record.workbook.transaction(ORDERS, user="bo", action="confirm") as tx:
        tx.update(loaded, {"status": "confirmed"})

    row = row_of(record, ann.order_id)
    assert "fragile" in row
    assert record.person.cell("Orders", 2, column) in ("", None)


def test_an_update_of_a_record_changed_since_it_was_loaded_is_refused(record):
    (ann,) = add_orders(record, "Ann")
    loaded = record.workbook.table(ORDERS).get(ann.id)
    column = record.person.values("Orders")[0].index("status") + 1
    record.person.set_cell("Orders", 2, column, "cancelled")
    before = record.person.values("Orders")

    with pytest.raises(ConflictError) as refused:
        confirm(record, loaded)

    assert "status: 'new' → 'cancelled'" in str(refused.value)
    assert "Nothing was saved" in str(refused.value)
    assert record.person.values("Orders") == before


def test_a_refused_transaction_writes_nothing_at_all(record):
    ann, bo = add_orders(record, "Ann", "Bo")
    audit_rows = len(record.workbook.table(AUDIT))
    with pytest.raises(InvalidValue), record.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(ann, {"status": "confirmed"})
        tx.update(bo, {"total": "lots"})
    record.workbook.invalidate()
    assert record.workbook.table(ORDERS).get(ann.id).status == "new"
    assert len(record.workbook.table(AUDIT)) == audit_rows


def test_an_update_of_a_duplicated_id_is_refused(record):
    (ann,) = add_orders(record, "Ann")
    record.person.append_row("Orders", record.person.values("Orders")[1])
    with pytest.raises(DuplicateKey, match="rows 2, 3"), record.workbook.transaction(ORDERS, user="bo") as tx:
        tx.update(ann, {"status": "confirmed"})


def test_rows_a_person_typed_without_an_id_get_one_on_the_next_write(record):
    (ann,) = add_orders(record, "Ann")
    record.person.append_row("Orders", ["", "phone", "", "Typed by hand"])
    record.workbook.invalidate()
    assert record.workbook.table(ORDERS).rows_without_id == [3]

    confirm(record, ann)

    table = record.workbook.table(ORDERS)
    typed = next(r for r in table.records() if r.customer_name == "Typed by hand")
    assert typed.order_id.startswith("ORD-")
    assert table.rows_without_id == []
    assert record.person.values("Orders")[2][3] == "Typed by hand"


def test_check_gives_missing_ids_too(record):
    record.person.append_row("Orders", ["", "phone", "", "Typed by hand"])
    assert record.workbook.assign_missing_ids() == 1
    assert record.workbook.check() == []
    assert record.workbook.table(ORDERS).records().__next__().order_id.startswith("ORD-")


def test_every_change_is_audited_with_who_what_and_old_to_new(record):
    (ann,) = add_orders(record, "Ann")
    confirm(record, ann)
    audit = record.workbook.table(AUDIT)
    last = list(audit.records())[-1]
    assert (last.user, last.tab, last.record_id) == ("bo", "Orders", ann.order_id)
    assert last.action == "confirm order: update"
    assert "status: new → confirmed" in last.changes
