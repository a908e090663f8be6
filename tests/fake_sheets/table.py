"""The "logical table" search behind values:append.

Google does not append after the last row of the sheet: it finds the first non-empty
cell in the given range and grows a table from there through adjacent non-empty rows
and columns, then writes on the row after that table. A blank row in the middle of
the data therefore ends the table, and an append with range "Sheet1" or "A1" lands in
that gap - the trap these tests exist to catch.

Recorded Google behaviour this reproduces: row 1 = ["x", "", "y"], append with range
"Sheet1!A1" reports tableRange "Sheet1!A1" (column B breaks the table) and writes A2:C2.
"""

from __future__ import annotations

from .a1 import Bounds
from .grid import Sheet


def find_table(sheet: Sheet, bounds: Bounds) -> Bounds | None:
    """The table values:append would extend, or None when the range holds no data."""
    search = bounds.clip(sheet.row_count, sheet.column_count)
    first = _first_value(sheet, search)
    if first is None:
        return None
    top, left = first
    single_cell = bounds.end_row == bounds.start_row + 1 and bounds.end_col == bounds.start_col + 1
    min_col, max_col = (left, sheet.column_count) if single_cell else (search.start_col, search.end_col)
    bottom, right = top + 1, left + 1
    grew = True
    while grew:
        grew = False
        while bottom < sheet.row_count and sheet.row_has_value(bottom, left, right):
            bottom, grew = bottom + 1, True
        while right < max_col and _column_has_value(sheet, right, top, bottom):
            right, grew = right + 1, True
        while left > min_col and _column_has_value(sheet, left - 1, top, bottom):
            left, grew = left - 1, True
    return Bounds(top, bottom, left, right)


def _first_value(sheet: Sheet, search: Bounds) -> tuple[int, int] | None:
    """The first cell with a value, scanning row by row from the range's top-left."""
    assert search.end_row is not None and search.end_col is not None
    for row, col, cell in sheet.cells_in(search.start_row, search.end_row):
        if search.start_col <= col < search.end_col and cell.value is not None:
            return row, col
    return None


def _column_has_value(sheet: Sheet, col: int, top: int, bottom: int) -> bool:
    return any(sheet.value(row, col) is not None for row in range(top, min(bottom, sheet.stored_row_count)))
