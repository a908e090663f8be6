"""Reading Google's answer to a batchUpdate: the tab as it stood right after the write.

The answer (`includeSpreadsheetInResponse` with `responseRanges`) is one snapshot taken
the moment the atomic batch was applied, so it tells exactly where every written cell
ended up: which record's row, under which header. A `View` holds one tab of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheets.backends.google.cells import grid_rows
from sheets.columns import ColumnRef, column_refs, ref_at
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header
from sheets.schema import Tab

Rows = dict[tuple[str, int], list[Any]]


def answer_rows(answer: dict) -> Rows:
    """(tab, row index) -> cells, from the updatedSpreadsheet Google sent back.

    Ranges may overlap (a written row and the key columns of its tab): their cells
    are merged at their columns, and agree, being one snapshot.
    """
    found: Rows = {}
    for sheet in (answer.get("updatedSpreadsheet") or {}).get("sheets", []):
        title = sheet["properties"]["title"]
        for grid in sheet.get("data", []):
            start_row, start_column = grid.get("startRow", 0), grid.get("startColumn", 0)
            for offset, cells in enumerate(grid_rows(grid)):
                row = found.setdefault((title, start_row + offset), [])
                if len(row) < start_column + len(cells):
                    row.extend([""] * (start_column + len(cells) - len(row)))
                row[start_column : start_column + len(cells)] = cells
    return found


@dataclass
class View:
    """One tab right after a write: its header then, and any row of it that came back."""

    header: Header
    refs: list[ColumnRef]  # what each position of the header row holds (declared name or other header)
    rows: Sequence[Sequence[Any]] | None = None  # a whole fresh read, when the answer could not say
    answer: Rows | None = None

    def row(self, index: int) -> list[Any]:
        if self.rows is not None:
            return list(self.rows[index]) if index < len(self.rows) else []
        return list((self.answer or {}).get((self.header.tab.name, index), []))

    def ref_at(self, position: int) -> ColumnRef:
        return ref_at(self.refs, position)


def view_of(tab: Tab, rows: Sequence[Sequence[Any]]) -> View | None:
    """A View over rows of a whole tab (a fresh read), or None when its header cannot be found."""
    header = find_header(tab, rows)
    if header is None:
        return None
    return View(header, column_refs(header, rows[header.row_index]), rows=rows)


def answer_view(tab: Tab, answer: Rows) -> View | None:
    """The View the answer gives of `tab` (its first rows came back), or None without a header."""
    head = [answer.get((tab.name, index), []) for index in range(HEADER_SEARCH_ROWS)]
    header = find_header(tab, head)
    if header is None:
        return None
    return View(header, column_refs(header, head[header.row_index]), answer=answer)
