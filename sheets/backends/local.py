"""The embedded workbook: spreadsheet-like tabs in one SQLite file.

Each tab is a header row and rows of cells, exactly as a person would see
them in a spreadsheet, so the same reading rules apply to both backends. A row
is stored as a JSON array at a dense position (0 = sheet row 1); `row_key`
indexes the row's key so an update by ID touches one row, however large the
tab.

SQLite in WAL mode with synchronous=FULL makes each commit atomic and
durable: a process killed mid-write leaves the last committed state intact.
Writers take the write lock up front (BEGIN IMMEDIATE), so the web server and
a jobs process can write at the same time; each simply waits its turn.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sheets.backends.base import Backend, InitReport, RawAnswer, RawBlock, Session
from sheets.columns import layout_of
from sheets.errors import DuplicateKey, RowsMoved, SheetError, TabProblem
from sheets.locate import key_text, padded, raw_key, same_row
from sheets.plan import IdAssignment, RowAppend, RowDelete, RowUpdate, WritePlan
from sheets.reading import (
    HEADER_SEARCH_ROWS,
    Header,
    convert_rows,
    find_header,
    read_table,
    require_columns,
)
from sheets.schema import Tab
from sheets.table import Key, Record, Table
from sheets.tabs import TABS_BY_NAME

FILE_NAME = "workbook.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS tabs (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS rows (
    tab TEXT NOT NULL,
    pos INTEGER NOT NULL,
    row_key TEXT,
    cells TEXT NOT NULL,
    PRIMARY KEY (tab, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rows_by_key ON rows (tab, row_key);
"""


def _dump(cells: Sequence[Any]) -> str:
    return json.dumps(list(cells), ensure_ascii=False, separators=(",", ":"))


