"""Reading a tab that only grows from where an earlier read of it ended.

The jobs check the Stock Moves ledger every cycle, and a busy shop's ledger holds
hundreds of thousands of rows that never change: the app only ever appends to it.
So a runner keeps the rows it read, and the next cycle asks, in one values:batchGet,
for the header rows, the last row it read and every row after that. When the header
and that last row still read as they did, the rows kept plus the new ones are the tab
as it stands; when not (a person sorted, inserted or deleted rows above, or changed
the header; the archive took old rows away), the caller reads the tab whole again.

A cell a person typed over in a row read earlier is not seen this way: the runner
reads the tab whole again on the cycles the demand forecast is computed (daily by
default, jobs/snapshot.py), and the first cycle of every run reads it whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sheets.reading import find_header
from sheets.schema import Tab

#: read_rows(tab name, row indexes, tail from, width) -> {0-based row: cells} (backend.read_rows).
ReadRows = Callable[[str, Sequence[int], int | None, int], dict[int, list[Any]]]


def rows_after(tab: Tab, known: Sequence[Sequence[Any]], read_rows: ReadRows) -> list[list[Any]] | None:
    """`known` and the rows added after it; None when `known` no longer stands as it was read."""
    header = find_header(tab, known)
    if header is None or len(known) <= header.row_index:
        return None
    head = range(header.row_index + 1)
    width = max(len(row) for row in known[: header.row_index + 1])
    found = read_rows(tab.name, list(head), len(known), width)
    last = len(known) - 1
    if any(_cells(found.get(index)) != _cells(known[index]) for index in (*head, last)):
        return None
    added = [list(found.get(index, [])) for index in range(len(known), max(found, default=last) + 1)]
    if not added and isinstance(known, list):
        return known  # the very rows kept: a caller that parsed them need not again
    return [*(list(row) for row in known), *added]


def _cells(row: Sequence[Any] | None) -> list[Any]:
    """A row's cells without the blanks at its end (the API leaves them out of some answers)."""
    cells = list(row or [])
    while cells and cells[-1] in ("", None):
        cells.pop()
    return cells
