"""The interface both workbooks offer: the local SQLite one and Google Sheets.

A backend reads tabs into Tables and opens write Sessions. A Session sees the
tabs as they are now (it reads fresh), and `commit` applies a WritePlan in one
atomic step, finding rows by key at that moment. Nothing above this layer
knows whether a cell lives in SQLite or in Google.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from i18n import _
from sheets.plan import WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header
from sheets.schema import Tab
from sheets.table import Key, Record, Table


@dataclass
class InitReport:
    """What `init` changed, in words."""

    created_tabs: list[str] = field(default_factory=list)
    added_columns: dict[str, list[str]] = field(default_factory=dict)
    formatted: bool = False
    #: tab -> (rows before, rows after, columns before, columns after) of a grid trimmed of empty cells
    trimmed: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"created tab {name}" for name in self.created_tabs]
        out += [f"added to {tab}: {', '.join(columns)}" for tab, columns in self.added_columns.items()]
        out += [
            _(
                "{tab}: empty grid trimmed from {rows_before:,} x {columns_before} to {rows:,} rows x "
                "{columns} columns (no cell holding anything was removed)",
                tab=tab,
                rows_before=rows_before,
                columns_before=columns_before,
                rows=rows,
                columns=columns,
            )
            for tab, (rows_before, rows, columns_before, columns) in self.trimmed.items()
        ]
        if self.formatted:
            out.append("header rows frozen and bold; drop-downs set on choice columns")
        return out


@dataclass
class RawBlock:
    """Rows of raw cells to write into one tab, from grid row `start` (0-based) down.

    `head` is the tab's first rows as the writer believes they stand, whose header the
    rows are laid out for; None when the block writes its header itself.
    """

    tab: str
    start: int
    rows: list[list[Any]]
    head: list[list[Any]] | None = None


#: Cells right after a bulk write, by (tab, 0-based row): each written tab's first rows and
#: the rows written (columns past what was written may be left out).
RawAnswer = dict[tuple[str, int], list[Any]]


class Session(ABC):
    """A write unit over fresh data: read what you need, then commit once."""

    @abstractmethod
    def table(self, tab: Tab) -> Table: ...

    @abstractmethod
    def find(self, tab: Tab, key: Key) -> Record | None: ...

    @abstractmethod
    def header(self, tab: Tab) -> Header | None: ...

    def where(self, tab: Tab, column: str, value: str) -> list[Record]:
        """The records whose `column` holds `value`, in sheet order (a tab's `lookups` are read cheaply)."""
        table = self.table(tab)
        cells = table.columns.get(column, [])
        return [table.record_at(index) for index, cell in enumerate(cells) if cell == value]

    @abstractmethod
    def rows_without_id(self, tab: Tab, whole: bool = False) -> list[tuple[int, tuple[Any, ...]]]:
        """(sheet row, cells) of readable rows that have no ID yet (with `whole`, over the whole tab,
        even one a session reads by its rows only)."""

    @abstractmethod
    def commit(self, plan: WritePlan) -> None: ...


@dataclass
class Selection:
    """Some rows of a tab: those a question selected (and the newest), or all of them.

    `total` counts every record of the tab (None when a read by values alone did not count
    them: `selections` with no newest rows, by a column other than the key); `complete` tells whether `table` holds them all;
    `matched`, read in part, counts the records whose `where` cell holds a value asked for,
    those a `limit` left out included (None when `table` is whole: filter it instead).
    """

    table: Table
    total: int | None
    complete: bool
    matched: int | None = None


@dataclass(frozen=True)
class Placed:
    """Where a selection's rows stood when it was read (a big tab on Google: sheets/backends/google/placed.py)."""

    head: list[list[Any]]  # the header rows as read
    keys: dict[int, str]  # 0-based grid row -> the key it held (its last row among them)
    length: int  # grid rows up to the last that held a key or a selected value
    total: int  # records in the tab

    def as_json(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "keys": [[i, k] for i, k in self.keys.items()],
            "length": self.length,
            "total": self.total,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Placed:
        return cls(
            [list(row) for row in data["head"]],
            {int(index): str(key) for index, key in data["keys"]},
            int(data["length"]),
            int(data["total"]),
        )


#: What to select of a tab: (tab, column -> the values to choose, how many newest rows besides).
Selecting = tuple[Tab, Mapping[str, Collection[str]], int]


class Backend(ABC):
    kind: str = "?"

    @abstractmethod
    def read_tables(self, tabs: Sequence[Tab]) -> dict[str, Table]:
        """Fresh Tables for `tabs`, in one request."""

    def versions(self, tabs: Sequence[Tab]) -> dict[str, Any] | None:
        """A cheap version per tab, when the backend can tell that a cached Table is current."""
        return None

    def selects_rows(self, tab: Tab) -> bool:
        """Whether `read_selected` reads less than the whole of `tab` (a big tab on Google)."""
        return False

    def read_selected(
        self,
        tab: Tab,
        where: Mapping[str, Collection[str]],
        recent: int,
        first: int = 0,
        limit: int | None = None,
    ) -> Selection:
        """The rows of `tab` whose cell in one of `where`'s columns is one of its values (text, ""
        for blank; only the newest `limit` of them if given), its `recent` newest rows and its
        `first` rows: for a page that needs the open records of a big tab, or one page of it."""
        table = self.read_tables([tab])[tab.name]
        return Selection(table, len(table), complete=True)

    def reselect(
        self, wanted: Sequence[Selecting], placed: Mapping[str, Placed]
    ) -> dict[str, tuple[Selection, Placed | None]]:
        """`read_selections`, and where the rows stand, for reading them again from there next time
        (a big tab on Google); `placed`: where they stood last time. Here: whole, nothing placed."""
        return {name: (selection, None) for name, selection in self.read_selections(wanted).items()}

    def read_selections(self, wanted: Sequence[Selecting]) -> dict[str, Selection]:
        """`read_selected` of several tabs at once (in one request here: they are read whole)."""
        tables = self.read_tables([tab for tab, _, _ in wanted])
        return {
            tab.name: Selection(tables[tab.name], len(tables[tab.name]), complete=True)
            for tab, _, _ in wanted
        }

    def read_grown(self, tab: Tab, known: Sequence[Sequence[Any]] | None) -> list[list[Any]]:
        """Every row of `tab` as raw cells, fresh; `known`, rows read earlier, may spare reading them
        again where the backend can tell they still stand (a big tab on Google, sheets/backends/google/grown.py)."""
        return self.raw_rows(tab.name)

    def read_newest(self, tab: Tab, rows: int) -> Selection:
        """At least the `rows` newest rows of `tab`, `complete` when they are all its rows: for reading
        a big tab backwards from its end."""
        return self.read_newest_of({tab: rows})[tab.name]

    def read_newest_of(self, wanted: Mapping[Tab, int]) -> dict[str, Selection]:
        """`read_newest` of several tabs, in one request."""
        tables = self.read_tables(list(wanted))
        return {name: Selection(table, len(table), complete=True) for name, table in tables.items()}

    @abstractmethod
    @contextmanager
    def session(self, tabs: Sequence[Tab]) -> Iterator[Session]: ...

    def read_for_writing(self, tabs: Sequence[Tab]) -> tuple[dict[str, Table], Any]:
        """Fresh Tables for `tabs` in one request, and a seed that `seeded_session` may start from.

        The seed is None where a session's own read costs no request worth saving.
        """
        return self.read_tables(tabs), None

    @contextmanager
    def seeded_session(self, tabs: Sequence[Tab], seed: Any) -> Iterator[Session]:
        """A Session that starts from `seed` (from `read_for_writing`) instead of reading `tabs` again."""
        with self.session(tabs) as session:
            yield session

    @abstractmethod
    def ensure_tabs(self, tabs: Sequence[Tab], language: str = "en") -> InitReport: ...

    @abstractmethod
    def raw_rows(self, tab_name: str) -> list[list[Any]]:
        """Every row of a tab as raw cells, header included (for check, export, tests)."""

    def header_rows(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        """The first HEADER_SEARCH_ROWS rows of tabs (where their headers are found) as raw cells;
        [] for a tab that does not exist."""
        return {name: self.raw_rows(name)[:HEADER_SEARCH_ROWS] for name in tab_names}

    @abstractmethod
    def tab_names(self) -> list[str]: ...

    # raw bulk access, for copying a whole workbook (sheets/copy.py) ---------

    @property
    def location(self) -> str:
        """Where this workbook lives, in words (and to tell two workbooks apart)."""
        return self.kind

    def read_raw(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        """Every row of several tabs as raw cells, header included, in one request."""
        return {name: self.raw_rows(name) for name in tab_names}

    def prepare_raw(
        self,
        *,
        create: Sequence[str] = (),
        clear: Sequence[str] = (),
        sizes: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        """In one atomic step: create tabs, empty tabs, and make room for (rows, columns) per tab."""
        raise NotImplementedError(f"the {self.kind} workbook cannot be written in bulk")

    def write_raw(self, blocks: Sequence[RawBlock]) -> RawAnswer:
        """Write blocks of raw cells at fixed grid rows in one atomic step; repeating it changes nothing.

        Answers, from that same step, the first rows of every tab written and the rows
        written, so the caller sees under which header each cell landed. A backend that
        sees the header before writing (a transaction) leaves out a block whose `head` no
        longer lays out the columns as the tab's header does; Google cannot, and writes it.
        """
        raise NotImplementedError(f"the {self.kind} workbook cannot be written in bulk")

    def format_raw(self, heads: dict[str, list[list[Any]]]) -> None:  # noqa: B027 - nothing to do locally
        """After a bulk write: header formatting and drop-downs where the written headers (first rows) put them."""

    def parts_of(self, plan: WritePlan) -> list[WritePlan]:
        """The plan as the commits it is written in: one, unless a request could not hold it (Google)."""
        return [plan]

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release connections."""
