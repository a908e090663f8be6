"""The Spreadsheet resource as JSON: metadata, and GridData when grid data is asked for.

Used by spreadsheets.get and by batchUpdate's updatedSpreadsheet. Like Google's proto3
JSON, zero startRow/startColumn are left out, empty cells are {}, empty rows are {},
and trailing empty cells and rows are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .a1 import Bounds, describe_range
from .errors import exceeds_grid
from .grid import EMPTY, Sheet
from .render import cell_data
from .spreadsheet import FakeSpreadsheet


def spreadsheet_json(
    spreadsheet: FakeSpreadsheet, ranges: Sequence[str], include_grid_data: bool
) -> dict[str, Any]:
    """The Spreadsheet resource; with ranges, only the sheets they name are listed."""
    selected: dict[int, list[Bounds]] = {}
    for text in ranges:
        sheet, bounds = spreadsheet.resolve(text)
        selected.setdefault(sheet.sheet_id, []).append(bounds)
    sheets = []
    for index, sheet in enumerate(spreadsheet.sheets):
        if ranges and sheet.sheet_id not in selected:
            continue
        entry: dict[str, Any] = {"properties": sheet.properties_json(index)}
        if include_grid_data:
            entry["data"] = [grid_data(sheet, b) for b in selected.get(sheet.sheet_id, [Bounds()])]
        sheets.append(entry)
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "properties": spreadsheet.properties_json(),
        "sheets": sheets,
        "spreadsheetUrl": spreadsheet.url,
    }


def grid_data(sheet: Sheet, bounds: Bounds) -> dict[str, Any]:
    """GridData for one range of a sheet."""
    if bounds.start_row >= sheet.row_count or bounds.start_col >= sheet.column_count:
        raise exceeds_grid(describe_range(sheet.title, bounds), sheet.row_count, sheet.column_count)
    area = bounds.clip(sheet.row_count, sheet.column_count)
    assert area.end_row is not None
    data: dict[str, Any] = {}
    if area.start_row:
        data["startRow"] = area.start_row
    if area.start_col:
        data["startColumn"] = area.start_col
    rows = [
        _row_data(sheet, row, area)
        for row in range(area.start_row, min(area.end_row, sheet.stored_row_count))
    ]
    while rows and not rows[-1]:
        rows.pop()
    if rows:
        data["rowData"] = rows
    return data


def _row_data(sheet: Sheet, row: int, area: Bounds) -> dict[str, Any]:
    cells = {
        col: cell
        for col, cell in sheet.row_cells(row).items()
        if area.contains(row, col) and not cell.is_blank
    }
    if not cells:
        return {}
    return {"values": [cell_data(cells.get(col, EMPTY)) for col in range(area.start_col, max(cells) + 1)]}
