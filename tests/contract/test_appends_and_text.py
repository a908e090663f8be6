"""Appends land after the last row; user text stays text (rules 5 and 6)."""

from __future__ import annotations

import pytest

from sheets.tabs import ORDERS, PRODUCTS

HOSTILE = ['=IMPORTXML("http://x","//a")', "+SUM(1,2)", "-2+3", "@attacker", "=1+1"]


def test_appends_go_after_the_last_row_even_with_blank_rows_in_between(record):
    with record.workbook.transaction(ORDERS, user="ann") as tx:
        tx.insert(ORDERS, {"customer_name": "Ann"})
        tx.insert(ORDERS, {"customer_name": "Bo"})
    record.person.insert_blank_rows("Orders", 3, 3)
    record.person.append_row("Orders", ["ORD-BYHAND00001", "phone", "", "Typed after the gap"])

    with record.workbook.transaction(ORDERS, user="ann") as tx:
        new = tx.insert(ORDERS, {"customer_name": "Cy"})

    rows = record.person.values("Orders")
    assert rows[-1][0] == new.order_id
    assert [row[3] for row in rows if row and row[0]][1:] == ["Ann", "Bo", "Typed after the gap", "Cy"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_looks_like_a_formula_is_stored_and_read_as_text(record, text):
    with record.workbook.transaction(ORDERS, user="ann") as tx:
        order = tx.insert(ORDERS, {"customer_name": text, "ship_address": text})
    with record.workbook.transaction(ORDERS, user="ann") as tx:
        tx.update(order, {"carrier": text})
    record.workbook.invalidate()

    read = record.workbook.table(ORDERS).get(order.id)

    assert (read.customer_name, read.ship_address, read.carrier) == (text, text, text)
    if record.fake is not None:
        row = next(r for r in record.person.values("Orders") if r and r[0] == order.order_id)
        columns = record.person.values("Orders")[0]
        for name in ("customer_name", "ship_address", "carrier"):
            assert not record.person.is_formula(
                "Orders", record.person.values("Orders").index(row) + 1, columns.index(name) + 1
            )


def test_a_natural_key_that_exists_is_refused(record):
    from sheets.errors import DuplicateKey

    with record.workbook.transaction(PRODUCTS, user="ann") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Kettle"})
    with pytest.raises(DuplicateKey), record.workbook.transaction(PRODUCTS, user="ann") as tx:
        tx.insert(PRODUCTS, {"sku": "KIT-001", "name": "Another kettle"})
    assert len(record.workbook.table(PRODUCTS)) == 1
