"""Reading the open records of big tabs: a few columns, then only the rows chosen.

The dashboard needs the orders still moving, not the hundred thousand delivered ones,
and the jobs the open orders, tickets and returns at once. One values:batchGet brings
each tab's header with its key column and the columns it is selected by (status ...),
where its header last put them; the rows whose cell holds one of the values asked for,
and the newest rows, then come in a second, as few ranges as they make together
(neighbouring rows share one), at most `RANGES_PER_READ` to a request. However many
tabs are selected together, that is two requests (a third when a person moved those
columns: they are read again where the header now puts them). The columns come by
columns: one list of cells per column, not a list per row (60% of the bytes).

A question for records by values alone (an order's lines by `order_id`, its stock moves
by `ref`: no newest rows, no count) reads only those columns, not the key column: the
rows it finds bring their keys, and a row found without one holds no record.

A list's first page is the same question for one tab: the grid's first rows (`first`),
or the newest of the rows a view selects (`limit`), and the counts from the columns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.backends.base import Placed, Selection
from sheets.backends.google.cells import column_range, quote_tab
from sheets.backends.google.placed import RANGES_PER_READ, runs_of
from sheets.backends.google.targeted import lookup_text
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, read_table
from sheets.schema import Tab

#: values:batchGet of some ranges, by rows or, given "COLUMNS", by columns (one list of cells per column).
BatchGet = Callable[..., list[dict[str, Any]]]


@dataclass
class Wanted:
    """What to select of one tab; `layout`: where its key and `where` columns are expected."""

    tab: Tab
    where: Mapping[str, Collection[str]]
    recent: int
    layout: list[int]
    first: int = 0  # the first rows after the header, besides
    limit: int | None = None  # of the rows `where` selects, only the newest this many
    head: list[list[Any]] = field(default_factory=list)
    header: Header | None = None
    columns: dict[int, list[Any]] = field(default_factory=dict)  # position -> its cells, top to bottom
    chosen: list[int] = field(default_factory=list)  # 0-based rows the selection holds
    matched: int = 0  # records `where` selects, those `limit` leaves out included
    runs: list[tuple[int, int]] = field(default_factory=list)  # (first, last) 0-based rows to read
    found: list[tuple[int, list[list[Any]]]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return selected_names(self.tab, self.where, self.recent, self.first, self.limit)

    @property
    def counted(self) -> bool:
        return counts(self.tab, self.where, self.recent, self.first, self.limit)

    def column_ranges(self) -> list[str]:
        return [column_range(self.tab.name, p, p) for p in self.layout]

    def take_head(self, answer: Sequence[dict[str, Any]]) -> bool:
        """Keep the header and columns read; False when they were the wrong columns (read again)."""
        self.head = _rows_of(answer[0].get("values", [])) if answer else []
        self.header = find_header(self.tab, self.head)
        if not self.usable:
            return True
        wanted = sorted({self.header.index[name] for name in self.names})
        if wanted != self.layout:  # a person moved them: read where they are now
            self.layout = wanted
            return False
        self.take_columns(answer[1:])
        return True

    def take_columns(self, answer: Sequence[dict[str, Any]]) -> None:
        self.columns = {
            p: _first_column(answer[i]) if i < len(answer) else [] for i, p in enumerate(self.layout)
        }

    @property
    def usable(self) -> bool:
        header = self.header
        return header is not None and header.complete_key and all(name in header.index for name in self.where)

    def choose(self) -> None:
        if not self.usable:
            return
        header, length = self.header, self.length
        where = {header.index[name]: set(values) for name, values in self.where.items()}
        key = header.index[self.tab.key[0]] if self.counted else None
        matching = _matching(header.row_index, length, self.columns, key, where)
        self.matched = len(matching)
        if self.limit is not None:
            matching = matching[max(self.matched - self.limit, 0) :]
        edges = {*range(max(header.row_index + 1, length - self.recent), length)}
        edges |= {*range(header.row_index + 1, min(header.row_index + 1 + self.first, length))}
        self.chosen = sorted(edges.union(matching))
        self.runs = runs_of([index for index in self.chosen if index >= len(self.head)])

    @property
    def length(self) -> int:
        return max((len(cells) for cells in self.columns.values()), default=0)

    def selection(self) -> Selection:
        if not self.usable:
            return Selection(read_table(self.tab, self.head), 0, complete=False, matched=0)
        length, header = self.length, self.header
        grid: list[Sequence[Any]] = [list(row) for row in self.head[: header.row_index + 1]]
        grid += [()] * max(length - len(grid), 0)  # a row not read: empty
        for index in self.chosen:  # the table holds the rows chosen and no other (a caller counts on it)
            if index < len(self.head) and index < len(grid):
                grid[index] = list(self.head[index])
        for start, rows in self.found:
            for offset, row in enumerate(rows):
                if start + offset < len(grid):
                    grid[start + offset] = list(row)
        if not self.counted:  # its key column was not read: a row read without a key holds no record
            self._drop_keyless(grid)
        return Selection(
            read_table(self.tab, grid),
            self.total,
            complete=False,
            matched=self.matched if self.where else self.total,
        )

    def _drop_keyless(self, grid: list[Sequence[Any]]) -> None:
        key = self.header.index[self.tab.key[0]]
        for index in self.chosen:
            row = grid[index] if index < len(grid) else ()
            if index > self.header.row_index and not (key < len(row) and _holds_key(row[key])):
                grid[index] = ()
                self.matched -= 1

    @property
    def total(self) -> int | None:
        """Records in the tab: rows whose key cell holds a key (None: its key column was not read)."""
        if not self.counted:
            return None
        keys = self.columns[self.header.index[self.tab.key[0]]]
        return sum(1 for cell in keys[self.header.row_index + 1 :] if _holds_key(cell))

    def placed(self) -> Placed | None:
        """Where the rows chosen stood, to read them again next time (placed.py)."""
        if not self.usable or not self.counted:
            return None
        keys = self.columns[self.header.index[self.tab.key[0]]]
        last = self.length - 1
        chosen = {*self.chosen, last} if last > self.header.row_index else set(self.chosen)
        return Placed(
            [list(row) for row in self.head],
            {index: _text_at(keys, index) for index in sorted(chosen)},
            self.length,
            self.total,
        )


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
    wanted = Wanted(tab, where, recent, sorted(set(layout)), first=first, limit=limit)
    return read_selections([wanted], batch_get)[tab.name]


def read_selections(wanted: Sequence[Wanted], batch_get: BatchGet) -> dict[str, Selection]:
    """The selection of each of `wanted`'s tabs, in two values:batchGet however many there are."""
    ranges = []
    for item in wanted:
        ranges += [f"{quote_tab(item.tab.name)}!1:{HEADER_SEARCH_ROWS}", *item.column_ranges()]
    answer, moved, at = batch_get(ranges, "COLUMNS"), [], 0
    for item in wanted:
        width = 1 + len(item.layout)
        if not item.take_head(answer[at : at + width]):
            moved.append(item)
        at += width
    if moved:
        again = batch_get([r for item in moved for r in item.column_ranges()], "COLUMNS")
        at = 0
        for item in moved:
            item.take_columns(again[at : at + len(item.layout)])
            at += len(item.layout)
    for item in wanted:
        item.choose()
    runs = [(item, run) for item in wanted for run in item.runs]
    for part in range(0, len(runs), RANGES_PER_READ):
        batch = runs[part : part + RANGES_PER_READ]
        rows = batch_get(
            [f"{quote_tab(item.tab.name)}!{first + 1}:{last + 1}" for item, (first, last) in batch]
        )
        for (item, (first, _)), value_range in zip(batch, rows, strict=False):
            item.found.append((first, value_range.get("values", [])))
    return {item.tab.name: item.selection() for item in wanted}


