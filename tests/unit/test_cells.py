"""Reading one cell as a person may have typed it, and writing it back literally."""

from datetime import date, datetime

import pytest

from sheets.cells import CellError, parse_cell, same_cell, to_cell
from sheets.schema import Kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(12, 12), (12.0, 12), ("12", 12), (" 1,200 ", 1200), ("$1,200", 1200), ("-3", -3)],
)
def test_whole_numbers_typed_as_text_are_read(raw, expected):
    assert parse_cell(Kind.INT, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("12.5", 12.5), ("€1,234.50", 1234.5), (3, 3.0), ("¥8", 8.0)])
def test_numbers_typed_as_text_are_read(raw, expected):
    assert parse_cell(Kind.NUMBER, raw) == expected


@pytest.mark.parametrize("raw", ["twelve", "12 pcs", "1,5", "1.5.2", True, "nan", "inf"])
def test_text_that_is_not_a_number_is_refused_with_the_value(raw):
    with pytest.raises(CellError, match="expected a number"):
        parse_cell(Kind.NUMBER, raw)


def test_a_fraction_is_not_a_whole_number():
    with pytest.raises(CellError, match="whole number"):
        parse_cell(Kind.INT, "2.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-25", datetime(2026, 11, 25)),
        ("2026/11/25 09:30", datetime(2026, 11, 25, 9, 30)),
        ("2026-11-25T09:30:15", datetime(2026, 11, 25, 9, 30, 15)),
        (46351, datetime(2026, 11, 25)),  # a spreadsheet serial number
        (46351.5, datetime(2026, 11, 25, 12)),
    ],
)
def test_dates_as_text_or_serial_numbers(raw, expected):
    assert parse_cell(Kind.DATETIME, raw) == expected
    assert parse_cell(Kind.DATE, raw) == expected.date()


def test_a_date_nobody_can_read_is_refused():
    with pytest.raises(CellError, match="expected a date"):
        parse_cell(Kind.DATE, "next tuesday")


@pytest.mark.parametrize(
    ("raw", "expected"), [(True, True), ("yes", True), ("N", False), ("TRUE", True), (0, False)]
)
def test_booleans(raw, expected):
    assert parse_cell(Kind.BOOL, raw) is expected


def test_text_columns_keep_what_was_typed_and_show_whole_numbers_plainly():
    assert parse_cell(Kind.TEXT, 7.0) == "7"
    assert parse_cell(Kind.TEXT, "  =SUM(A1) ") == "=SUM(A1)"


def test_written_cells_keep_formula_like_text_as_text():
    for text in ("=IMPORTXML(1)", "+1", "-2", "@me"):
        assert to_cell(Kind.TEXT, text) == text


def test_written_cells_use_iso_dates_and_real_numbers():
    assert to_cell(Kind.DATETIME, datetime(2026, 1, 2, 3, 4, 5, 999)) == "2026-01-02 03:04:05"
    assert to_cell(Kind.DATE, date(2026, 1, 2)) == "2026-01-02"
    assert to_cell(Kind.INT, "7") == 7
    assert to_cell(Kind.NUMBER, 2.50) == 2.5
    assert to_cell(Kind.TEXT, None) == ""


def test_cells_compare_by_value_not_by_how_they_were_typed():
    assert same_cell(5, 5.0)
    assert same_cell("5", 5)
    assert same_cell(None, "")
    assert not same_cell("a", "b")
    assert not same_cell(None, 0)
