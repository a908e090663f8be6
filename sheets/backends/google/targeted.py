"""Reading only the rows a step works on, in a tab that grows (Orders, Order Lines ...).

Confirming one order must not move a hundred thousand orders. For a tab declared
`grows`, a write session reads its header (with every other tab's, as before) and then,
as the step asks for records, only their rows:

- where each record stands is remembered from the last read that saw the tab's key
  column: a whole read (a page, the jobs) or a read of the key and lookup columns
  alone, the one request here whose size grows with the tab (`Positions`);
- the row read at a remembered place must still hold the key asked for (and, for a
  lookup, the value looked up and the key remembered there); when it does not, a person
  sorted or inserted rows since: the columns are read again and the rows once more;
- rows added at the end since are read with every lookup, from the last known length on.

The Writer gets such a tab as `SparseRows`: the header rows and the rows read; every
other row is an `UnreadRow`. It finds and checks its rows among those read, as always.
A cell it wrote onto a record it never read (rows moved in the instant between the read
and the write) cannot be put back from the read: it is named as a stray cell, never
guessed (sheets/backends/google/repairs.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.cells import CellError, is_blank, parse_cell
from sheets.locate import raw_key
from sheets.reading import HEADER_SEARCH_ROWS, Header
from sheets.schema import Kind, Tab

RowKey = tuple[str, ...]


class UnreadRow(list):
    """A row of a sparse tab that was not read: its cells are unknown, not blank."""

    __slots__ = ()


UNREAD = UnreadRow()


def is_unread(row: Any) -> bool:
    return isinstance(row, UnreadRow)


def lookup_text(cell: Any) -> str | None:
    """A looked-up cell as the text a record's value compares with; None when blank or unreadable."""
    if is_blank(cell):
        return None
    try:
        return parse_cell(Kind.TEXT, cell)
    except CellError:
        return None


@dataclass
class Positions:
    """Where each record of a tab stood when its key column was last read (0-based grid rows)."""

    keys: dict[RowKey, int] = field(default_factory=dict)
    key_at: dict[int, RowKey] = field(default_factory=dict)
    lookups: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    length: int = 0  # grid rows up to the last one holding anything in the columns read
    #: Learned from the whole key column (else only rows this process added: enough to find
    #: one of those by key, never to tell every row holding a lookup's value).
    complete: bool = False
    #: The other way round: row -> the (column, value) lists of `lookups` it stands in, so that
    #: learning a row again takes it out of those alone, not out of every value's list.
    listed_at: dict[int, list[tuple[str, str]]] = field(default_factory=dict, repr=False, compare=False)

    def learn_row(self, tab: Tab, header: Header, index: int, row: Sequence[Any]) -> None:
        """Remember what `row`, read at `index` after the rest, holds now."""
        old = self.key_at.pop(index, None)
        if old is not None and self.keys.get(old) == index:
            del self.keys[old]
        for column, value in self.listed_at.pop(index, ()):
            self.lookups[column][value].remove(index)
        self._add(tab, header, index, row, latest=True)
        self.length = max(self.length, index + 1)

    def _add(self, tab: Tab, header: Header, index: int, row: Sequence[Any], latest: bool = False) -> None:
        key = raw_key(header, row)
        if key is not None:
            if latest:
                self.keys[key] = index
            else:
                self.keys.setdefault(key, index)  # a duplicate key: the first row, as the Table has it
            self.key_at[index] = key
        for column in tab.lookups:
            position = header.index.get(column)
            value = lookup_text(row[position]) if position is not None and position < len(row) else None
            if value is not None:
                self.lookups.setdefault(column, {}).setdefault(value, []).append(index)
                self.listed_at.setdefault(index, []).append((column, value))


def positions_of(tab: Tab, header: Header, rows: Sequence[Sequence[Any]]) -> Positions:
    """The positions of every keyed row of a read that saw the key (and lookup) columns."""
    positions = Positions(length=len(rows), complete=True)
    for index in range(header.row_index + 1, len(rows)):
        positions._add(tab, header, index, rows[index])
    return positions


def columns_read(tab: Tab, header: Header) -> list[int]:
    """The 0-based columns a positions read asks for: the key's and the lookups'."""
    names = [*tab.key, *(name for name in tab.lookups if name in header.index)]
    return sorted({header.index[name] for name in names})


def rows_from_columns(columns: dict[int, list[list[Any]]]) -> list[list[Any]]:
    """Rows holding only the cells of `columns` (position -> that column's cells, one per row)."""
    length = max((len(cells) for cells in columns.values()), default=0)
    width = max(columns, default=-1) + 1
    rows = [[""] * width for _ in range(length)]
    for position, cells in columns.items():
        for index, cell in enumerate(cells):
            if cell:
                rows[index][position] = cell[0]
    return rows


class SparseRows(Sequence):
    """A tab's grid as far as it was read: its first rows and some rows further down."""

    def __init__(self, head: Sequence[Sequence[Any]], length: int) -> None:
        self.head = [list(row) for row in head[:HEADER_SEARCH_ROWS]]
        self.read: dict[int, list[Any]] = {}  # 0-based grid row -> its cells, as read
        self._length = max(length, len(self.head))

    def add(self, index: int, row: Sequence[Any]) -> None:
        if index < len(self.head):
            self.head[index] = list(row)
        else:
            self.read[index] = list(row)
        self._length = max(self._length, index + 1)

    def grow_to(self, length: int) -> None:
        self._length = max(self._length, length)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index < len(self.head):
            return self.head[index]
        return self.read.get(index, UNREAD)

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[index] for index in range(len(self)))

    def known(self) -> Iterator[tuple[int, list[Any]]]:
        """(index, cells) of the rows read below the first ones, in grid order."""
        return iter(sorted(self.read.items()))
