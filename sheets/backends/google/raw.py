"""Bulk raw writes on Google Sheets, for copying a whole workbook.

`prepare_requests` builds one batchUpdate that creates tabs, empties tabs and
makes each grid big enough (rows and columns are set to absolute sizes, so
sending it twice does no harm). `value_ranges` turns blocks of raw cells into
the data of one values:batchUpdate written RAW: text stays text (a value
starting with '=' never becomes a formula), numbers stay numbers, and every
block lands at fixed rows, so repeating a write after an unclear failure
changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from gspread.utils import rowcol_to_a1

from sheets.backends.base import RawBlock
from sheets.backends.google.cells import quote_tab

#: A new Google sheet's grid, when the copy needs no more.
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26


def prepare_requests(
    sheets: Mapping[str, dict[str, Any]],
    create: Sequence[str],
    clear: Sequence[str],
    sizes: Mapping[str, tuple[int, int]],
) -> list[dict]:
    taken = {properties["sheetId"] for properties in sheets.values()}
    requests: list[dict] = []
    for name in create:
        if name in sheets:
            continue
        rows, columns = sizes.get(name, (0, 0))
        requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": _new_sheet_id(taken),
                        "title": name,
                        "gridProperties": {
                            "rowCount": max(rows, DEFAULT_ROWS),
                            "columnCount": max(columns, DEFAULT_COLUMNS),
                        },
                    }
                }
            }
        )
    for name in clear:
        if name in sheets:
            requests.append(
                {"updateCells": {"range": {"sheetId": sheets[name]["sheetId"]}, "fields": "userEnteredValue"}}
            )
    for name, (rows, columns) in sizes.items():
        if name in sheets:
            requests += _grow(sheets[name], rows, columns)
    return requests


def _grow(properties: dict[str, Any], rows: int, columns: int) -> list[dict]:
    grid = properties.get("gridProperties", {})
    have_rows = grid.get("rowCount", DEFAULT_ROWS)
    have_columns = grid.get("columnCount", DEFAULT_COLUMNS)
    if rows <= have_rows and columns <= have_columns:
        return []
    return [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": properties["sheetId"],
                    "gridProperties": {
                        "rowCount": max(rows, have_rows),
                        "columnCount": max(columns, have_columns),
                    },
                },
                "fields": "gridProperties.rowCount,gridProperties.columnCount",
            }
        }
    ]


def reset_validation(sheet_id: int) -> dict:
    """Clear every drop-down of a tab (setDataValidation without a rule)."""
    return {"setDataValidation": {"range": {"sheetId": sheet_id}}}


def value_ranges(blocks: Sequence[RawBlock]) -> list[dict[str, Any]]:
    """The `data` of a values:batchUpdate that writes `blocks` at their rows."""
    data = []
    for block in blocks:
        if not block.rows:
            continue
        width = max(1, max(len(row) for row in block.rows))
        first = rowcol_to_a1(block.start + 1, 1)
        last = rowcol_to_a1(block.start + len(block.rows), width)
        data.append(
            {
                "range": f"{quote_tab(block.tab)}!{first}:{last}",
                "majorDimension": "ROWS",
                "values": [[_raw(cell) for cell in row] for row in block.rows],
            }
        )
    return data


def _raw(cell: Any) -> Any:
    # JSON null would mean "leave this cell alone"; an empty cell is written as "".
    return "" if cell is None else cell


def _new_sheet_id(taken: set[int]) -> int:
    while True:
        candidate = random.randint(1, 2**31 - 1)
        if candidate not in taken:
            taken.add(candidate)
            return candidate
