"""Reading the open records of big tabs: a few columns, then only the rows chosen.

The dashboard needs the orders still moving, not the hundred thousand delivered ones,
and the jobs the open orders, tickets and returns at once. One values:batchGet brings
each tab's header with its key column and the columns it is selected by (status ...),
where its header last put them; the rows whose cell holds one of the values asked for,
and the newest rows, then come in a second, as few ranges as they make together
(neighbouring rows share one), at most `RANGES_PER_READ` to a request. However many
tabs are selected together, that is two requests (a third when a person moved those
columns: they are read again where the header now puts them).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.backends.base import Placed, Selection
from sheets.backends.google.cells import column_range, quote_tab
from sheets.backends.google.placed import runs_of
from sheets.backends.google.targeted import lookup_text
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, read_table
from sheets.schema import Tab

#: Ranges sent in one values:batchGet (its address carries them: it must stay short).
RANGES_PER_READ = 400

BatchGet = Callable[[list[str]], list[dict[str, Any]]]


@dataclass
class Wanted:
    """What to select of one tab; `layout`: where its key and `where` columns are expected."""

    tab: Tab
    where: Mapping[str, Collection[str]]
    recent: int
    layout: list[int]
    head: list[list[Any]] = field(default_factory=list)
    header: Header | None = None
    columns: dict[int, list[list[Any]]] = field(default_factory=dict)
    chosen: list[int] = field(default_factory=list)  # 0-based rows selected
    runs: list[tuple[int, int]] = field(default_factory=list)  # (first, last) 0-based rows to read
    found: list[tuple[int, list[list[Any]]]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [self.tab.key[0], *self.where]

    def column_ranges(self) -> list[str]:
        return [column_range(self.tab.name, p, p) for p in self.layout]

    def take_head(self, answer: Sequence[dict[str, Any]]) -> bool:
        """Keep the header and columns read; False when they were the wrong columns (read again)."""
        self.head = answer[0].get("values", []) if answer else []
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
            p: answer[i].get("values", []) if i < len(answer) else [] for i, p in enumerate(self.layout)
        }

    @property
    def usable(self) -> bool:
        header = self.header
        return header is not None and header.complete_key and all(name in header.index for name in self.where)

    def choose(self) -> None:
        if not self.usable:
            return
        header = self.header
        length = self.length
        where = {header.index[name]: set(values) for name, values in self.where.items()}
        self.chosen = _chosen(header.row_index, length, self.columns, where, self.recent)
        self.runs = runs_of([index for index in self.chosen if index >= len(self.head)])

    @property
    def length(self) -> int:
        return max((len(cells) for cells in self.columns.values()), default=0)

    def selection(self) -> Selection:
        if not self.usable:
            return Selection(read_table(self.tab, self.head), 0, complete=False)
        length = self.length
        grid: list[list[Any]] = [list(row) for row in self.head]
        grid += [[] for _ in range(max(length - len(self.head), 0))]
        for start, rows in self.found:
            for offset, row in enumerate(rows):
                if start + offset < len(grid):
                    grid[start + offset] = list(row)
        return Selection(read_table(self.tab, grid), self.total, complete=False)

    @property
    def total(self) -> int:
        keys = self.columns[self.header.index[self.tab.key[0]]]
        return sum(
            1 for cell in keys[self.header.row_index + 1 :] if cell and lookup_text(cell[0]) is not None
        )

    def placed(self) -> Placed | None:
        """Where the rows chosen stood, to read them again next time (reselecting.py)."""
        if not self.usable:
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
) -> Selection:
    """The selected and newest rows of `tab`; `layout`: where its key and `where` columns are expected."""
    wanted = Wanted(tab, where, recent, sorted(set(layout)))
    return read_selections([wanted], batch_get)[tab.name]


def read_selections(wanted: Sequence[Wanted], batch_get: BatchGet) -> dict[str, Selection]:
    """The selection of each of `wanted`'s tabs, in two values:batchGet however many there are."""
    ranges = []
    for item in wanted:
        ranges += [f"{quote_tab(item.tab.name)}!1:{HEADER_SEARCH_ROWS}", *item.column_ranges()]
    answer, moved, at = batch_get(ranges), [], 0
    for item in wanted:
        width = 1 + len(item.layout)
        if not item.take_head(answer[at : at + width]):
            moved.append(item)
        at += width
    if moved:
        again = batch_get([r for item in moved for r in item.column_ranges()])
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


def _chosen(
    header_row: int,
    length: int,
    columns: dict[int, list[list[Any]]],
    where: dict[int, set[str]],
    recent: int,
) -> list[int]:
    """0-based rows whose cell in a `where` column holds one of its values, and the `recent` last."""
    chosen = set(range(max(header_row + 1, length - recent), length))
    for position, values in where.items():
        cells = columns.get(position, [])
        for index in range(header_row + 1, length):
            text = lookup_text(cells[index][0]) if index < len(cells) and cells[index] else None
            if (text or "") in values:
                chosen.add(index)
    return sorted(chosen)


def _text_at(cells: list[list[Any]], index: int) -> str:
    return (lookup_text(cells[index][0]) or "") if index < len(cells) and cells[index] else ""
