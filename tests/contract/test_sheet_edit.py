"""Editing a tab row by row (the grid): checked against the schema and the permission table, audited."""

from __future__ import annotations

import pytest

from processes import browse
from processes.errors import PermissionDenied, ProcessError
from processes.permissions import Actor
from processes.sheet_edit import add_row, delete_row, edit_cells, grid_rules, row_for_edit
from sheets.errors import ConflictError, InvalidValue
from sheets.tabs import AUDIT, SETTINGS, STOCK, SUPPLIERS

STAFF = Actor("sam", "staff")
MANAGER = Actor("mia", "manager")


def a_supplier(record, name="Acme"):
    return add_row(record.workbook, "Suppliers", {"name": name, "rating": "4"}, by=STAFF)


def audit_of(record, record_id):
    return [row for row in record.workbook.table(AUDIT).records() if row.record_id == record_id]


def test_a_cell_is_edited_and_audited(record):
    supplier = a_supplier(record)
    shown = row_for_edit(record.workbook, "Suppliers", supplier.id, by=STAFF)

    edit_cells(record.workbook, "Suppliers", supplier.id, {"phone": "555-0101"}, shown, by=STAFF)

    assert record.workbook.table(SUPPLIERS).get(supplier.id).phone == "555-0101"
    edited = audit_of(record, supplier.id)[-1]
    assert edited.user == "sam" and "phone: (empty) → 555-0101" in edited.changes


def test_an_added_row_gets_its_id_from_the_record_layer(record):
    supplier = a_supplier(record, "Globex")
    assert supplier.supplier_id.startswith("SUP")
    assert record.workbook.table(SUPPLIERS).get(supplier.id).name == "Globex"


def test_a_bad_value_is_refused_naming_its_column(record):
    supplier = a_supplier(record)
    with pytest.raises(InvalidValue) as refused:
        edit_cells(record.workbook, "Suppliers", supplier.id, {"lead_time_days": "soon"}, supplier, by=STAFF)
    assert str(refused.value).startswith("lead_time_days:")
    with pytest.raises(InvalidValue, match="kind: must be one of: warehouse, store"):
        add_row(record.workbook, "Locations", {"name": "Shed", "kind": "garage"}, by=STAFF)


def test_an_edit_of_a_row_changed_since_it_was_shown_is_refused(record):
    supplier = a_supplier(record)
    shown = row_for_edit(record.workbook, "Suppliers", supplier.id, by=STAFF)
    edit_cells(record.workbook, "Suppliers", supplier.id, {"phone": "1"}, shown, by=MANAGER)

    with pytest.raises(ConflictError, match="phone"):
        edit_cells(record.workbook, "Suppliers", supplier.id, {"notes": "late again"}, shown, by=STAFF)
    assert record.workbook.table(SUPPLIERS).get(supplier.id).notes is None


def test_a_row_is_deleted_and_audited_with_its_values(record):
    keep, gone = a_supplier(record, "Keep"), a_supplier(record, "Gone")

    delete_row(record.workbook, "Suppliers", gone.id, gone, by=STAFF)

    assert record.workbook.table(SUPPLIERS).keys() == [keep.id]
    assert "name: Gone" in audit_of(record, gone.id)[-1].changes


def test_the_key_of_a_row_is_not_edited(record):
    supplier = a_supplier(record)
    with pytest.raises(InvalidValue, match="supplier_id: cannot be edited here"):
        edit_cells(record.workbook, "Suppliers", supplier.id, {"supplier_id": "SUP-X"}, supplier, by=STAFF)


def test_roles_are_checked_in_the_process_below_the_page(record):
    with pytest.raises(PermissionDenied, match="Only a manager or an admin may edit Settings"):
        add_row(record.workbook, "Settings", {"key": "anything", "value": "1"}, by=STAFF)
    setting = record.workbook.table(SETTINGS).get("po_approval_limit")
    with pytest.raises(PermissionDenied):
        edit_cells(record.workbook, "Settings", setting.id, {"value": "1"}, setting, by=STAFF)
    entry = next(iter(record.workbook.table(AUDIT).records()))
    with pytest.raises(PermissionDenied, match="Nobody edits Audit"):
        delete_row(record.workbook, "Audit", entry.id, entry, by=MANAGER)
    assert not grid_rules(MANAGER, "Summary").may_edit
    assert grid_rules(STAFF, "Orders").may_edit


def test_a_manager_edits_settings_through_their_checks(record):
    setting = record.workbook.table(SETTINGS).get("po_approval_limit")
    with pytest.raises(InvalidValue, match="^value:"):
        edit_cells(record.workbook, "Settings", setting.id, {"value": "a lot"}, setting, by=MANAGER)
    edit_cells(record.workbook, "Settings", setting.id, {"value": "2500"}, setting, by=MANAGER)
    assert record.workbook.table(SETTINGS).get("po_approval_limit").value == "2500"


def test_stock_thresholds_are_edited_but_quantities_only_through_moves(record):
    row = add_row(record.workbook, "Stock", {"sku": "MUG", "location_id": "LOC-1", "min_qty": "5"}, by=STAFF)
    assert row.on_hand == 0

    edit_cells(record.workbook, "Stock", row.id, {"max_qty": "40"}, row, by=STAFF)
    assert record.workbook.table(STOCK).get(("MUG", "LOC-1")).max_qty == 40

    with pytest.raises(InvalidValue, match="on_hand: cannot be edited here .*stocktake"):
        edit_cells(record.workbook, "Stock", row.id, {"on_hand": "99"}, None, by=MANAGER)
    with pytest.raises(InvalidValue, match="min_qty: must be 0 or more"):
        edit_cells(record.workbook, "Stock", row.id, {"min_qty": "-1"}, None, by=STAFF)


def test_a_stock_row_holding_stock_is_not_deleted(record):
    with record.workbook.transaction(STOCK, user="t") as tx:
        tx.insert(STOCK, {"sku": "MUG", "location_id": "LOC-1", "on_hand": 3})
    row = record.workbook.table(STOCK).get(("MUG", "LOC-1"))
    with pytest.raises(ProcessError, match="still holds 3"):
        delete_row(record.workbook, "Stock", row.id, row, by=MANAGER)


def test_a_page_carries_each_rows_key_and_filters_by_column(record):
    for name in ("Acme", "Globex", "Initech"):
        a_supplier(record, name)
    page = browse.page_of(
        record.workbook, "Suppliers", browse.PageRequest(filter_column="name", filter_text="glo"), by=STAFF
    )
    assert [row["name"] for row in page.rows] == ["Globex"]
    assert page.keys == [record.workbook.table(SUPPLIERS).keys()[1]]


def test_an_empty_stock_row_is_deleted_by_its_two_part_key(record):
    keep = add_row(record.workbook, "Stock", {"sku": "MUG", "location_id": "LOC-1"}, by=STAFF)
    gone = add_row(record.workbook, "Stock", {"sku": "MUG", "location_id": "LOC-2"}, by=STAFF)

    delete_row(record.workbook, "Stock", gone.id, gone, by=STAFF)

    assert record.workbook.table(STOCK).keys() == [keep.id]
