"""`init` on Google: every missing tab and column, a frozen bold header, drop-downs; one batchUpdate.

A spreadsheet holds at most 10 million grid cells, empty ones included, so a tab
is laid out as wide as its header plus SPARE_COLUMNS (room for a column a person
inserts, and for the copy's read of a tab's head) and as tall as its header plus
SPARE_ROWS; it grows as rows are appended (appendCells grows the grid by itself).
A tab laid out bigger by an older init (Google's 26 x 1000) is trimmed to the same
margins past its last cell holding anything (a value or a formula): never a cell
with data. Drop-downs are set on the whole column below the header, and every row
the app appends carries its drop-downs itself (`choice_rule`), so they cover the
rows the tab grows by.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from sheets.backends.base import InitReport
from sheets.backends.google.cells import cell_data
from sheets.errors import TabProblem
from sheets.locate import padded
from sheets.reading import find_header
from sheets.schema import Column, Tab

#: Columns past the header (or the last column holding anything) a tab's grid keeps.
SPARE_COLUMNS = 3
#: Rows past the header (or the last row holding anything) a tab's grid keeps.
SPARE_ROWS = 50

#: (rows, columns) up to the last cell holding anything, per tab.
Extents = Mapping[str, tuple[int, int]]


def plan_init(
    tabs: Sequence[Tab],
    sheets: Mapping[str, dict[str, Any]],
    heads: Mapping[str, list[list[Any]] | None],
    language: str = "en",
    extents: Extents | None = None,
) -> tuple[list[dict], InitReport]:
    """The batchUpdate requests that bring the spreadsheet up to the schema (headers in `language`).

    `extents` (rows, columns up to the last cell holding anything) lets an oversized grid be trimmed.
    """
    requests: list[dict] = []
    report = InitReport()
    taken = {properties["sheetId"] for properties in sheets.values()}
    for position, tab in enumerate(tabs):
        if tab.name in sheets:
            sheet_id = sheets[tab.name]["sheetId"]
            rows = heads.get(tab.name) or []
            header_row, header_cells, first_new = _existing_header(tab, rows, report, language)
            used = (extents or {}).get(tab.name)
            requests += _fit_grid(tab, sheets[tab.name], header_row, len(header_cells), used, report)
        else:
            sheet_id = _new_sheet_id(taken)
            header_row, header_cells, first_new = 0, tab.headers(language), 0
            requests.append(_add_sheet(tab, sheet_id, position, len(header_cells)))
            report.created_tabs.append(tab.name)
        if first_new < len(header_cells):
            requests.append(_write_header(sheet_id, header_row, first_new, header_cells[first_new:]))
        requests += _format_header(sheet_id, header_row, len(header_cells))
        requests += _drop_downs(tab, sheet_id, header_row, header_cells)
    report.formatted = bool(requests)
    return requests, report


def header_format_requests(
    tab: Tab, sheet_id: int, header_row: int, header_cells: Sequence[Any]
) -> list[dict]:
    """The frozen bold header and the drop-downs for a header as it stands (after a copy, say)."""
    return _format_header(sheet_id, header_row, len(header_cells)) + _drop_downs(
        tab, sheet_id, header_row, header_cells
    )


def _existing_header(
    tab: Tab, rows: list[list[Any]], report: InitReport, language: str
) -> tuple[int, list[Any], int]:
    """(header row index, header cells after init, index of the first cell init writes)."""
    header = find_header(tab, rows)
    if header is None:
        if rows and any(cell not in (None, "") for cell in rows[0]):
            anchor = tab.key[0] if tab.key else tab.columns[0].name
            raise TabProblem(
                f"The {tab.name} tab has data but no header row with {anchor}: "
                "insert an empty first row and run init again."
            )
        report.added_columns[tab.name] = tab.column_names
        return 0, tab.headers(language), 0
    cells = padded(rows[header.row_index], header.width)
    first_new = len(cells)
    if header.missing:
        cells += tab.headers(language, [name for name in tab.column_names if name in header.missing])
        report.added_columns[tab.name] = list(header.missing)
    return header.row_index, cells, first_new


def _new_sheet_id(taken: set[int]) -> int:
    while True:
        candidate = random.randint(1, 2**31 - 1)
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _add_sheet(tab: Tab, sheet_id: int, position: int, width: int) -> dict:
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": tab.name,
                "index": position,
                "gridProperties": {"rowCount": 1 + SPARE_ROWS, "columnCount": width + SPARE_COLUMNS},
            }
        }
    }


def _fit_grid(
    tab: Tab,
    properties: dict[str, Any],
    header_row: int,
    width: int,
    used: tuple[int, int] | None,
    report: InitReport,
) -> list[dict]:
    """Grow a tab's grid to hold its header; trim the empty rows and columns past the spare ones."""
    grid = properties.get("gridProperties", {})
    have_rows, have_columns = grid.get("rowCount", 1000), grid.get("columnCount", 26)
    rows, columns = have_rows, have_columns
    if columns < width:
        columns = width + SPARE_COLUMNS
    if used is not None:
        used_rows, used_columns = used
        rows = min(rows, max(used_rows, header_row + 1) + SPARE_ROWS)
        columns = min(columns, max(used_columns, width) + SPARE_COLUMNS)
    if (rows, columns) == (have_rows, have_columns):
        return []
    if rows < have_rows or columns < have_columns:
        report.trimmed[tab.name] = (have_rows, rows, have_columns, columns)
    return [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": properties["sheetId"],
                    "gridProperties": {"rowCount": rows, "columnCount": columns},
                },
                "fields": "gridProperties.rowCount,gridProperties.columnCount",
            }
        }
    ]


def _write_header(sheet_id: int, row: int, column: int, cells: Sequence[Any]) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
            "rows": [{"values": [cell_data(cell) for cell in cells]}],
            "fields": "userEnteredValue",
        }
    }


def _format_header(sheet_id: int, row: int, width: int) -> list[dict]:
    return [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": sheet_id,
                    "gridProperties": {"frozenRowCount": row + 1},
                },
                "fields": "gridProperties.frozenRowCount",
            }
        },
        {
            "repeatCell": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": row,
                    "endRowIndex": row + 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": width,
                },
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
    ]


def _drop_downs(tab: Tab, sheet_id: int, header_row: int, header_cells: Sequence[Any]) -> list[dict]:
    requests = []
    for column in tab.choice_columns():
        positions = [
            i for i, cell in enumerate(header_cells) if isinstance(cell, str) and column.matches(cell)
        ]
        if not positions:
            continue
        requests.append(
            {
                "setDataValidation": {
                    # No endRowIndex: the whole column below the header, to the end of the grid.
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": header_row + 1,
                        "startColumnIndex": positions[0],
                        "endColumnIndex": positions[0] + 1,
                    },
                    "rule": choice_rule(column),
                }
            }
        )
    return requests


def choice_rule(column: Column) -> dict[str, Any]:
    """The drop-down of a choice column, as a DataValidationRule (init's, and each appended row's)."""
    return {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": choice} for choice in column.choices],
        },
        "strict": True,
        "showCustomUi": True,
    }
