"""Cells a write left in the wrong place and could not put back: recorded, and listed by `check`.

When a person keeps moving rows or columns while the app writes, the writer puts back
what it overwrote by mistake; what it cannot put back it names (sheets.errors.StrayCell).
Each such cell gets an Audit row, so the record says what happened, and `check` lists
every one that still holds the stray value, until a person corrects it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sheets.backends.base import Backend
from sheets.cells import same_cell
from sheets.errors import NO_ID, SheetError, StrayCell
from sheets.locate import raw_key
from sheets.reading import find_header
from sheets.schema import normalize_header
from sheets.table import DataIssue, Table
from sheets.tabs import AUDIT, TABS_BY_NAME

log = logging.getLogger(__name__)

#: The Audit action of a stray cell.
STRAY_ACTION = "write not put right"


def audit_values(cell: StrayCell) -> dict[str, Any]:
    """The Audit row that records one stray cell (its details as JSON, for `check` to read back)."""
    details = {"column": cell.column, "left": cell.left, "was": cell.was}
    return {
        "action": STRAY_ACTION,
        "tab": cell.tab,
        "record_id": cell.record,
        "changes": json.dumps(details, ensure_ascii=False, default=str),
    }


def recorded(audit: Table) -> list[StrayCell]:
    """Every stray cell the Audit tab records."""
    if not len(audit):
        return []
    found = []
    for record in audit.records():
        if record["action"] != STRAY_ACTION:
            continue
        try:
            details = json.loads(record["changes"] or "{}")
        except ValueError:
            continue
        found.append(
            StrayCell(
                record["tab"],
                record["record_id"],
                details.get("column", ""),
                details.get("left"),
                details.get("was"),
            )
        )
    return found


def still_there(backend: Backend, cells: Sequence[StrayCell]) -> list[DataIssue]:
    """Data issues for the recorded stray cells that still hold their stray value (one read)."""
    tabs = sorted(
        {cell.tab for cell in cells if cell.tab in TABS_BY_NAME and cell.tab in backend.tab_names()}
    )
    if not tabs:
        return []
    rows = backend.read_raw(tabs)
    issues = []
    for cell in cells:
        if cell.tab not in rows:
            continue
        row_number = _where(cell, rows[cell.tab])
        if row_number is not None:
            reason = (
                f"{cell.record} holds {cell.left!r}, which a change the app could not put right left here "
                f"(it held {cell.was!r}); correct the cell by hand"
            )
            issues.append(DataIssue(cell.tab, row_number, cell.column or None, reason))
    return issues


def _where(cell: StrayCell, rows: Sequence[Sequence[Any]]) -> int | None:
    """The sheet row where `cell` still holds its stray value, or None."""
    tab = TABS_BY_NAME[cell.tab]
    header = find_header(tab, rows)
    if header is None:
        return None
    texts = [normalize_header(text) for text in rows[header.row_index]]
    wanted = normalize_header(cell.column)
    columns = [position for position, text in enumerate(texts) if text == wanted]
    for index in range(header.row_index + 1, len(rows)):
        row = rows[index]
        key = raw_key(header, row) if header.complete_key else None
        mine = key is None if cell.record == NO_ID else key is not None and "/".join(key) == cell.record
        if mine and any(_holds(row, position, cell.left) for position in columns):
            return index + 1
    return None


def _holds(row: Sequence[Any], position: int, value: Any) -> bool:
    current = row[position] if position < len(row) else ""
    return same_cell(current, "" if value is None else value)


def record(workbook, cells: Iterable[StrayCell], user: str) -> None:
    """Write an Audit row per stray cell; a failure here is logged, never raised over the first one."""
    cells = list(cells)
    try:
        with workbook.transaction(AUDIT, user=user, action=STRAY_ACTION) as tx:
            for cell in cells:
                tx.insert(AUDIT, {**audit_values(cell), "at": tx.now, "user": user})
    except SheetError as error:
        log.error("could not record %d stray cell(s) in Audit (%s): %s", len(cells), error, cells)
