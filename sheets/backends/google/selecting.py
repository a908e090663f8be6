"""Reading the open records of a big tab for a page: a few columns, then only the rows chosen.

The dashboard needs the orders still moving, not the hundred thousand delivered ones.
One values:batchGet brings the tab's header with its key column and the columns a
page selects by (status ...), where its header last put them; the rows whose cell holds
one of the values asked for (with a limit, only the newest of them), the newest rows and
the first ones then come in as few ranges as they make together (neighbouring rows
share one), at most `RANGES_PER_READ` to a request. A list's first page is the same
question without a `where`: the rows it shows, and the tab's count from the key column.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sheets.backends.base import Selection
from sheets.backends.google.cells import column_range, quote_tab
from sheets.backends.google.targeted import lookup_text
from sheets.reading import HEADER_SEARCH_ROWS, find_header, read_table
from sheets.schema import Tab

#: Ranges sent in one values:batchGet (its address carries them: it must stay short).
RANGES_PER_READ = 400

#: values:batchGet of some ranges, by rows or, given "COLUMNS", by columns (one list of cells per column).
BatchGet = Callable[..., list[dict[str, Any]]]


def read_selected(
    tab: Tab,
    where: Mapping[str, Collection[str]],
    recent: int,
    batch_get: BatchGet,
    layout: Sequence[int],
    *,
    first: int = 0,
    limit: int | None = None,
) -> Selection:
    """The selected, newest and first rows of `tab`; `layout`: where its key and `where` columns are expected."""
    names = [tab.key[0], *where]
    head_range = f"{quote_tab(tab.name)}!1:{HEADER_SEARCH_ROWS}"
    # By columns: a column comes as one list of its cells, not a list per row (60% of the bytes).
    answer = batch_get([head_range, *(column_range(tab.name, p, p) for p in layout)], "COLUMNS")
    head = _rows_of(answer[0].get("values", [])) if answer else []
    header = find_header(tab, head)
    if header is None or not header.complete_key or any(name not in header.index for name in where):
        return Selection(read_table(tab, head), 0, complete=False, matched=0)
    wanted = [header.index[name] for name in names]
    if sorted(set(wanted)) != list(layout):  # a person moved them: read where they are now
        layout = sorted(set(wanted))
        answer = [answer[0], *batch_get([column_range(tab.name, p, p) for p in layout], "COLUMNS")]
    columns = {p: _first_column(answer[1 + i]) for i, p in enumerate(layout)}
    key_position = header.index[tab.key[0]]
    keys = columns[key_position]
    length = max(len(cells) for cells in columns.values())
    matching = _matching(header.row_index, length, columns, key_position, _where_at(header.index, where))
    matched = len(matching)
    if limit is not None:
        matching = matching[max(matched - limit, 0) :]
    edges = {*range(max(header.row_index + 1, length - recent), length)}
    edges |= {*range(header.row_index + 1, min(header.row_index + 1 + first, length))}
    chosen = sorted(edges.union(matching))
    grid: list[Sequence[Any]] = [list(row) for row in head[: header.row_index + 1]]
    grid += [()] * max(length - len(grid), 0)  # a row not read: empty
    for index in chosen:  # the table holds the rows chosen and no other (a caller counts on it)
        if index < len(head) and index < len(grid):
            grid[index] = list(head[index])
    for start, rows in _read_runs(tab.name, [i for i in chosen if i >= len(head)], batch_get):
        for offset, row in enumerate(rows):
            if start + offset < len(grid):
                grid[start + offset] = list(row)
    total = sum(1 for cell in keys[header.row_index + 1 :] if _holds_key(cell))
    return Selection(read_table(tab, grid), total, complete=False, matched=matched if where else total)


def _first_column(value_range: dict[str, Any]) -> list[Any]:
    """The cells of a one-column range read by columns, top to bottom."""
    values = value_range.get("values", [])
    return list(values[0]) if values else []


def _rows_of(columns: list[list[Any]]) -> list[list[Any]]:
    """Cells read by columns as rows, each without its trailing blank cells (as a read by rows has them)."""
    height = max((len(column) for column in columns), default=0)
    rows = []
    for index in range(height):
        row = [column[index] if index < len(column) else "" for column in columns]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    return rows


def _where_at(index: Mapping[str, int], where: Mapping[str, Collection[str]]) -> dict[int, set[str]]:
    return {index[name]: set(values) for name, values in where.items()}


def _matching(
    header_row: int,
    length: int,
    columns: dict[int, list[Any]],
    key_position: int,
    where: dict[int, set[str]],
) -> list[int]:
    """0-based rows holding a key whose cell in a `where` column holds one of its values, top to bottom."""
    if not where:
        return []
    keys = columns.get(key_position, [])
    texts: dict[Any, str] = {}  # a where column holds few values: each read as text once
    found = []
    for index in range(header_row + 1, length):
        if not (index < len(keys) and _holds_key(keys[index])):
            continue  # a blank row, or one waiting for its ID: no record
        for position, values in where.items():
            cells = columns.get(position, [])
            raw = cells[index] if index < len(cells) else None
            text = texts.get(raw)
            if text is None:
                text = texts[raw] = lookup_text(raw) or ""
            if text in values:
                found.append(index)
                break
    return found


def _holds_key(value: Any) -> bool:
    """Whether a key column's cell holds a key."""
    if type(value) is str:
        return bool(value) and not value.isspace()
    return lookup_text(value) is not None


def _read_runs(tab_name: str, indexes: list[int], batch_get: BatchGet) -> list[tuple[int, list[list[Any]]]]:
    """The rows at `indexes`, read as runs of neighbouring rows: (first row, rows) per run."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    found = []
    for part in range(0, len(runs), RANGES_PER_READ):
        batch = runs[part : part + RANGES_PER_READ]
        answer = batch_get([f"{quote_tab(tab_name)}!{first + 1}:{last + 1}" for first, last in batch])
        found += [
            (first, value_range.get("values", []))
            for (first, _), value_range in zip(batch, answer, strict=False)
        ]
    return found
