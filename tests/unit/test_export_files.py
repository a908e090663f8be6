"""CSV and .xlsx files of an export: text that looks like a formula stays text, and reading back is exact."""

from __future__ import annotations

import itertools

import pytest

from processes.export_files import protect, read_csv, read_xlsx, unprotect, write_csv, write_xlsx
from sheets.tabs import ORDERS

STARTS = ["=", "+", "-", "@", "'", "\t", "\r", "a", "1", " "]
#: Every two-character start of text from the characters that matter, then some text.
TEXTS = ["", *("".join(pair) + "x" for pair in itertools.product(STARTS, repeat=2)), "'", "''", "-", "="]


@pytest.mark.parametrize("text", TEXTS)
def test_protection_is_undone_exactly(text):
    assert unprotect(protect(text)) == text


def test_only_text_that_starts_like_a_formula_or_with_an_apostrophe_is_protected():
    assert [protect(text) for text in ("=A1", "+1", "-", "@x", "'q", "a=b", "12", "\tx")] == [
        "'=A1",
        "'+1",
        "'-",
        "'@x",
        "''q",
        "a=b",
        "12",
        "'\tx",
    ]


def test_a_row_of_every_kind_of_cell_comes_back_from_csv_and_xlsx():
    rows = [
        ["name", "number", "flag", "other"],
        ["=SUM(A1:A9)", -5, True, "007"],
        ["'already quoted", 2.5, False, "1.50"],
        ["", 10_000_000_000, "", "plain text"],
        ["line\nbreak, and comma", 0, "", 'say "hi"'],
    ]
    assert read_csv(write_csv(rows)) == rows
    assert read_xlsx(write_xlsx({"Tab": rows})) == {"Tab": rows}


def test_in_a_csv_a_declared_text_column_stays_text_even_when_it_looks_like_a_number():
    rows = [["order_id", "external_ref", "total", "Added by a person"], ["ORD-1", "1001", 1001, "1001"]]
    back = read_csv(write_csv(rows), ORDERS)
    assert back[1] == ["ORD-1", "1001", 1001, 1001]  # an undeclared column is typed by its look


def test_trailing_blanks_are_dropped_and_blank_rows_between_are_kept():
    rows = [["a", "", None], [], ["b"], [""], []]
    assert read_csv(write_csv(rows)) == [["a"], [], ["b"]]


def test_text_columns_are_found_by_their_chinese_headers_too():
    header = ORDERS.headers("zh")
    row = ["" for _ in header]
    row[ORDERS.column_names.index("external_ref")] = "1001"
    row[ORDERS.column_names.index("total")] = 1001
    back = read_csv(write_csv([header, row]), ORDERS)
    assert back[1][ORDERS.column_names.index("external_ref")] == "1001"
    assert back[1][ORDERS.column_names.index("total")] == 1001
