"""GridRange / sheetId lookups shared by the batchUpdate request kinds."""

from __future__ import annotations

from typing import Any

from .a1 import Bounds, describe_range
from .errors import exceeds_grid, invalid
from .grid import Sheet
from .spreadsheet import FakeSpreadsheet


def sheet_for(spreadsheet: FakeSpreadsheet, sheet_id: Any) -> Sheet:
    """The tab a request points at; a missing sheetId means 0, as in proto3."""
    sheet_id = sheet_id or 0
    sheet = spreadsheet.sheet_by_id(sheet_id) if isinstance(sheet_id, int) else None
    if sheet is None:
        raise invalid(f"No grid with id: {sheet_id}")
    return sheet


def grid_range(spreadsheet: FakeSpreadsheet, value: Any) -> tuple[Sheet, Bounds]:
    """A GridRange: 0-based, end-exclusive, a missing index means unbounded."""
    if not isinstance(value, dict):
        raise invalid("range is required")
    sheet = sheet_for(spreadsheet, value.get("sheetId"))
    bounds = Bounds(
        _index(value, "startRowIndex", 0),
        _index(value, "endRowIndex", None),
        _index(value, "startColumnIndex", 0),
        _index(value, "endColumnIndex", None),
    )
    if bounds.end_row is not None and bounds.end_row < bounds.start_row:
        raise invalid("endRowIndex must be greater than or equal to startRowIndex")
    if bounds.end_col is not None and bounds.end_col < bounds.start_col:
        raise invalid("endColumnIndex must be greater than or equal to startColumnIndex")
    return sheet, bounds


def inside_grid(sheet: Sheet, bounds: Bounds) -> Bounds:
    """The finite area a range covers; 400 if any part lies outside the grid."""
    too_low = bounds.end_row is not None and bounds.end_row > sheet.row_count
    too_wide = bounds.end_col is not None and bounds.end_col > sheet.column_count
    starts_outside = bounds.start_row > sheet.row_count or bounds.start_col > sheet.column_count
    if too_low or too_wide or starts_outside:
        raise exceeds_grid(describe_range(sheet.title, bounds), sheet.row_count, sheet.column_count)
    return bounds.clip(sheet.row_count, sheet.column_count)


def _index(value: dict[str, Any], key: str, default: int | None) -> int | None:
    index = value.get(key, default)
    if index is None:
        return None
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise invalid(f"{key} must be a non-negative integer, got {index!r}")
    return index
