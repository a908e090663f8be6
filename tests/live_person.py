"""The person at the keyboard on a real Google spreadsheet (tests marked `live`).

Same methods as the fake's Person and tests/people.py, made with plain
gspread calls as a person's edits would arrive: RAW values, inserted and
deleted rows, a sort of the data below the header.
"""

from __future__ import annotations

from typing import Any

import gspread

from sheets.backends.google.backend import READ_PARAMS
from sheets.backends.google.cells import quote_tab
from sheets.cells import is_blank


class LivePerson:
    def __init__(self, spreadsheet: gspread.Spreadsheet) -> None:
        self.spreadsheet = spreadsheet

    def _sheet(self, tab: str) -> gspread.Worksheet:
        return self.spreadsheet.worksheet(tab)

    def _column(self, tab: str, column: int | str) -> int:
        if isinstance(column, int):
            return column
        return [str(cell) for cell in self.values(tab)[0]].index(column) + 1

    def values(self, tab: str) -> list[list[Any]]:
        answer = self.spreadsheet.values_batch_get([quote_tab(tab)], params=READ_PARAMS)
        rows = answer["valueRanges"][0].get("values", [])
        for row in rows:
            while row and is_blank(row[-1]):
                row.pop()
        return rows

    def cell(self, tab: str, row: int, column: int | str) -> Any:
        rows = self.values(tab)
        index = self._column(tab, column) - 1
        return rows[row - 1][index] if row <= len(rows) and index < len(rows[row - 1]) else None

    def insert_rows(self, tab: str, at_row: int, rows: list[list[Any]] | None = None, count: int = 1) -> None:
        new_rows = [list(row) for row in rows] if rows else [[""] for _ in range(count)]
        self._sheet(tab).insert_rows(new_rows, row=at_row, value_input_option="RAW")

    def insert_blank_rows(self, tab: str, at_row: int, count: int) -> None:
        self.insert_rows(tab, at_row, count=count)

    def delete_rows(self, tab: str, at_row: int, count: int = 1) -> None:
        self._sheet(tab).delete_rows(at_row, at_row + count - 1)

    def append_row(self, tab: str, values: list[Any]) -> None:
        row = len(self.values(tab)) + 1
        sheet = self._sheet(tab)
        if row > sheet.row_count:
            sheet.add_rows(row - sheet.row_count)
        sheet.update([list(values)], f"A{row}", raw=True)

    def set_cell(self, tab: str, row: int, column: int | str, value: Any) -> None:
        self._sheet(tab).update(
            [[value]], gspread.utils.rowcol_to_a1(row, self._column(tab, column)), raw=True
        )

    def sort(self, tab: str, column: int | str, descending: bool = False, header_rows: int = 1) -> None:
        sheet = self._sheet(tab)
        last_row = len(self.values(tab))
        last_column = gspread.utils.rowcol_to_a1(1, sheet.col_count).rstrip("1")
        sheet.sort(
            (self._column(tab, column), "des" if descending else "asc"),
            range=f"A{header_rows + 1}:{last_column}{last_row}",
        )

    def add_column(
        self, tab: str, header: str, at_col: int | None = None, values: list[Any] | None = None
    ) -> None:
        sheet = self._sheet(tab)
        width = max(len(row) for row in self.values(tab))
        sheet.insert_cols([[header, *(values or [])]], col=at_col or width + 1, value_input_option="RAW")

    def move_column(self, tab: str, from_col: int, to_col: int) -> None:
        sheet_id = self._sheet(tab).id
        destination = to_col - 1 if to_col < from_col else to_col
        self.spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "moveDimension": {
                            "source": {
                                "sheetId": sheet_id,
                                "dimension": "COLUMNS",
                                "startIndex": from_col - 1,
                                "endIndex": from_col,
                            },
                            "destinationIndex": destination,
                        }
                    }
                ]
            }
        )

    def rename_header(self, tab: str, old: str, new: str) -> None:
        self.set_cell(tab, 1, self._column(tab, old), new)

    def delete_sheet(self, tab: str) -> None:
        self.spreadsheet.del_worksheet(self._sheet(tab))

    def rename_sheet(self, old: str, new: str) -> None:
        self._sheet(old).update_title(new)


def wipe(spreadsheet: gspread.Spreadsheet) -> None:
    """Leave the test spreadsheet with one empty tab, so every live test starts alike."""
    scratch = (
        spreadsheet.add_worksheet("Scratch", rows=10, cols=5) if not _has(spreadsheet, "Scratch") else None
    )
    for sheet in spreadsheet.worksheets():
        if sheet.title != "Scratch":
            spreadsheet.del_worksheet(sheet)
    if scratch is None:
        spreadsheet.worksheet("Scratch").clear()


def _has(spreadsheet: gspread.Spreadsheet, title: str) -> bool:
    return any(sheet.title == title for sheet in spreadsheet.worksheets())
