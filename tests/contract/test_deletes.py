"""Deleting a record: found by key at the moment of writing, refused when changed, audited."""

from __future__ import annotations

import pytest

from sheets.errors import ConflictError, SheetError
from sheets.tabs import AUDIT, ORDERS


def add_orders(record, *names):
    with record.workbook.transaction(ORDERS, user="ann", action="new orders") as tx:
        return [tx.insert(ORDERS, {"customer_name": name, "total": 10}) for name in names]


def delete(record, order, base=None):
    with record.workbook.transaction(ORDERS, user="bo", action="delete row") as tx:
        return tx.delete(order, base=base)


def names_in_sheet(record) -> list[str]:
    rows = record.person.values("Orders")
    column = rows[0].index("customer_name")
    return [row[column] for row in rows[1:] if len(row) > column and row[column]]


def test_a_record_is_deleted_by_its_key(record):
    ann, bo, cy = add_orders(record, "Ann", "Bo", "Cy")

    delete(record, bo, base=bo)

    assert names_in_sheet(record) == ["Ann", "Cy"]
    table = record.workbook.table(ORDERS)
    assert table.get(bo.id) is None
    assert table.get(ann.id) is not None and table.get(cy.id) is not None


def test_the_right_row_goes_after_a_person_inserted_and_sorted_rows(record):
    ann, bo, cy = add_orders(record, "Ann", "Bo", "Cy")
    shown = record.workbook.table(ORDERS).get(ann.id)
    record.person.insert_rows("Orders", 2, [["", "manual", "", "Typed by hand"]])
    record.person.sort("Orders", "customer_name", descending=True)

    delete(record, shown, base=shown)

    assert sorted(names_in_sheet(record)) == ["Bo", "Cy", "Typed by hand"]


def test_a_record_changed_since_it_was_shown_is_not_deleted(record):
    (ann,) = add_orders(record, "Ann")
    shown = record.workbook.table(ORDERS).get(ann.id)
    column = record.person.values("Orders")[0].index("carrier") + 1
    record.person.set_cell("Orders", 2, column, "DHL")

    with pytest.raises(ConflictError) as refused:
        delete(record, ann, base=shown)

    assert "carrier" in str(refused.value)
    assert names_in_sheet(record) == ["Ann"]


def test_a_record_already_gone_is_reported(record):
    (ann,) = add_orders(record, "Ann")
    record.person.delete_rows("Orders", 2)

    with pytest.raises(SheetError, match="no record"):
        delete(record, ann, base=ann)


def test_a_deletion_is_audited_with_the_values_it_removed(record):
    (ann,) = add_orders(record, "Ann")

    delete(record, ann, base=ann)

    audit = [row for row in record.workbook.table(AUDIT).records() if row.record_id == ann.order_id]
    deleted = next(row for row in audit if row.action.endswith("delete"))
    assert deleted.user == "bo"
    assert "customer_name: Ann" in deleted.changes


def test_the_audit_tab_is_never_deleted_from(record):
    add_orders(record, "Ann")
    entry = next(iter(record.workbook.table(AUDIT).records()))
    with (
        pytest.raises(SheetError, match="never deleted"),
        record.workbook.transaction(AUDIT, user="bo") as tx,
    ):
        tx.delete(entry)


def test_a_change_and_a_deletion_in_one_step_land_together(record):
    ann, bo, cy = add_orders(record, "Ann", "Bo", "Cy")

    with record.workbook.transaction(ORDERS, user="bo", action="tidy up") as tx:
        tx.update(cy, {"carrier": "DHL"}, base=cy)
        tx.delete(ann, base=ann)

    table = record.workbook.table(ORDERS)
    assert table.get(ann.id) is None
    assert table.get(cy.id).carrier == "DHL"
    assert names_in_sheet(record) == ["Bo", "Cy"]
