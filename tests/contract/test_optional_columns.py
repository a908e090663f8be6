"""A sheet made before the barcode and bin columns existed keeps working (both backends)."""

from __future__ import annotations

import pytest

from sheets.errors import SheetError
from sheets.tabs import PRODUCTS, STOCK


def _without(record, tab, column):
    record.person.delete_column(tab.name, column)
    record.workbook.invalidate()


def test_a_sheet_without_the_optional_columns_reads_and_adds_rows_with_no_data_issue(record):
    _without(record, PRODUCTS, "barcode")
    _without(record, STOCK, "bin")

    with record.workbook.transaction(PRODUCTS, STOCK, user="ann", action="add") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle"})
        tx.insert(STOCK, {"sku": "KIT-001", "location_id": "LOC-A", "on_hand": 3})
    record.workbook.invalidate()

    products, stock = record.workbook.table(PRODUCTS), record.workbook.table(STOCK)
    assert products.get("KIT-001").barcode is None
    assert stock.get(("KIT-001", "LOC-A")).bin is None
    assert products.missing_columns == [] and stock.missing_columns == []
    assert record.workbook.check(assign_ids=False) == []


def test_writing_a_barcode_into_a_sheet_without_the_column_asks_for_init(record):
    _without(record, PRODUCTS, "barcode")

    adding = record.workbook.transaction(PRODUCTS, user="ann", action="add")
    with pytest.raises(SheetError, match="init"), adding as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-002", "name": "Pan", "barcode": "4006381333931"})
    record.workbook.invalidate()
    assert record.workbook.table(PRODUCTS).get("KIT-002") is None


def test_init_adds_the_optional_columns(record):
    _without(record, PRODUCTS, "barcode")

    record.workbook.init()
    record.workbook.invalidate()

    assert "barcode" in record.person.values(PRODUCTS.name)[0]
