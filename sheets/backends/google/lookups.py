"""A write session's reads of a tab that grows: a record by key, records by a lookup column.

Each costs one values:batchGet of the rows it needs (targeted.py says how they are
found and checked); a read of the key and lookup columns is added when the positions
remembered no longer hold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sheets.backends.google.targeted import Positions, RowKey, SparseRows, lookup_text
from sheets.errors import SheetError
from sheets.locate import raw_key
from sheets.reading import Header, find_header, read_table
from sheets.schema import Tab
from sheets.table import Key, Record

log = logging.getLogger(__name__)

#: (tab, header) -> the tab's positions, read fresh from its key and lookup columns.
LearnPositions = Callable[[Tab, Header], Positions]
#: (tab name, rows wanted, first row of the tail or None, width) -> rows read by 0-based index.
ReadRows = Callable[[str, Sequence[int], int | None, int], dict[int, list[Any]]]


class RowLookups:
    """Finds records of sparse tabs (`SparseRows` in `rows`) with as few and as small reads as it can."""

    def __init__(
        self,
        rows: dict[str, Any],
        positions: dict[str, Positions],
        learn: LearnPositions,
        read_rows: ReadRows,
    ) -> None:
        self.rows = rows
        self.positions = positions  # shared by every session of the backend
        self.learn = learn
        self.read_rows = read_rows
        self.tails_read: set[str] = set()  # tabs whose rows past the last known came with the session's read

    # the two questions a step asks -------------------------------------------

    def find(self, tab: Tab, key: Key) -> Record | None:
        header = self._header(tab)
        if header is None or not header.complete_key:
            return None
        parts = (key,) if isinstance(key, str) else tuple(key)
        index = self._index_of(tab, header, parts)
        return None if index is None else self._record(tab, header, index, parts)

    def where(self, tab: Tab, column: str, value: str) -> list[Record]:
        """The records whose `column` (one of the tab's lookups) holds `value`, in sheet order."""
        header = self._header(tab)
        position = header.index.get(column) if header is not None else None
        if header is None or position is None or not header.complete_key:
            return []
        for fresh in self._attempts(tab, complete=True):
            positions = self._positions(tab, header, fresh)
            # What each remembered row held, before the read below learns what it holds now.
            expected = {
                index: positions.key_at.get(index)
                for index in positions.lookups.get(column, {}).get(value, [])
            }
            tail_from = None if tab.name in self.tails_read else positions.length
            self._read(tab, header, list(expected), tail_from=tail_from)
            if not self._moved(tab, header, expected, position, value):
                break
            self.tails_read.discard(tab.name)
            log.info("rows of %s moved since they were last read; reading its key column again", tab.name)
        rows = self.rows[tab.name]
        where_now = self.positions[tab.name].keys
        found = [
            index
            for index in self._known(rows, header)
            if position < len(rows[index])
            and lookup_text(rows[index][position]) == value
            # a record read twice (rows moved between two reads) counts where it stands now
            and where_now.get(raw_key(header, rows[index]), index) == index
        ]
        records = [self._record(tab, header, index, raw_key(header, rows[index])) for index in found]
        return [record for record in records if record is not None]

    # finding a row ---------------------------------------------------------------

    def _index_of(self, tab: Tab, header: Header, parts: tuple[str, ...]) -> int | None:
        rows = self.rows[tab.name]
        for index in self._known(rows, header):
            if raw_key(header, rows[index]) == parts:
                return index
        for fresh in self._attempts(tab):
            positions = self._positions(tab, header, fresh)
            index = positions.keys.get(parts)
            if index is None:
                # Not there when last seen: added since at the end, or nowhere.
                self._read(tab, header, [], tail_from=positions.length)
                index = next(
                    (i for i in self._known(rows, header) if raw_key(header, rows[i]) == parts), None
                )
                if index is not None:
                    return index
                continue
            self._read(tab, header, [index])
            if raw_key(header, rows[index]) == parts:
                return index
            log.info(
                "%s is no longer where %s last saw it; reading its key column again",
                "/".join(parts),
                tab.name,
            )
        return None

    def _moved(
        self, tab: Tab, header: Header, expected: dict[int, RowKey | None], position: int, value: str
    ) -> bool:
        """Whether a remembered row no longer holds what it held: the lookup's value or its key."""
        rows = self.rows[tab.name]
        for index, key in expected.items():
            row = rows[index]
            if position >= len(row) or lookup_text(row[position]) != value or raw_key(header, row) != key:
                return True
        return False

    # reading -----------------------------------------------------------------------

    def _attempts(self, tab: Tab, complete: bool = False) -> tuple[bool, ...]:
        """Positions as remembered, then read fresh; fresh at once when there are none (or none whole) yet."""
        remembered = self.positions.get(tab.name)
        if remembered is None or (complete and not remembered.complete):
            return (True,)
        return (False, True)

    def _positions(self, tab: Tab, header: Header, fresh: bool) -> Positions:
        if fresh or tab.name not in self.positions:
            self.positions[tab.name] = self.learn(tab, header)
            self.rows[tab.name].grow_to(self.positions[tab.name].length)
        return self.positions[tab.name]

    def _read(self, tab: Tab, header: Header, indexes: Sequence[int], tail_from: int | None = None) -> None:
        """Read the rows at `indexes` (and every row from `tail_from` on) into the tab's rows."""
        rows: SparseRows = self.rows[tab.name]
        wanted = sorted({index for index in indexes if index >= len(rows.head) and index not in rows.read})
        if not wanted and tail_from is None:
            return
        width = max(header.width, max(header.index.values(), default=0) + 1)
        found = self.read_rows(tab.name, wanted, tail_from, width)
        positions = self.positions.get(tab.name)
        for index, row in found.items():
            rows.add(index, row)
            if positions is not None:
                positions.learn_row(tab, header, index, row)

    def _header(self, tab: Tab) -> Header | None:
        return find_header(tab, self.rows.get(tab.name) or [])

    @staticmethod
    def _known(rows: SparseRows, header: Header) -> list[int]:
        """The grid rows of the tab read so far, below its header."""
        return [*range(header.row_index + 1, len(rows.head)), *(index for index, _ in rows.known())]

    def _record(self, tab: Tab, header: Header, index: int, parts: tuple[str, ...] | None) -> Record | None:
        rows = self.rows[tab.name]
        grid = [rows[header.row_index], rows[index]]
        table = read_table(tab, grid, first_row=index)  # the row keeps its sheet row number
        record = table.records().__next__() if len(table) else None
        if record is None and parts is not None:
            issue = next((issue for issue in table.issues if issue.row == index + 1), None)
            if issue is not None:
                raise SheetError(f"{issue} — fix the row in the sheet first.")
        return record
