"""A person editing the spreadsheet by hand between the app's requests.

The app shares its record with people who insert rows, sort, rename headers and move
columns while it works. These edits go straight to the fake's state (no HTTP, not
counted), under the same lock as the API, using the grid's 1-based row and column
numbers as the person sees them. A column may also be named by its header text.

Values are stored exactly as given: pass Formula("=...") to enter a formula.
"""

from __future__ import annotations

from collections.abc import Sequence

from .a1 import Bounds
from .grid import CellValue, Formula, Sheet, Validation
from .render import unformatted
from .sorting import sort_rows
from .spreadsheet import FakeSpreadsheet
from .values_api import read_values

Column = int | str


class Person:
    """Direct, UI-like edits to one spreadsheet."""

    def __init__(self, spreadsheet: FakeSpreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self._lock = spreadsheet.lock

    # ----- rows ----------------------------------------------------------------------

    def insert_rows(
        self, sheet: str, at_row: int, rows: Sequence[Sequence[CellValue]] | None = None, count: int = 1
    ) -> None:
        """Insert rows so the first new one is row `at_row`; the rest move down."""
        with self._lock:
            tab = self._sheet(sheet)
            added = len(rows) if rows else count
            tab.insert_rows(at_row - 1, added)
            for offset, values in enumerate(rows or []):
                self._write_row(tab, at_row - 1 + offset, values)

    def insert_blank_rows(self, sheet: str, at_row: int, count: int) -> None:
        """Insert `count` empty rows starting at row `at_row`."""
        self.insert_rows(sheet, at_row, count=count)

    def delete_rows(self, sheet: str, at_row: int, count: int = 1) -> None:
        """Delete rows starting at row `at_row`; the rest move up."""
        with self._lock:
            self._sheet(sheet).delete_rows(at_row - 1, count)

    def append_row(self, sheet: str, values: Sequence[CellValue]) -> None:
        """Type a row under the last row that has any value (the grid grows if full)."""
        with self._lock:
            tab = self._sheet(sheet)
            row = tab.last_value_row() + 1
            tab.grow(row + 1, len(values))
            self._write_row(tab, row, values)

    def sort(self, sheet: str, column: Column, descending: bool = False, header_rows: int = 1) -> None:
        """Sort the data rows below the header by one column (numbers before text)."""
        with self._lock:
            tab = self._sheet(sheet)
            col = self._column(tab, column)
            rows = range(header_rows, tab.stored_row_count)
            taken = [tab.take_row(row) for row in rows]
            for row, cells in zip(rows, sort_rows(taken, [(col, descending)]), strict=True):
                tab.place_row(row, cells)

    # ----- columns -------------------------------------------------------------------

    def add_column(
        self, sheet: str, header: str, at_col: int | None = None, values: Sequence[CellValue] | None = None
    ) -> None:
        """Add a column with a header (and optional values below it).

        With at_col, a column is inserted there and the rest move right; without it, the
        header goes in the first column after the last header.
        """
        with self._lock:
            tab = self._sheet(sheet)
            if at_col is None:
                col = max(
                    (c + 1 for c, cell in tab.row_cells(0).items() if cell.value is not None), default=0
                )
                tab.grow(0, col + 1)
            else:
                col = at_col - 1
                tab.insert_columns(col, 1)
            tab.grow(1 + len(values or []), 0)
            tab.set_value(0, col, header)
            for offset, value in enumerate(values or []):
                tab.set_value(1 + offset, col, _stored(value))

    def move_column(self, sheet: str, from_col: Column, to_col: int) -> None:
        """Drag a column so it becomes column `to_col`."""
        with self._lock:
            tab = self._sheet(sheet)
            tab.move_column(self._column(tab, from_col), to_col - 1)

    def delete_column(self, sheet: str, column: Column) -> None:
        """Delete a column; the columns to its right move left."""
        with self._lock:
            tab = self._sheet(sheet)
            tab.delete_columns(self._column(tab, column), 1)

    def rename_header(self, sheet: str, old: str, new: str) -> None:
        """Retype a header cell in row 1."""
        with self._lock:
            tab = self._sheet(sheet)
            tab.set_value(0, self._column(tab, old), new)

    def set_cell(self, sheet: str, row: int, col: Column, value: CellValue) -> None:
        """Type a value into one cell (stored as given; "" or None empties it)."""
        with self._lock:
            tab = self._sheet(sheet)
            index = self._column(tab, col)
            if row > tab.row_count or index >= tab.column_count:
                raise IndexError(f"row {row}, column {index + 1} is outside {sheet!r}")
            tab.set_value(row - 1, index, _stored(value))

    # ----- tabs ----------------------------------------------------------------------

    def add_sheet(self, title: str, rows: Sequence[Sequence[CellValue]] | None = None) -> None:
        """Add a tab, optionally with values."""
        with self._lock:
            if self.spreadsheet.find_sheet(title) is not None:
                raise ValueError(f"a sheet named {title!r} already exists")
            self.spreadsheet.add_sheet(title, rows)

    def rename_sheet(self, old: str, new: str) -> None:
        """Rename a tab."""
        with self._lock:
            self._sheet(old).title = new

    def delete_sheet(self, name: str) -> None:
        """Delete a tab."""
        with self._lock:
            self.spreadsheet.remove_sheet(self._sheet(name))

    # ----- reading -------------------------------------------------------------------

    def values(self, sheet: str) -> list[list[object]]:
        """The whole tab as values.get with UNFORMATTED_VALUE would return it."""
        with self._lock:
            tab = self._sheet(sheet)
            return read_values(tab, _whole(tab), "UNFORMATTED_VALUE")

    def cell(self, sheet: str, row: int, col: Column) -> CellValue:
        """The stored value (None when empty, a Formula for formulas)."""
        with self._lock:
            tab = self._sheet(sheet)
            return tab.value(row - 1, self._column(tab, col))

    def display(self, sheet: str, row: int, col: Column) -> object:
        """The value as UNFORMATTED_VALUE shows it ("" when empty)."""
        return unformatted(self.cell(sheet, row, col))

    def is_formula(self, sheet: str, row: int, col: Column) -> bool:
        """Whether the cell holds a formula."""
        return isinstance(self.cell(sheet, row, col), Formula)

    def frozen_rows(self, sheet: str) -> int:
        """How many rows are frozen."""
        with self._lock:
            return self._sheet(sheet).frozen_row_count

    def is_bold(self, sheet: str, row: int, col: Column) -> bool:
        """Whether the cell is bold."""
        with self._lock:
            tab = self._sheet(sheet)
            return tab.cell(row - 1, self._column(tab, col)).bold

    def validation(self, sheet: str, row: int, col: Column) -> Validation | None:
        """The cell's dropdown rule (.values, .strict, .show_custom_ui), or None."""
        with self._lock:
            tab = self._sheet(sheet)
            return tab.cell(row - 1, self._column(tab, col)).validation

    def headers(self, sheet: str) -> list[object]:
        """Row 1, as values."""
        rows = self.values(sheet)
        return rows[0] if rows else []

    # ----- helpers -------------------------------------------------------------------

    def _sheet(self, title: str) -> Sheet:
        return self.spreadsheet.sheet(title)

    def _column(self, tab: Sheet, column: Column) -> int:
        """0-based index of a 1-based column number or a header text in row 1."""
        if isinstance(column, int):
            return column - 1
        for col, cell in tab.row_cells(0).items():
            if cell.value == column:
                return col
        raise KeyError(f"no header {column!r} in row 1 of {tab.title!r}")

    def _write_row(self, tab: Sheet, row: int, values: Sequence[CellValue]) -> None:
        tab.grow(row + 1, len(values))
        for col, value in enumerate(values):
            tab.set_value(row, col, _stored(value))


def _whole(tab: Sheet) -> Bounds:
    """The whole grid of a tab."""
    return Bounds(0, tab.row_count, 0, tab.column_count)


def _stored(value: CellValue) -> CellValue:
    return None if value == "" else value