def counts(
    tab: Tab, where: Mapping[str, Collection[str]], recent: int, first: int = 0, limit: int | None = None
) -> bool:
    """Whether a selection reads the tab's key column: to count its records, to find its newest or
    first rows, or to select by key. A question for records by other values alone (an order's
    lines by `order_id`) reads only those columns; the rows it finds bring their keys."""
    return bool(recent or first or limit is not None or not where or tab.key[0] in where)


def selected_names(
    tab: Tab, where: Mapping[str, Collection[str]], recent: int, first: int = 0, limit: int | None = None
) -> list[str]:
    """The columns a selection reads before its rows."""
    key = [tab.key[0]] if counts(tab, where, recent, first, limit) else []
    return list(dict.fromkeys([*key, *where]))


def _matching(
    header_row: int,
    length: int,
    columns: dict[int, list[Any]],
    key_position: int | None,
    where: dict[int, set[str]],
) -> list[int]:
    """0-based rows whose cell in a `where` column holds one of its values, top to bottom: of those
    holding a key, unless `key_position` is None (the key column was not read)."""
    if not where:
        return []
    keys = columns.get(key_position, []) if key_position is not None else None
    texts: dict[Any, str] = {}  # a where column holds few values: each read as text once
    found = []
    for index in range(header_row + 1, length):
        if keys is not None and not (index < len(keys) and _holds_key(keys[index])):
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


def _text_at(cells: list[Any], index: int) -> str:
    """The text of a column's cell (read by columns), "" for a blank one."""
    return (lookup_text(cells[index]) or "") if index < len(cells) else ""
