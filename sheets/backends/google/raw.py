"""Bulk raw writes on Google Sheets, for copying a whole workbook.

`prepare_requests` builds one batchUpdate that creates tabs, empties tabs and
makes each grid big enough for the rows copied, with init's spare rows and
columns (rows and columns are set to absolute sizes, so sending it twice does
no harm; a grid is never made smaller). `value_ranges` turns blocks of raw cells into
the data of one values:batchUpdate written RAW: text stays text (a value
starting with '=' never becomes a formula), numbers stay numbers, and every
block lands at fixed rows, so repeating a write after an unclear failure
changes nothing.

`write_body` adds to those blocks each tab's first rows written with nulls (a
null leaves its cell alone) and asks for the values back: Google's answer then
holds, from the one atomic write, every written tab's header rows and the rows
written (`raw_answer`), which tells under which header each cell landed.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gspread.utils import a1_range_to_grid_range, rowcol_to_a1

from sheets.backends.base import RawAnswer, RawBlock
from sheets.backends.google.cells import quote_tab
from sheets.backends.google.init import SPARE_COLUMNS, SPARE_ROWS
from sheets.reading import HEADER_SEARCH_ROWS

#: A Google sheet's grid when its properties do not say (Google's default for a new sheet).
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
                            "rowCount": max(rows, 1) + SPARE_ROWS,
                            "columnCount": max(columns, 1) + SPARE_COLUMNS,
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
    # What grows gets init's margin too; what is big enough is left as it is.
    return [
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": properties["sheetId"],
                    "gridProperties": {
                        "rowCount": have_rows if rows <= have_rows else rows + SPARE_ROWS,
                        "columnCount": have_columns if columns <= have_columns else columns + SPARE_COLUMNS,
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


@dataclass(frozen=True)
class Span:
    """The grid rows one range of a values:batchUpdate covers."""

    tab: str
    start: int
    height: int
    range: str


def write_body(blocks: Sequence[RawBlock], sheets: Mapping[str, dict[str, Any]]) -> tuple[dict, list[Span]]:
    """One values:batchUpdate writing `blocks` that answers with the rows written and every tab's head."""
    data = value_ranges(blocks)
    spans = [
        Span(block.tab, block.start, len(block.rows), entry["range"])
        for block, entry in zip([block for block in blocks if block.rows], data, strict=True)
    ]
    for name in dict.fromkeys(span.tab for span in spans):
        head = _head_range(name, sheets.get(name, {}).get("gridProperties", {}))
        data.append(head)
        spans.append(Span(name, 0, len(head["values"]), head["range"]))
    body = {
        "valueInputOption": "RAW",
        "data": data,
        "includeValuesInResponse": True,
        "responseValueRenderOption": "UNFORMATTED_VALUE",
        "responseDateTimeRenderOption": "SERIAL_NUMBER",
    }
    return body, spans


def _head_range(name: str, grid: Mapping[str, Any]) -> dict[str, Any]:
    # As wide as the grid, so columns a person inserted come back too; nulls write nothing.
    rows = min(HEADER_SEARCH_ROWS, grid.get("rowCount", DEFAULT_ROWS))
    columns = grid.get("columnCount", DEFAULT_COLUMNS)
    return {
        "range": f"{quote_tab(name)}!A1:{rowcol_to_a1(rows, columns)}",
        "majorDimension": "ROWS",
        "values": [[None] * columns for _ in range(rows)],
    }


def raw_answer(value_ranges: Sequence[dict[str, Any] | None], spans: Sequence[Span]) -> RawAnswer | None:
    """(tab, row) -> cells from the ValueRanges answered for `spans`; None when one is missing."""
    if len(value_ranges) != len(spans) or any(value_range is None for value_range in value_ranges):
        return None
    found: RawAnswer = {}
    for span, value_range in zip(spans, value_ranges, strict=True):
        values = value_range.get("values", [])
        first = _first_row(value_range.get("range", ""), span.start)
        for index in range(span.start, span.start + span.height):
            offset = index - first
            found[(span.tab, index)] = list(values[offset]) if 0 <= offset < len(values) else []
    return found


def extents(blocks: Sequence[RawBlock]) -> dict[str, tuple[int, int]]:
    """(rows, columns) each tab needs for `blocks` to fit."""
    sizes: dict[str, tuple[int, int]] = {}
    for block in blocks:
        rows, columns = sizes.get(block.tab, (0, 0))
        width = max((len(row) for row in block.rows), default=0)
        sizes[block.tab] = (max(rows, block.start + len(block.rows)), max(columns, width))
    return sizes


def _first_row(a1: str, default: int) -> int:
    """The 0-based first row of an answered range ('Orders'!A3:F9 -> 2)."""
    return a1_range_to_grid_range(a1.rsplit("!", 1)[-1]).get("startRowIndex", default) if a1 else default


def _raw(cell: Any) -> Any:
    # JSON null would mean "leave this cell alone"; an empty cell is written as "".
    return "" if cell is None else cell


def _new_sheet_id(taken: set[int]) -> int:
    while True:
        candidate = random.randint(1, 2**31 - 1)
        if candidate not in taken:
            taken.add(candidate)
            return candidate
