"""The batchUpdate requests a write is made of: a cell, a whole row, a row deleted."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sheets.backends.google.cells import cell_data

log = logging.getLogger(__name__)


def update_cell(sheet_id: int, row: int, column: int, value: Any) -> dict:
    return {
        "updateCells": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": row,
                "endRowIndex": row + 1,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "rows": [{"values": [cell_data(value)]}],
            "fields": "userEnteredValue",
        }
    }


def delete_row(sheet_id: int, row: int) -> dict:
    return {
        "deleteDimension": {
            "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}
        }
    }


def update_row(sheet_id: int, row: int, cells: Sequence[Any]) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": 0},
            "rows": [{"values": [cell_data(value) for value in cells]}],
            "fields": "userEnteredValue",
        }
    }
