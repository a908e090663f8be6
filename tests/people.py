"""The person at the keyboard, on the local workbook.

Mirrors the Google fake's Person (tests/fake_sheets) so one contract test can
edit either backend the way a person edits a spreadsheet: 1-based rows and
columns, a column given by number or by header text.
"""

from __future__ import annotations

from typing import Any

from sheets.backends.local import LocalBackend
from sheets.cells import is_blank
from sheets.locate import padded


class LocalPerson:
    def __init__(self, backend: LocalBackend) -> None:
        self.backend = backend

    def _edit(self, tab: str, change) -> None:
        with self.backend.raw_edit() as grid:
            rows = grid.rows(tab)
            change(rows)
            grid.replace_rows(tab, rows)

    def _column(self, rows: list[list[Any]], column: int | str) -> int:
        if isinstance(column, int):
            return column - 1
        return [str(cell) for cell in rows[0]].index(column)

    def values(self, tab: str) -> list[list[Any]]:
        rows = [list(row) for row in self.backend.raw_rows(tab)]
        for row in rows:
            while row and is_blank(row[-1]):
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def cell(self, tab: str, row: int, column: int | str) -> Any:
        rows = self.backend.raw_rows(tab)
        index = self._column(rows, column)
        return rows[row - 1][index] if index < len(rows[row - 1]) else None

    def insert_rows(self, tab: str, at_row: int, rows: list[list[Any]] | None = None, count: int = 1) -> None:
        new_rows = [list(row) for row in rows] if rows else [[] for _ in range(count)]
        self._edit(tab, lambda grid: grid.__setitem__(slice(at_row - 1, at_row - 1), new_rows))

    def insert_blank_rows(self, tab: str, at_row: int, count: int) -> None:
        self.insert_rows(tab, at_row, count=count)

    def delete_rows(self, tab: str, at_row: int, count: int = 1) -> None:
        self._edit(tab, lambda grid: grid.__delitem__(slice(at_row - 1, at_row - 1 + count)))

    def append_row(self, tab: str, values: list[Any]) -> None:
        def change(grid):
            while grid and all(is_blank(cell) for cell in grid[-1]):
                grid.pop()
            grid.append(list(values))

        self._edit(tab, change)

    def set_cell(self, tab: str, row: int, column: int | str, value: Any) -> None:
        def change(grid):
            index = self._column(grid, column)
            while len(grid) < row:
                grid.append([])
            grid[row - 1] = padded(grid[row - 1], index + 1)
            grid[row - 1][index] = value

        self._edit(tab, change)

    def sort(self, tab: str, column: int | str, descending: bool = False, header_rows: int = 1) -> None:
        def change(grid):
            index = self._column(grid, column)
            body = grid[header_rows:]
            body.sort(key=lambda row: _sort_key(row[index] if index < len(row) else None), reverse=descending)
            grid[header_rows:] = body

        self._edit(tab, change)

    def add_column(
        self, tab: str, header: str, at_col: int | None = None, values: list[Any] | None = None
    ) -> None:
        def change(grid):
            width = max(len(row) for row in grid)
            index = width if at_col is None else at_col - 1
            for number, row in enumerate(grid):
                cell = (
                    header
                    if number == 0
                    else (values[number - 1] if values and number - 1 < len(values) else "")
                )
                grid[number] = padded(row, index)
                grid[number].insert(index, cell)

        self._edit(tab, change)

    def move_column(self, tab: str, from_col: int | str, to_col: int) -> None:
        def change(grid):
            source = self._column(grid, from_col)
            width = max(len(row) for row in grid)
            for number, row in enumerate(grid):
                cells = padded(row, width)
                cells.insert(to_col - 1, cells.pop(source))
                grid[number] = cells

        self._edit(tab, change)

    def delete_column(self, tab: str, column: int | str) -> None:
        def change(grid):
            index = self._column(grid, column)
            for number, row in enumerate(grid):
                grid[number] = [cell for position, cell in enumerate(row) if position != index]

        self._edit(tab, change)

    def rename_header(self, tab: str, old: str, new: str) -> None:
        def change(grid):
            grid[0][[str(cell) for cell in grid[0]].index(old)] = new

        self._edit(tab, change)

    def delete_sheet(self, tab: str) -> None:
        with self.backend.raw_edit() as grid:
            grid.delete_tab(tab)

    def rename_sheet(self, old: str, new: str) -> None:
        with self.backend.raw_edit() as grid:
            grid.rename_tab(old, new)


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, blanks last, as a spreadsheet sorts."""
    if is_blank(value):
        return (2, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, str(value).casefold())
