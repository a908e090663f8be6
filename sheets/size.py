"""How many cells a workbook's grids hold, asked cheaply (Google counts every cell of every grid).

A Google spreadsheet holds at most 10 million cells, counted over each tab's
whole grid (its rows times its columns, empty cells included). The figure
comes from the spreadsheet's metadata (one small request, no values). The
local workbook has no grid: its figure is, per tab, the rows times the
widest row, what the same rows would take in a spreadsheet.
"""

from __future__ import annotations

import json
import sqlite3

from sheets.backends.base import Backend
from sheets.errors import SheetUnavailable


def cells_used(backend: Backend) -> dict[str, int]:
    """Cells per tab: the grid's rows times columns (Google), or rows times the widest row (local)."""
    if backend.kind == "google":
        return _google_cells(backend)
    return _local_cells(backend)


def _google_cells(backend) -> dict[str, int]:
    try:
        metadata = backend.spreadsheet.fetch_sheet_metadata()
    except Exception as error:  # the retrying client has tried; say it in one sentence
        raise SheetUnavailable(f"Google Sheets did not tell the spreadsheet's size: {error}") from None
    out = {}
    for sheet in metadata.get("sheets", []):
        properties = sheet.get("properties", {})
        grid = properties.get("gridProperties", {})
        out[properties.get("title", "?")] = int(grid.get("rowCount", 0)) * int(grid.get("columnCount", 0))
    return out


def _local_cells(backend) -> dict[str, int]:
    connection = sqlite3.connect(backend.path, timeout=30)
    try:
        found = connection.execute(
            "SELECT tab, count(*), max(json_array_length(cells)) FROM rows GROUP BY tab"
        ).fetchall()
    except sqlite3.OperationalError:  # an SQLite without JSON functions: measure in Python
        found = [(tab, count, width) for tab, count, width in _measured(connection)]
    finally:
        connection.close()
    return {tab: int(rows) * int(width or 0) for tab, rows, width in found}


def _measured(connection: sqlite3.Connection) -> list[tuple[str, int, int]]:
    sizes: dict[str, list[int]] = {}
    for tab, cells in connection.execute("SELECT tab, cells FROM rows"):
        entry = sizes.setdefault(tab, [0, 0])
        entry[0] += 1
        entry[1] = max(entry[1], len(json.loads(cells)))
    return [(tab, rows, width) for tab, (rows, width) in sizes.items()]
