"""batchUpdate request kinds that write cells: updateCells, appendCells, repeatCell,
setDataValidation and sortRange.

Only userEnteredValue, bold and ONE_OF_LIST validation are modelled. A field mask or
CellData that reaches anything else is answered with 501 rather than ignored, so a
test can never pass because the fake silently dropped part of a request.
"""

from __future__ import annotations

from typing import Any

from .a1 import Bounds, describe_range
from .errors import exceeds_grid, invalid, not_implemented
from .field_mask import covers, parse_field_mask, unsupported_paths
from .grid import Cell, Sheet, Validation
from .grid_range import grid_range, inside_grid, sheet_for
from .sorting import sort_rows
from .spreadsheet import FakeSpreadsheet
from .user_input import from_extended_value

VALUE = "userEnteredValue"
BOLD = "userEnteredFormat.textFormat.bold"
VALIDATION = "dataValidation"
CELL_FIELDS = (VALUE, BOLD, VALIDATION)
CELL_DATA_KEYS = frozenset({"userEnteredValue", "userEnteredFormat", "dataValidation"})
Reply = dict[str, Any]


def update_cells(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Write rows of CellData at `start`, or into `range` (clearing what rows do not cover)."""
    paths = cell_mask(request.get("fields"))
    if ("range" in request) == ("start" in request):
        raise invalid("exactly one of 'range' or 'start' must be set")
    if "start" in request:
        start = request["start"] or {}
        sheet = sheet_for(spreadsheet, start.get("sheetId"))
        area, top, left = None, start.get("rowIndex", 0), start.get("columnIndex", 0)
    else:
        sheet, bounds = grid_range(spreadsheet, request["range"])
        area = inside_grid(sheet, bounds)
        top, left = area.start_row, area.start_col
    writes = _cell_writes(request.get("rows") or [], top, left)
    _check_writes_fit(sheet, writes, area)
    targets = set(writes)
    if area is not None:
        targets |= set(_stored_cells(sheet, area))
    for row, col in sorted(targets):
        where = f"rows[{row - top}].values[{col - left}]"
        sheet.put(row, col, apply_cell_data(sheet.cell(row, col), writes.get((row, col), {}), paths, where))
    return {}


def append_cells(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Write rows after the last row holding any value, growing the grid if needed."""
    sheet = sheet_for(spreadsheet, request.get("sheetId"))
    paths = cell_mask(request.get("fields"))
    rows = request.get("rows") or []
    top = sheet.last_value_row() + 1
    writes = _cell_writes(rows, top, 0)
    width = max((col + 1 for _, col in writes), default=0)
    if width > sheet.column_count:
        raise exceeds_grid(
            describe_range(sheet.title, Bounds(top, None, 0, width)), sheet.row_count, sheet.column_count
        )
    sheet.grow(top + len(rows), 0)
    for (row, col), data in sorted(writes.items()):
        where = f"rows[{row - top}].values[{col}]"
        sheet.put(row, col, apply_cell_data(sheet.cell(row, col), data, paths, where))
    return {}


def repeat_cell(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Apply one CellData to every cell of a range (header bolding, for instance)."""
    sheet, bounds = grid_range(spreadsheet, request.get("range"))
    area = inside_grid(sheet, bounds)
    paths = cell_mask(request.get("fields"))
    data = request.get("cell") or {}
    for row, col in _every_cell(area):
        sheet.put(row, col, apply_cell_data(sheet.cell(row, col), data, paths, "cell"))
    return {}


def set_data_validation(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Set (or, without a rule, clear) validation on every cell of a range."""
    sheet, bounds = grid_range(spreadsheet, request.get("range"))
    area = inside_grid(sheet, bounds)
    validation = parse_rule(request.get("rule"))
    for row, col in _every_cell(area):
        sheet.change(row, col, validation=validation)
    return {}


def sort_range(spreadsheet: FakeSpreadsheet, request: dict[str, Any]) -> Reply:
    """Sort the rows of a range by one or more columns; whole cells move, formats included."""
    sheet, bounds = grid_range(spreadsheet, request.get("range"))
    area = inside_grid(sheet, bounds)
    specs = _sort_specs(request.get("sortSpecs"), area)
    assert area.end_row is not None and area.end_col is not None
    last_row = min(area.end_row, sheet.stored_row_count)
    segments = [_take_segment(sheet, row, area) for row in range(area.start_row, last_row)]
    for offset, segment in enumerate(sort_rows(segments, specs)):
        sheet.place_row(area.start_row + offset, segment)
    return {}


# ----- CellData ----------------------------------------------------------------------


def cell_mask(fields: str | None) -> list[str]:
    """The request's field mask, refused if it reaches fields the fake does not model."""
    paths = parse_field_mask(fields)
    unsupported = unsupported_paths(paths, CELL_FIELDS)
    if unsupported:
        raise not_implemented(f"CellData field mask {', '.join(unsupported)!r}")
    return paths


def apply_cell_data(cell: Cell, data: Any, paths: list[str], where: str) -> Cell:
    """A cell after CellData is written to it through the field mask."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise invalid(f"Invalid {where}: CellData must be an object")
    for key in set(data) - CELL_DATA_KEYS:
        if covers(paths, key):
            raise not_implemented(f"CellData.{key}")
    value, bold, validation = cell.value, cell.bold, cell.validation
    if covers(paths, VALUE):
        value = from_extended_value(data.get("userEnteredValue"), where)
    if covers(paths, BOLD):
        bold = _bold(data.get("userEnteredFormat"), paths)
    if covers(paths, VALIDATION):
        validation = parse_rule(data.get("dataValidation"))
    return Cell(value, bold, validation)


def _bold(cell_format: Any, paths: list[str]) -> bool:
    cell_format = cell_format or {}
    for key in set(cell_format) - {"textFormat"}:
        if covers(paths, f"userEnteredFormat.{key}"):
            raise not_implemented(f"CellFormat.{key}")
    text_format = cell_format.get("textFormat") or {}
    for key in set(text_format) - {"bold"}:
        if covers(paths, f"userEnteredFormat.textFormat.{key}"):
            raise not_implemented(f"TextFormat.{key}")
    return bool(text_format.get("bold", False))


def parse_rule(rule: Any) -> Validation | None:
    """A DataValidationRule; only ONE_OF_LIST is modelled."""
    if not rule:
        return None
    condition = rule.get("condition") or {}
    kind = condition.get("type")
    if kind != "ONE_OF_LIST":
        raise not_implemented(f"data validation condition {kind!r}")
    values = tuple(str(item.get("userEnteredValue", "")) for item in condition.get("values") or [])
    if not values:
        raise invalid("ONE_OF_LIST condition requires at least one value")
    return Validation(values, bool(rule.get("strict", False)), bool(rule.get("showCustomUi", False)))


# ----- helpers -----------------------------------------------------------------------


def _cell_writes(rows: list[Any], top: int, left: int) -> dict[tuple[int, int], Any]:
    """{(row, col): CellData} for RowData laid out from (top, left)."""
    writes = {}
    for i, row in enumerate(rows):
        for j, data in enumerate((row or {}).get("values") or []):
            writes[(top + i, left + j)] = data
    return writes


def _check_writes_fit(sheet: Sheet, writes: dict[tuple[int, int], Any], area: Bounds | None) -> None:
    if not writes:
        return
    bottom = max(row for row, _ in writes) + 1
    right = max(col for _, col in writes) + 1
    top = min(row for row, _ in writes)
    left = min(col for _, col in writes)
    block = Bounds(top, bottom, left, right)
    if bottom > sheet.row_count or right > sheet.column_count:
        raise exceeds_grid(describe_range(sheet.title, block), sheet.row_count, sheet.column_count)
    if area is not None and not (area.contains(top, left) and area.contains(bottom - 1, right - 1)):
        raise invalid(f"rows extend past the range {describe_range(sheet.title, area)}")


def _stored_cells(sheet: Sheet, area: Bounds) -> list[tuple[int, int]]:
    assert area.end_row is not None
    return [
        (row, col) for row, col, _ in sheet.cells_in(area.start_row, area.end_row) if area.contains(row, col)
    ]


def _every_cell(area: Bounds) -> list[tuple[int, int]]:
    assert area.end_row is not None and area.end_col is not None
    return [
        (row, col)
        for row in range(area.start_row, area.end_row)
        for col in range(area.start_col, area.end_col)
    ]


def _sort_specs(specs: Any, area: Bounds) -> list[tuple[int, bool]]:
    if not specs:
        raise invalid("sortSpecs must not be empty")
    parsed = []
    for spec in specs:
        col = spec.get("dimensionIndex", 0)
        if not area.contains(area.start_row, col):
            raise invalid(f"sortSpecs dimensionIndex {col} is outside the range")
        order = spec.get("sortOrder", "ASCENDING")
        if order not in ("ASCENDING", "DESCENDING"):
            raise invalid(f"Invalid sortOrder {order!r}")
        parsed.append((col, order == "DESCENDING"))
    return parsed


def _take_segment(sheet: Sheet, row: int, area: Bounds) -> dict[int, Cell]:
    """Remove and return the cells of one row that lie inside the area's columns."""
    segment = {col: cell for col, cell in sheet.row_cells(row).items() if area.contains(row, col)}
    for col in segment:
        sheet.put(row, col, Cell())
    return segment