class LocalBackend(Backend):
    kind = "local"

    def __init__(self, data_dir: Path | str, file_name: str = FILE_NAME) -> None:
        """The workbook in `data_dir`; `file_name` names another workbook there (a year's archive)."""
        self.path = Path(data_dir) / file_name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connection() as connection:
            connection.executescript(SCHEMA)

    # connections -----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA busy_timeout=30000")
        return connection

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (SQLite connections are not shared between threads)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        yield connection

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # reading ---------------------------------------------------------------

    def read_tables(self, tabs: Sequence[Tab]) -> dict[str, Table]:
        with self._transaction(write=False) as connection:
            present = {name for (name,) in connection.execute("SELECT name FROM tabs")}
            return {
                tab.name: read_table(tab, _all_rows(connection, tab.name) if tab.name in present else None)
                for tab in tabs
            }

    def versions(self, tabs: Sequence[Tab]) -> dict[str, Any]:
        with self._connection() as connection:
            found = dict(connection.execute("SELECT name, version FROM tabs"))
        return {tab.name: found.get(tab.name) for tab in tabs}

    def raw_rows(self, tab_name: str) -> list[list[Any]]:
        with self._transaction(write=False) as connection:
            return _all_rows(connection, tab_name)

    def header_rows(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        with self._transaction(write=False) as connection:
            return {name: _head_rows(connection, name) for name in tab_names}

    def tab_names(self) -> list[str]:
        with self._connection() as connection:
            return [name for (name,) in connection.execute("SELECT name FROM tabs ORDER BY position")]

    # raw bulk access (copying a workbook) ----------------------------------

    @property
    def location(self) -> str:
        return f"the local workbook {self.path.resolve()}"

    def read_raw(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        with self._transaction(write=False) as connection:
            return {name: _all_rows(connection, name) for name in tab_names}

    def prepare_raw(
        self,
        *,
        create: Sequence[str] = (),
        clear: Sequence[str] = (),
        sizes: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        # A local tab has no fixed size: `sizes` needs nothing here.
        with self.raw_edit() as grid:
            for name in create:
                if not grid.exists(name):
                    grid.create_tab(name)
            for name in clear:
                grid.replace_rows(name, [])

    def write_raw(self, blocks: Sequence[RawBlock]) -> RawAnswer:
        with self.raw_edit() as grid:
            for block in blocks:
                # One transaction: a person's column change is seen before the rows go in,
                # so a block laid out for another header is left out instead of misplaced.
                if block.head is None or grid.laid_out_as(block.tab, block.head):
                    grid.put_rows(block.tab, block.start, block.rows)
            return grid.answer(blocks)

    # writing ---------------------------------------------------------------

    @contextmanager
    def session(self, tabs: Sequence[Tab]) -> Iterator[Session]:
        with self._transaction(write=True) as connection:
            yield LocalSession(connection)

    @contextmanager
    def raw_edit(self) -> Iterator[RawGrid]:
        """Edit cells as a person would (tests, the in-app grid); one atomic commit."""
        with self._transaction(write=True) as connection:
            yield RawGrid(connection)

    def ensure_tabs(self, tabs: Sequence[Tab], language: str = "en") -> InitReport:
        """Create missing tabs and columns, with headers in `language`."""
        report = InitReport()
        with self.raw_edit() as grid:
            for tab in tabs:
                rows = grid.rows(tab.name) if grid.exists(tab.name) else None
                if rows is None:
                    grid.create_tab(tab.name, [tab.headers(language)])
                    report.created_tabs.append(tab.name)
                    continue
                header = find_header(tab, rows)
                if header is None:
                    grid.insert_rows(tab.name, 0, [tab.headers(language)])
                    report.added_columns[tab.name] = tab.column_names
                    continue
                if header.missing:
                    header_row = padded(rows[header.row_index], header.width)
                    header_row += tab.headers(language, [n for n in tab.column_names if n in header.missing])
                    grid.set_row(tab.name, header.row_index, header_row)
                    report.added_columns[tab.name] = list(header.missing)
        return report


def _all_rows(connection: sqlite3.Connection, tab_name: str) -> list[list[Any]]:
    # One json.loads over the whole tab is several times faster than one per row.
    (joined,) = connection.execute(
        "SELECT '[' || coalesce(group_concat(cells, ','), '') || ']' "
        "FROM (SELECT cells FROM rows WHERE tab = ? ORDER BY pos)",
        (tab_name,),
    ).fetchone()
    return json.loads(joined)


def _head_rows(connection: sqlite3.Connection, tab_name: str) -> list[list[Any]]:
    return [
        json.loads(cells)
        for (cells,) in connection.execute(
            "SELECT cells FROM rows WHERE tab = ? ORDER BY pos LIMIT ?",
            (tab_name, HEADER_SEARCH_ROWS),
        )
    ]


def _bump(connection: sqlite3.Connection, tab_name: str) -> None:
    connection.execute("UPDATE tabs SET version = version + 1 WHERE name = ?", (tab_name,))


class LocalSession(Session):
    """Reads and writes inside one SQLite write transaction: nothing moves in between."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._headers: dict[str, Header | None] = {}
        self._tables: dict[str, Table] = {}

    def header(self, tab: Tab) -> Header | None:
        if tab.name not in self._headers:
            self._headers[tab.name] = find_header(tab, _head_rows(self.connection, tab.name))
        return self._headers[tab.name]

    def table(self, tab: Tab) -> Table:
        # Read once per session: nothing else writes while this session holds the write lock.
        if tab.name not in self._tables:
            self._tables[tab.name] = read_table(tab, _all_rows(self.connection, tab.name))
        return self._tables[tab.name]

    def _rows_with_key(self, tab: Tab, parts: tuple[str, ...], limit: int = 1) -> list[tuple[int, list[Any]]]:
        # Without the hint SQLite walks the whole tab by position instead of using the
        # key index; the few matches are sorted here rather than by an ORDER BY.
        query = "SELECT pos, cells FROM rows INDEXED BY rows_by_key WHERE tab = ? AND row_key = ?"
        found = sorted(self.connection.execute(query, (tab.name, key_text(parts))))
        return [(pos, json.loads(cells)) for pos, cells in found[:limit]]

    def find(self, tab: Tab, key: Key) -> Record | None:
        header = self.header(tab)
        if header is None or not header.complete_key:
            raise TabProblem(
                f"The {tab.name} tab has no header row with {', '.join(tab.key)}; run `python app.py init`."
            )
        parts = (key,) if isinstance(key, str) else tuple(key)
        found = self._rows_with_key(tab, parts)
        if not found:
            return None
        pos, cells = found[0]
        table = convert_rows(tab, header, [cells], pos + 1)
        if table.issues:
            raise SheetError(f"{table.issues[0]} — fix the row in the sheet first.")
        return table.get(key)

    def rows_without_id(self, tab: Tab, whole: bool = False) -> list[tuple[int, tuple[Any, ...]]]:
        header = self.header(tab)
        if header is None or not header.complete_key:
            return []
        query = (
            "SELECT pos, cells FROM rows INDEXED BY rows_by_key WHERE tab = ? AND row_key IS NULL AND pos > ?"
        )
        candidates = [
            (pos, json.loads(cells))
            for pos, cells in sorted(self.connection.execute(query, (tab.name, header.row_index)))
        ]
        result = []
        for pos, cells in candidates:
            table = convert_rows(tab, header, [cells], pos + 1)
            if table.rows_without_id:
                result.append((pos + 1, tuple(cells)))
        return result

    def commit(self, plan: WritePlan) -> None:
        for update in plan.updates:
            self._apply_update(update)
        for assignment in plan.id_assignments:
            self._apply_id(assignment)
        for append in plan.appends:
            self._apply_append(append)
        self._apply_deletes(plan.deletes)
        for tab_name in plan.tabs:
            _bump(self.connection, tab_name)

    def _require_header(self, tab: Tab, columns: Sequence[str]) -> Header:
        return require_columns(tab, self.header(tab), columns)

    def _the_row(self, tab: Tab, key: tuple[str, ...]) -> tuple[int, list[Any]]:
        """(position, cells) of the one row holding `key`; SheetError when it is gone or twice there."""
        found = self._rows_with_key(tab, key, limit=2)
        if not found:
            raise SheetError(f"{tab.name} no longer has {'/'.join(key)}; nothing was saved.")
        if len(found) > 1:
            raise DuplicateKey(tab.name, "/".join(key), [pos + 1 for pos, _ in found])
        return found[0]

    def _apply_update(self, update: RowUpdate) -> None:
        header = self._require_header(update.tab, list(update.cells))
        pos, cells = self._the_row(update.tab, update.key)
        cells = padded(cells, max(header.index[name] for name in update.cells) + 1)
        for name, value in update.cells.items():
            cells[header.index[name]] = value
        self.connection.execute(
            "UPDATE rows SET cells = ? WHERE tab = ? AND pos = ?",
            (_dump(cells), update.tab.name, pos),
        )

    def _apply_append(self, append: RowAppend) -> None:
        header = self._require_header(append.tab, list(append.cells))
        cells = [""] * max(header.width, max(header.index.values()) + 1)
        for name, value in append.cells.items():
            cells[header.index[name]] = value
        (end,) = self.connection.execute(
            "SELECT coalesce(max(pos), -1) + 1 FROM rows WHERE tab = ?",
            (append.tab.name,),
        ).fetchone()
        self.connection.execute(
            "INSERT INTO rows (tab, pos, row_key, cells) VALUES (?, ?, ?, ?)",
            (append.tab.name, end, key_text(raw_key(header, cells)), _dump(cells)),
        )

    def _apply_deletes(self, deletes: Sequence[RowDelete]) -> None:
        """Remove each row by key, then close the gaps of each tab once (many deletions stay linear)."""
        gone: dict[str, list[int]] = {}
        for delete in deletes:
            self._require_header(delete.tab, delete.tab.key)
            pos, _ = self._the_row(delete.tab, delete.key)
            self.connection.execute("DELETE FROM rows WHERE tab = ? AND pos = ?", (delete.tab.name, pos))
            gone.setdefault(delete.tab.name, []).append(pos)
        for name, positions in gone.items():
            self._close_gaps(name, sorted(positions))

    def _close_gaps(self, name: str, gone: list[int]) -> None:
        # Each row moves up by the number of rows deleted above it, in two steps
        # (through negative positions) so positions are unique at every moment.
        moved = []
        for (pos,) in self.connection.execute(
            "SELECT pos FROM rows WHERE tab = ? AND pos > ?", (name, gone[0])
        ):
            moved.append((-(pos - bisect.bisect_left(gone, pos)) - 1, name, pos))
        self.connection.executemany("UPDATE rows SET pos = ? WHERE tab = ? AND pos = ?", moved)
        self.connection.execute("UPDATE rows SET pos = -pos - 1 WHERE tab = ? AND pos < 0", (name,))

    def _apply_id(self, assignment: IdAssignment) -> None:
        header = self._require_header(assignment.tab, assignment.tab.key)
        row = self.connection.execute(
            "SELECT cells FROM rows WHERE tab = ? AND pos = ?",
            (assignment.tab.name, assignment.row - 1),
        ).fetchone()
        if row is None or not same_row(json.loads(row[0]), assignment.fingerprint):
            raise RowsMoved(
                f"Row {assignment.row} of {assignment.tab.name} changed while an ID was being assigned."
            )
        cells = padded(json.loads(row[0]), header.key_indexes[0] + 1)
        cells[header.key_indexes[0]] = assignment.new_id
        self.connection.execute(
            "UPDATE rows SET cells = ?, row_key = ? WHERE tab = ? AND pos = ?",
            (
                _dump(cells),
                key_text(raw_key(header, cells)),
                assignment.tab.name,
                assignment.row - 1,
            ),
        )


class RawGrid:
    """Cell-level edits of the local workbook, as a person makes them in a spreadsheet.

    Positions are 0-based grid rows and columns. Every edit keeps positions
    dense and re-derives the key index, so the record layer finds rows again.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def exists(self, tab_name: str) -> bool:
        return (
            self.connection.execute("SELECT 1 FROM tabs WHERE name = ?", (tab_name,)).fetchone() is not None
        )

    def tab_names(self) -> list[str]:
        return [name for (name,) in self.connection.execute("SELECT name FROM tabs ORDER BY position")]

    def create_tab(self, tab_name: str, rows: Sequence[Sequence[Any]] = ()) -> None:
        (position,) = self.connection.execute("SELECT coalesce(max(position), -1) + 1 FROM tabs").fetchone()
        self.connection.execute("INSERT INTO tabs (name, position) VALUES (?, ?)", (tab_name, position))
        self.replace_rows(tab_name, rows)

    def rename_tab(self, old: str, new: str) -> None:
        self.connection.execute("UPDATE tabs SET name = ?, version = version + 1 WHERE name = ?", (new, old))
        self.connection.execute("UPDATE rows SET tab = ? WHERE tab = ?", (new, old))
        self._reindex(new)

    def delete_tab(self, tab_name: str) -> None:
        self.connection.execute("DELETE FROM rows WHERE tab = ?", (tab_name,))
        self.connection.execute("DELETE FROM tabs WHERE name = ?", (tab_name,))

    def rows(self, tab_name: str) -> list[list[Any]]:
        return _all_rows(self.connection, tab_name)

    def replace_rows(self, tab_name: str, rows: Sequence[Sequence[Any]]) -> None:
        """Rewrite a whole tab (used by edits that move many rows at once)."""
        self.connection.execute("DELETE FROM rows WHERE tab = ?", (tab_name,))
        self.connection.executemany(
            "INSERT INTO rows (tab, pos, row_key, cells) VALUES (?, ?, NULL, ?)",
            ((tab_name, pos, _dump(row)) for pos, row in enumerate(rows)),
        )
        self._reindex(tab_name)

    def set_row(self, tab_name: str, index: int, cells: Sequence[Any]) -> None:
        rows = self.rows(tab_name)
        while len(rows) <= index:
            rows.append([])
        rows[index] = list(cells)
        self.replace_rows(tab_name, rows)

    def set_cell(self, tab_name: str, row: int, column: int, value: Any) -> None:
        rows = self.rows(tab_name)
        while len(rows) <= row:
            rows.append([])
        rows[row] = padded(rows[row], column + 1)
        rows[row][column] = value
        self.replace_rows(tab_name, rows)

    def put_rows(self, tab_name: str, start: int, new_rows: Sequence[Sequence[Any]]) -> None:
        """Set whole rows from grid row `start` down, replacing what is there (bulk copies).

        Unlike the edits above this touches only the rows written, so writing a
        large tab block by block stays linear.
        """
        (end,) = self.connection.execute(
            "SELECT coalesce(max(pos), -1) + 1 FROM rows WHERE tab = ?", (tab_name,)
        ).fetchone()
        gap = [[] for _ in range(end, start)]  # positions stay dense
        rows = [*gap, *(list(row) for row in new_rows)]
        first = min(start, end)
        self.connection.executemany(
            "INSERT OR REPLACE INTO rows (tab, pos, row_key, cells) VALUES (?, ?, NULL, ?)",
            ((tab_name, first + offset, _dump(row)) for offset, row in enumerate(rows)),
        )
        if first < HEADER_SEARCH_ROWS:
            self._reindex(tab_name)  # the header may be among the rows written
            return
        tab = TABS_BY_NAME.get(tab_name)
        header = find_header(tab, _head_rows(self.connection, tab_name)) if tab and tab.keyed else None
        if header is not None and header.complete_key:
            self.connection.executemany(
                "UPDATE rows SET row_key = ? WHERE tab = ? AND pos = ?",
                (
                    (key_text(raw_key(header, row)), tab_name, first + offset)
                    for offset, row in enumerate(rows)
                ),
            )
        _bump(self.connection, tab_name)

    def laid_out_as(self, tab_name: str, head: Sequence[Sequence[Any]]) -> bool:
        """Whether the tab's header lays out its columns as the header in `head` does."""
        tab = TABS_BY_NAME.get(tab_name)
        return layout_of(tab, _head_rows(self.connection, tab_name)) == layout_of(tab, head)

    def answer(self, blocks: Sequence[RawBlock]) -> RawAnswer:
        """The first rows of every tab in `blocks` and the rows of each block, as they stand now."""
        found: RawAnswer = {}
        for block in blocks:
            for index, cells in enumerate(_head_rows(self.connection, block.tab)):
                found[(block.tab, index)] = cells
            for index in range(block.start, block.start + len(block.rows)):
                found.setdefault((block.tab, index), [])
            for pos, cells in self.connection.execute(
                "SELECT pos, cells FROM rows WHERE tab = ? AND pos >= ? AND pos < ?",
                (block.tab, block.start, block.start + len(block.rows)),
            ):
                found[(block.tab, pos)] = json.loads(cells)
        return found

    def insert_rows(self, tab_name: str, index: int, new_rows: Sequence[Sequence[Any]]) -> None:
        rows = self.rows(tab_name)
        rows[index:index] = [list(row) for row in new_rows]
        self.replace_rows(tab_name, rows)

    def delete_rows(self, tab_name: str, index: int, count: int = 1) -> None:
        rows = self.rows(tab_name)
        del rows[index : index + count]
        self.replace_rows(tab_name, rows)

    def _reindex(self, tab_name: str) -> None:
        tab = TABS_BY_NAME.get(tab_name)
        header = find_header(tab, _head_rows(self.connection, tab_name)) if tab and tab.keyed else None
        updates = []
        if header is not None and header.complete_key:
            for pos, cells in self.connection.execute(
                "SELECT pos, cells FROM rows WHERE tab = ? AND pos > ?",
                (tab_name, header.row_index),
            ).fetchall():
                updates.append((key_text(raw_key(header, json.loads(cells))), tab_name, pos))
        self.connection.execute("UPDATE rows SET row_key = NULL WHERE tab = ?", (tab_name,))
        self.connection.executemany("UPDATE rows SET row_key = ? WHERE tab = ? AND pos = ?", updates)
        _bump(self.connection, tab_name)
