"""`init` on Google: every missing tab and column, a frozen bold header, drop-downs; one batchUpdate."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from sheets.backends.base import InitReport
from sheets.backends.google.cells import cell_data
from sheets.errors import TabProblem
from sheets.locate import padded
from sheets.reading import find_header
from sheets.schema import Tab


def plan_init(
    tabs: Sequence[Tab],
    sheets: Mapping[str, dict[str, Any]],
    heads: Mapping[str, list[list[Any]] | None],
    language: str = "en",
) -> tuple[list[dict], InitReport]:
    """The batchUpdate requests that bring the spreadsheet up to the schema (headers in `language`)."""
    requests: list[dict] = []
    report = InitReport()
    taken = {properties["sheetId"] for properties in sheets.values()}
    for position, tab in enumerate(tabs):
        if tab.name in sheets:
            sheet_id = sheets[tab.name]["sheetId"]
            rows = heads.get(tab.name) or []
            header_row, header_cells, first_new = _existing_header(tab, rows, report, language)
            requests += _grow_columns(sheet_id, sheets[tab.name], len(header_cells))
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
                "gridProperties": {"rowCount": 1000, "columnCount": max(26, width)},
            }
        }
    }


def _grow_columns(sheet_id: int, properties: dict[str, Any], width: int) -> list[dict]:
    have = properties.get("gridProperties", {}).get("columnCount", 26)
    if width <= have:
        return []
    return [
        {
            "appendDimension": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "length": width - have,
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
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": header_row + 1,
                        "startColumnIndex": positions[0],
                        "endColumnIndex": positions[0] + 1,
                    },
                    "rule": {
                        "condition": {
                            "type": "ONE_OF_LIST",
                            "values": [{"userEnteredValue": choice} for choice in column.choices],
                        },
                        "strict": True,
                        "showCustomUi": True,
                    },
                }
            }
        )
    return requests
