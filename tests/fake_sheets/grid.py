"""The cell and sheet model: one grid of cells per tab, sparse, cheap to copy.

Rows are kept as a list of {column: Cell} dicts (only up to the last row ever touched),
so inserting or deleting rows shifts everything below exactly like Sheets does, and a
whole spreadsheet can be cloned for an atomic batchUpdate without copying empty cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


@dataclass(frozen=True)
class Formula:
    """A formula cell. The fake never evaluates it: `result` stands in for the computed value.

    Reading with UNFORMATTED_VALUE or FORMATTED_VALUE shows `result`; only the FORMULA
    render option shows `text`. That difference is what lets tests catch formulas
    sneaking into the sheet.
    """

    text: str
    result: str | int | float | bool = "#FORMULA"


CellValue = None | str | int | float | bool | Formula


@dataclass(frozen=True)
class Validation:
    """A ONE_OF_LIST data-validation rule (the dropdown a person picks from)."""

    values: tuple[str, ...]
    strict: bool = False
    show_custom_ui: bool = False


@dataclass(frozen=True)
class Cell:
    """Everything the fake tracks about one cell: its value, bold, and validation."""

    value: CellValue = None
    bold: bool = False
    validation: Validation | None = None

    @property
    def is_blank(self) -> bool:
        """Nothing at all in the cell, so it need not be stored."""
        return self.value is None and not self.bold and self.validation is None

    def format_only(self) -> Cell:
        """The formatting a newly inserted neighbour inherits (no value)."""
        return Cell(None, self.bold, self.validation)


EMPTY = Cell()


class Sheet:
    """One tab: its properties and its grid of cells."""

    def __init__(
        self,
        sheet_id: int,
        title: str,
        row_count: int = DEFAULT_ROWS,
        column_count: int = DEFAULT_COLUMNS,
    ) -> None:
        self.sheet_id = sheet_id
        self.title = title
        self.row_count = row_count
        self.column_count = column_count
        self.frozen_row_count = 0
        self.frozen_column_count = 0
        self.hidden = False
        self._rows: list[dict[int, Cell]] = []

    def clone(self) -> Sheet:
        """An independent copy (cells are immutable, so only the row dicts are copied)."""
        copy = Sheet(self.sheet_id, self.title, self.row_count, self.column_count)
        copy.frozen_row_count = self.frozen_row_count
        copy.frozen_column_count = self.frozen_column_count
        copy.hidden = self.hidden
        copy._rows = [dict(row) for row in self._rows]
        return copy

    # ----- reading -------------------------------------------------------------------

    def cell(self, row: int, col: int) -> Cell:
        """The cell at 0-based (row, col); EMPTY when nothing is stored there."""
        if row < len(self._rows):
            return self._rows[row].get(col, EMPTY)
        return EMPTY

    def value(self, row: int, col: int) -> CellValue:
        """Just the value at 0-based (row, col)."""
        return self.cell(row, col).value

    def stored_cells(self, row: int) -> Mapping[int, Cell]:
        """The stored cells of one row, keyed by column, not copied: only to read, at once."""
        return self._rows[row] if row < len(self._rows) else {}

    def row_cells(self, row: int) -> dict[int, Cell]:
        """A copy of the stored cells of one row, keyed by column."""
        return dict(self._rows[row]) if row < len(self._rows) else {}

    @property
    def stored_row_count(self) -> int:
        """Rows that may hold anything; every row at or past this index is empty."""
        return len(self._rows)

    def cells_in(self, start_row: int, end_row: int) -> Iterator[tuple[int, int, Cell]]:
        """Stored cells of rows [start_row, end_row), in row then column order."""
        for row in range(start_row, min(end_row, len(self._rows))):
            for col in sorted(self._rows[row]):
                yield row, col, self._rows[row][col]

    def last_value_row(self) -> int:
        """Index of the last row with any value in it, or -1 for an empty sheet."""
        for row in range(len(self._rows) - 1, -1, -1):
            if any(cell.value is not None for cell in self._rows[row].values()):
                return row
        return -1

    def row_has_value(self, row: int, start_col: int, end_col: int) -> bool:
        """Whether any cell of `row` within columns [start_col, end_col) has a value."""
        cells = self._rows[row] if row < len(self._rows) else {}
        return any(start_col <= c < end_col and cell.value is not None for c, cell in cells.items())

    # ----- writing -------------------------------------------------------------------

    def put(self, row: int, col: int, cell: Cell) -> None:
        """Store a cell (callers have already checked the grid limits)."""
        if cell.is_blank:
            if row < len(self._rows):
                self._rows[row].pop(col, None)
            return
        while len(self._rows) <= row:
            self._rows.append({})
        self._rows[row][col] = cell

    def set_value(self, row: int, col: int, value: CellValue) -> None:
        """Change a cell's value, keeping its formatting and validation."""
        self.put(row, col, replace(self.cell(row, col), value=value))

    def change(self, row: int, col: int, **changes: Any) -> None:
        """Change some attributes of a cell (value, bold, validation)."""
        self.put(row, col, replace(self.cell(row, col), **changes))

    def take_row(self, row: int) -> dict[int, Cell]:
        """Remove and return a row's cells (used when rows are reordered)."""
        if row < len(self._rows):
            cells = self._rows[row]
            self._rows[row] = {}
            return cells
        return {}

    def place_row(self, row: int, cells: dict[int, Cell]) -> None:
        """Put back cells taken with take_row at a (possibly different) row."""
        for col, cell in cells.items():
            self.put(row, col, cell)

    def grow(self, rows: int, columns: int) -> None:
        """Make the grid at least this big (never shrinks)."""
        self.row_count = max(self.row_count, rows)
        self.column_count = max(self.column_count, columns)

    def resize(self, rows: int, columns: int) -> None:
        """Set the grid size; cells beyond a smaller grid are lost, as in Sheets."""
        self.row_count, self.column_count = rows, columns
        del self._rows[rows:]
        for cells in self._rows:
            for col in [c for c in cells if c >= columns]:
                del cells[col]

    # ----- structure -----------------------------------------------------------------

    def insert_rows(self, at: int, count: int, inherit_from: int | None = None) -> None:
        """Insert blank rows before index `at`, pushing the rest down.

        `inherit_from` names the (pre-insert) row whose formatting and validation the new
        rows copy, as insertDimension's inheritFromBefore does.
        """
        template = {}
        if inherit_from is not None:
            template = {c: cell.format_only() for c, cell in self.row_cells(inherit_from).items()}
            template = {c: cell for c, cell in template.items() if not cell.is_blank}
        if at <= len(self._rows):
            for _ in range(count):
                self._rows.insert(at, dict(template))
        else:
            for offset in range(count):
                self.place_row(at + offset, dict(template))
        self.row_count += count
        if at < self.frozen_row_count:
            self.frozen_row_count += count

    def delete_rows(self, at: int, count: int) -> None:
        """Delete rows [at, at+count), pulling the rest up."""
        del self._rows[at : at + count]
        self.row_count -= count
        if at < self.frozen_row_count:
            self.frozen_row_count -= min(count, self.frozen_row_count - at)

    def insert_columns(self, at: int, count: int, inherit_from: int | None = None) -> None:
        """Insert blank columns before index `at`, pushing the rest right."""
        for index, cells in enumerate(self._rows):
            source = cells.get(inherit_from) if inherit_from is not None else None
            shifted = {(c + count if c >= at else c): cell for c, cell in cells.items()}
            if source is not None and not source.format_only().is_blank:
                for offset in range(count):
                    shifted[at + offset] = source.format_only()
            self._rows[index] = shifted
        self.column_count += count
        if at < self.frozen_column_count:
            self.frozen_column_count += count

    def delete_columns(self, at: int, count: int) -> None:
        """Delete columns [at, at+count), pulling the rest left."""
        for index, cells in enumerate(self._rows):
            self._rows[index] = {
                (c - count if c >= at + count else c): cell
                for c, cell in cells.items()
                if not at <= c < at + count
            }
        self.column_count -= count
        if at < self.frozen_column_count:
            self.frozen_column_count -= min(count, self.frozen_column_count - at)

    def move_column(self, source: int, target: int) -> None:
        """Move a whole column so it ends up at index `target` (like dragging it)."""
        for index, cells in enumerate(self._rows):
            moved = cells.pop(source, None)
            shifted = {}
            for col, cell in cells.items():
                col = col - 1 if col > source else col
                shifted[col + 1 if col >= target else col] = cell
            if moved is not None:
                shifted[target] = moved
            self._rows[index] = shifted

    # ----- API shape -----------------------------------------------------------------

    def properties_json(self, index: int) -> dict[str, Any]:
        """SheetProperties as the API returns them (zero frozen counts are omitted)."""
        grid: dict[str, Any] = {"rowCount": self.row_count, "columnCount": self.column_count}
        if self.frozen_row_count:
            grid["frozenRowCount"] = self.frozen_row_count
        if self.frozen_column_count:
            grid["frozenColumnCount"] = self.frozen_column_count
        properties: dict[str, Any] = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            properties["hidden"] = True
        return properties
