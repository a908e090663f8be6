"""A row left out as a data issue can still be recognised by its raw cells."""

from __future__ import annotations

from sheets.reading import read_table
from sheets.tabs import ORDERS


def test_the_raw_cells_of_an_unreadable_row_are_kept_with_its_sheet_row():
    rows = [
        ["Orders kept by hand"],  # a title row above the header
        ["order_id", "external_ref", "customer_name", "Notes", "total"],
        ["ORD-1", "#1001", "Ann", "", 12.5],
        [],
        ["ORD-2", "#1002", "Bo", "call first", "12,34 EUR"],
    ]
    table = read_table(ORDERS, rows)
    assert table.keys() == ["ORD-1"]
    assert table.unreadable == [
        (5, {"order_id": "ORD-2", "external_ref": "#1002", "customer_name": "Bo", "total": "12,34 EUR"})
    ]
    # The declared columns this hand-made header lacks are issues of its header row (2).
    assert [issue.row for issue in table.issues if issue.row != 2] == [5]


def test_a_tab_that_reads_cleanly_has_no_unreadable_rows():
    table = read_table(ORDERS, [["order_id", "customer_name"], ["ORD-1", "Ann"]])
    assert table.unreadable == []
