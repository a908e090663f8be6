"""batchUpdate request kinds that change tabs and their shape: addSheet, deleteSheet,
updateSheetProperties, insertDimension, deleteDimension and appendDimension."""

from __future__ import annotations

from typing import Any

from .errors import invalid, not_implemented
from .field_mask import covers, parse_field_mask, unsupported_paths
from .grid import DEFAULT_COLUMNS, DEFAULT_ROWS, Sheet
from .grid_range import sheet_for
from .spreadsheet import FakeSpreadsheet

Reply = dict[str, Any]
SHEET_KEYS = frozenset({"sheetId", "title", "index", "sheetType", "gridProperties", "hidden"})
GRID_KEYS = frozenset({"rowCount", "columnCount", "frozenRowCount", "frozenColumnCount"})
SHEET_FIELDS = (
    "title",
    "index",
    "hidden",
    "gridProperties.rowCount",
    "gridProperties.columnCount",
    "gridProperties.frozenRowCount",
    "gridProperties.frozenColumnCount",
)


def add_sheet(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Add a tab; replies with its properties (its sheetId is what callers need)."""
    properties = request.get("properties") or {}
    _reject_unknown(properties, SHEET_KEYS, "SheetProperties")
    grid = properties.get("gridProperties") or {}
    _reject_unknown(grid, GRID_KEYS, "GridProperties")
    if properties.get("sheetType", "GRID") != "GRID":
        raise not_implemented(f"sheetType {properties['sheetType']!r}")
    title = properties.get("title") or _default_title(spreadsheet)
    _check_title_free(spreadsheet, title, None)
    sheet_id = properties.get("sheetId")
    if sheet_id is not None and spreadsheet.sheet_by_id(sheet_id) is not None:
        raise invalid(f"A sheet with id {sheet_id} already exists.")
    rows, columns = grid.get("rowCount", DEFAULT_ROWS), grid.get("columnCount", DEFAULT_COLUMNS)
    _check_size(rows, columns)
    sheet = spreadsheet.add_sheet(
        title, sheet_id=sheet_id, index=properties.get("index"), row_count=rows, column_count=columns
    )
    _set_frozen(sheet, grid.get("frozenRowCount", 0), grid.get("frozenColumnCount", 0))
    sheet.hidden = bool(properties.get("hidden", False))
    return {"addSheet": {"properties": sheet.properties_json(spreadsheet.index_of(sheet))}}


def delete_sheet(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Delete a tab; a spreadsheet must keep at least one."""
    sheet_id = request.get("sheetId", 0)
    sheet = spreadsheet.sheet_by_id(sheet_id)
    if sheet is None:
        raise invalid(f"No sheet with id: {sheet_id}")
    if len(spreadsheet.sheets) == 1:
        raise invalid("You can't remove all the sheets in a document.")
    spreadsheet.remove_sheet(sheet)
    return {}


def update_sheet_properties(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Change the properties named by the field mask (title, index, size, frozen rows...)."""
    properties = request.get("properties") or {}
    sheet = sheet_for(spreadsheet, properties.get("sheetId"))
    paths = parse_field_mask(request.get("fields"))
    unsupported = unsupported_paths(paths, SHEET_FIELDS)
    if unsupported:
        raise not_implemented(f"updateSheetProperties field mask {', '.join(unsupported)!r}")
    chosen = _chosen_fields(paths, properties)
    grid = properties.get("gridProperties") or {}
    if "title" in chosen:
        title = properties.get("title") or ""
        if not title:
            raise invalid("The sheet title must not be empty")
        _check_title_free(spreadsheet, title, sheet)
        sheet.title = title
    if "index" in chosen:
        _move_sheet(spreadsheet, sheet, properties.get("index", 0))
    if "hidden" in chosen:
        sheet.hidden = bool(properties.get("hidden", False))
    _update_grid(sheet, chosen, grid)
    return {}


def insert_dimension(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Insert rows/columns; they inherit formatting from before or after, as asked."""
    sheet, rows, start, end = _dimension_range(spreadsheet, request.get("range"))
    size = sheet.row_count if rows else sheet.column_count
    if end is None or end <= start:
        raise invalid("insertDimension needs an endIndex greater than its startIndex")
    if start > size:
        raise invalid(f"startIndex {start} is beyond the sheet's {size} {'rows' if rows else 'columns'}")
    before = bool(request.get("inheritFromBefore", False))
    if before and start == 0:
        raise invalid(
            "Cannot inherit properties from before the first row or column (inheritFromBefore at index 0)"
        )
    if not before and start == size:
        raise invalid("Cannot inherit properties from after the last row or column; set inheritFromBefore")
    source = start - 1 if before else start
    if rows:
        sheet.insert_rows(start, end - start, inherit_from=source)
    else:
        sheet.insert_columns(start, end - start, inherit_from=source)
    return {}


def delete_dimension(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Delete rows/columns, pulling the rest up/left; a sheet keeps at least one of each."""
    sheet, rows, start, end = _dimension_range(spreadsheet, request.get("range"))
    size = sheet.row_count if rows else sheet.column_count
    end = size if end is None else end
    noun = "rows" if rows else "columns"
    if end > size:
        raise invalid(f"Range exceeds grid limits: endIndex {end} is beyond the sheet's {size} {noun}")
    if end <= start:
        raise invalid("deleteDimension needs an endIndex greater than its startIndex")
    if end - start >= size:
        raise invalid(f"You can't delete all the {noun} on the sheet.")
    if rows:
        sheet.delete_rows(start, end - start)
    else:
        sheet.delete_columns(start, end - start)
    return {}


def append_dimension(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Add empty rows/columns at the end of a sheet."""
    sheet = sheet_for(spreadsheet, request.get("sheetId"))
    dimension, length = request.get("dimension"), request.get("length", 0)
    if dimension not in ("ROWS", "COLUMNS"):
        raise invalid(f"Invalid dimension {dimension!r}")
    if not isinstance(length, int) or length <= 0:
        raise invalid("length must be a positive integer")
    if dimension == "ROWS":
        sheet.row_count += length
    else:
        sheet.column_count += length
    return {}


# ----- helpers -----------------------------------------------------------------------


def _reject_unknown(value: dict[str, Any], known: frozenset[str], what: str) -> None:
    unknown = sorted(set(value) - known)
    if unknown:
        raise not_implemented(f"{what} field(s) {', '.join(unknown)}")


def _default_title(spreadsheet: FakeSpreadsheet) -> str:
    number = len(spreadsheet.sheets) + 1
    while _title_taken(spreadsheet, f"Sheet{number}", None):
        number += 1
    return f"Sheet{number}"


def _title_taken(spreadsheet: FakeSpreadsheet, title: str, other_than: Sheet | None) -> bool:
    return any(s.title.casefold() == title.casefold() and s is not other_than for s in spreadsheet.sheets)


def _check_title_free(spreadsheet: FakeSpreadsheet, title: str, other_than: Sheet | None) -> None:
    if _title_taken(spreadsheet, title, other_than):
        raise invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')


def _check_size(rows: Any, columns: Any) -> None:
    for name, count in (("rowCount", rows), ("columnCount", columns)):
        if not isinstance(count, int) or count < 1:
            raise invalid(f"{name} must be a positive integer, got {count!r}")


def _set_frozen(sheet: Sheet, rows: Any, columns: Any) -> None:
    if not isinstance(rows, int) or rows < 0 or not isinstance(columns, int) or columns < 0:
        raise invalid("frozen counts must be non-negative integers")
    if rows and rows >= sheet.row_count:
        raise invalid("You can't freeze all visible rows on the sheet.")
    if columns and columns >= sheet.column_count:
        raise invalid("You can't freeze all visible columns on the sheet.")
    sheet.frozen_row_count, sheet.frozen_column_count = rows, columns


def _move_sheet(spreadsheet: FakeSpreadsheet, sheet: Sheet, index: Any) -> None:
    """Indexes count "before the move": moving S1 ahead of S2 in S1,S2,S3 takes index 2."""
    if not isinstance(index, int) or index < 0:
        raise invalid(f"index must be a non-negative integer, got {index!r}")
    current = spreadsheet.index_of(sheet)
    target = index - 1 if index > current else index
    spreadsheet.remove_sheet(sheet)
    spreadsheet.sheets.insert(min(target, len(spreadsheet.sheets)), sheet)


def _chosen_fields(paths: list[str], properties: dict[str, Any]) -> set[str]:
    """Supported fields the mask selects; "*" selects only the ones actually sent."""
    if "*" in paths:
        grid = properties.get("gridProperties") or {}
        sent = {key for key in properties if key != "gridProperties"}
        sent |= {f"gridProperties.{key}" for key in grid}
        return {field for field in SHEET_FIELDS if field in sent}
    return {field for field in SHEET_FIELDS if covers(paths, field)}


def _update_grid(sheet: Sheet, chosen: set[str], grid: dict[str, Any]) -> None:
    rows = grid.get("rowCount", 0) if "gridProperties.rowCount" in chosen else sheet.row_count
    columns = grid.get("columnCount", 0) if "gridProperties.columnCount" in chosen else sheet.column_count
    _check_size(rows, columns)
    if (rows, columns) != (sheet.row_count, sheet.column_count):
        sheet.resize(rows, columns)
    frozen_rows = (
        grid.get("frozenRowCount", 0) if "gridProperties.frozenRowCount" in chosen else sheet.frozen_row_count
    )
    frozen_columns = (
        grid.get("frozenColumnCount", 0)
        if "gridProperties.frozenColumnCount" in chosen
        else sheet.frozen_column_count
    )
    _set_frozen(sheet, frozen_rows, frozen_columns)


def _dimension_range(spreadsheet: FakeSpreadsheet, value: Any) -> tuple[Sheet, bool, int, int | None]:
    """(sheet, is_rows, startIndex, endIndex) of a DimensionRange."""
    if not isinstance(value, dict):
        raise invalid("range is required")
    sheet = sheet_for(spreadsheet, value.get("sheetId"))
    dimension = value.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise invalid(f"Invalid dimension {dimension!r}")
    start, end = value.get("startIndex", 0), value.get("endIndex")
    for index in (start, end):
        if index is not None and (not isinstance(index, int) or index < 0):
            raise invalid(f"dimension indexes must be non-negative integers, got {index!r}")
    return sheet, dimension == "ROWS", start, end
