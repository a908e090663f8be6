"""spreadsheets.values.*: get, batchGet, update, batchUpdate and append."""

from __future__ import annotations

from typing import Any

from .a1 import Bounds, column_letters, describe_range, format_range
from .errors import exceeds_grid, invalid
from .grid import EMPTY, Sheet
from .render import check_render_option, render
from .routing import ApiCall
from .spreadsheet import FakeSpreadsheet
from .table import find_table
from .user_input import check_input_option, parse_input

DIMENSIONS = ("ROWS", "COLUMNS")
Block = list[list[Any]]


# ----- reading -----------------------------------------------------------------------


def values_get(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """GET /{id}/values/{range}."""
    option, major = _read_options(call)
    return read_value_range(spreadsheet, call.range_text or "", option, major)


def values_batch_get(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """GET /{id}/values:batchGet?ranges=...&ranges=..."""
    option, major = _read_options(call)
    ranges = [read_value_range(spreadsheet, text, option, major) for text in call.param_list("ranges")]
    result: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if ranges:
        result["valueRanges"] = ranges
    return result


def _read_options(call: ApiCall) -> tuple[str, str]:
    option = check_render_option(call.param("valueRenderOption") or "FORMATTED_VALUE")
    major = call.param("majorDimension") or "ROWS"
    if major not in DIMENSIONS:
        raise invalid(f"Invalid value at 'major_dimension' ({major})")
    return option, major


def read_value_range(spreadsheet: FakeSpreadsheet, text: str, option: str, major: str) -> dict[str, Any]:
    """One ValueRange, trimmed like Google: no trailing empty cells or rows, no "values" if empty."""
    sheet, bounds = spreadsheet.resolve(text)
    area = _readable_area(sheet, bounds)
    values = read_values(sheet, area, option)
    if major == "COLUMNS":
        values = _trim(_transpose(values))
    result: dict[str, Any] = {"range": format_range(sheet.title, area), "majorDimension": major}
    if values:
        result["values"] = values
    return result


def _readable_area(sheet: Sheet, bounds: Bounds) -> Bounds:
    """Reads are cut at the grid's edge, but must start inside it."""
    if bounds.start_row >= sheet.row_count or bounds.start_col >= sheet.column_count:
        raise exceeds_grid(describe_range(sheet.title, bounds), sheet.row_count, sheet.column_count)
    return bounds.clip(sheet.row_count, sheet.column_count)


def read_values(sheet: Sheet, area: Bounds, option: str) -> Block:
    """Rendered rows of a finite area, with Google's trimming."""
    assert area.end_row is not None and area.end_col is not None
    rows: Block = []
    for row in range(area.start_row, min(area.end_row, sheet.stored_row_count)):
        cells = sheet.stored_cells(row)  # read here and now: no copy of the row needed
        narrow = area.end_col - area.start_col < len(cells)  # a column or a few: look at those alone
        used = [
            c
            for c in (range(area.start_col, area.end_col) if narrow else cells)
            if area.start_col <= c < area.end_col and cells.get(c, EMPTY).value is not None
        ]
        if not used:
            rows.append([])
            continue
        rows.append(
            [render(cells.get(col, EMPTY).value, option) for col in range(area.start_col, max(used) + 1)]
        )
    return _trim(rows)


def _transpose(rows: Block) -> Block:
    width = max((len(row) for row in rows), default=0)
    return [[row[col] if col < len(row) else "" for row in rows] for col in range(width)]


def _trim(rows: Block) -> Block:
    """Drop trailing empty cells of each row, then trailing empty rows."""
    trimmed = []
    for row in rows:
        if row and row[-1] == "":
            row = list(row)
            while row and row[-1] == "":
                row.pop()
        trimmed.append(row)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


# ----- writing -----------------------------------------------------------------------


def values_update(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """PUT /{id}/values/{range}?valueInputOption=..."""
    option = check_input_option(call.param("valueInputOption"))
    body = call.body or {}
    response = _write_value_range(spreadsheet, call.range_text or "", body, option)
    if call.flag("includeValuesInResponse"):
        _add_updated_data(spreadsheet, response, call.param("responseValueRenderOption"))
    return response


def values_batch_update(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """POST /{id}/values:batchUpdate (all ranges or none, like Google)."""
    body = call.body or {}
    option = check_input_option(body.get("valueInputOption"))
    responses = []
    for value_range in body.get("data") or []:
        if "range" not in value_range:
            raise invalid("Invalid data[]: range is required")
        response = _write_value_range(spreadsheet, value_range["range"], value_range, option)
        if body.get("includeValuesInResponse"):
            _add_updated_data(spreadsheet, response, body.get("responseValueRenderOption"))
        responses.append(response)
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
        "responses": responses,
    }


def values_append(spreadsheet: FakeSpreadsheet, call: ApiCall) -> dict[str, Any]:
    """POST /{id}/values/{range}:append - writes after the detected table."""
    option = check_input_option(call.param("valueInputOption"))
    insert_option = call.param("insertDataOption") or "OVERWRITE"
    if insert_option not in ("OVERWRITE", "INSERT_ROWS"):
        raise invalid(f"Invalid value at 'insert_data_option' ({insert_option})")
    sheet, bounds = spreadsheet.resolve(call.range_text or "")
    _readable_area(sheet, bounds)
    rows = _rows_of(call.body or {})
    table = find_table(sheet, bounds)
    start_row, start_col = (table.end_row, table.start_col) if table else (bounds.start_row, bounds.start_col)
    assert start_row is not None
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if insert_option == "INSERT_ROWS" and start_row < sheet.row_count and height:
        sheet.insert_rows(start_row, height)
    sheet.grow(start_row + height, start_col + width)
    written = write_block(sheet, Bounds(start_row, None, start_col, None), "", rows, option)
    result: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    if table:
        result["tableRange"] = format_range(sheet.title, table)
    result["updates"] = _update_summary(
        spreadsheet, sheet, written, rows, Bounds(start_row, start_row + 1, start_col, start_col + 1)
    )
    if call.flag("includeValuesInResponse"):
        _add_updated_data(spreadsheet, result["updates"], call.param("responseValueRenderOption"))
    return result


def _write_value_range(
    spreadsheet: FakeSpreadsheet, text: str, body: dict[str, Any], option: str
) -> dict[str, Any]:
    sheet, bounds = spreadsheet.resolve(text)
    rows = _rows_of(body)
    written = write_block(sheet, bounds, text, rows, option)
    start = Bounds(bounds.start_row, bounds.start_row + 1, bounds.start_col, bounds.start_col + 1)
    return _update_summary(spreadsheet, sheet, written, rows, start)


def _rows_of(body: dict[str, Any]) -> Block:
    """The body's values as rows, whatever its majorDimension."""
    values = body.get("values") or []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise invalid("Invalid value at 'data.values': expected a list of lists")
    major = body.get("majorDimension") or "ROWS"
    if major not in DIMENSIONS:
        raise invalid(f"Invalid value at 'data.major_dimension' ({major})")
    if major == "COLUMNS":
        height = max((len(column) for column in values), default=0)
        return [[column[r] if r < len(column) else None for column in values] for r in range(height)]
    return values


def write_block(sheet: Sheet, bounds: Bounds, text: str, rows: Block, option: str) -> Bounds | None:
    """Write rows at the top-left of bounds; JSON nulls leave cells alone. Returns the rectangle."""
    height, width = len(rows), max((len(row) for row in rows), default=0)
    if not height or not width:
        return None
    block = Bounds(bounds.start_row, bounds.start_row + height, bounds.start_col, bounds.start_col + width)
    assert block.end_row is not None and block.end_col is not None
    if _is_single_cell(bounds):
        bounds = Bounds(bounds.start_row, None, bounds.start_col, None)  # just the anchor
    if bounds.end_row is not None and block.end_row > bounds.end_row:
        raise invalid(f"Requested writing within range [{text}], but tried writing to row [{block.end_row}]")
    if bounds.end_col is not None and block.end_col > bounds.end_col:
        letters = column_letters(block.end_col - 1)
        raise invalid(f"Requested writing within range [{text}], but tried writing to column [{letters}]")
    if block.end_row > sheet.row_count or block.end_col > sheet.column_count:
        raise exceeds_grid(describe_range(sheet.title, block), sheet.row_count, sheet.column_count)
    for i, row in enumerate(rows):
        for j, raw in enumerate(row):
            if raw is not None:
                value = parse_input(raw, option, f"[{i}][{j}]")
                sheet.set_value(block.start_row + i, block.start_col + j, value)
    return block


def _is_single_cell(bounds: Bounds) -> bool:
    return bounds.end_row == bounds.start_row + 1 and bounds.end_col == bounds.start_col + 1


def _update_summary(
    spreadsheet: FakeSpreadsheet, sheet: Sheet, written: Bounds | None, rows: Block, start: Bounds
) -> dict[str, Any]:
    """UpdateValuesResponse for one written block."""
    summary: dict[str, Any] = {"spreadsheetId": spreadsheet.spreadsheet_id}
    summary["updatedRange"] = format_range(sheet.title, written or start)
    if written is None:
        return summary
    assert written.end_row is not None and written.end_col is not None
    summary["updatedRows"] = written.end_row - written.start_row
    summary["updatedColumns"] = written.end_col - written.start_col
    summary["updatedCells"] = sum(1 for row in rows for raw in row if raw is not None)
    return summary


def _add_updated_data(spreadsheet: FakeSpreadsheet, summary: dict[str, Any], option: str | None) -> None:
    """includeValuesInResponse: echo the written cells back, rendered."""
    if "updatedRows" in summary:
        option = check_render_option(option or "FORMATTED_VALUE")
        summary["updatedData"] = read_value_range(spreadsheet, summary["updatedRange"], option, "ROWS")
