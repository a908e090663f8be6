"""Typed data read from a tab: a Table for the whole tab, a Record for one row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from sheets.schema import Kind, Tab

Key = str | tuple[str, ...]


@dataclass(frozen=True)
class DataIssue:
    """A row (or a whole tab) the app could not read; it is skipped and left alone."""

    tab: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.tab
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class Record(Mapping[str, Any]):
    """One row of a tab as typed values: `record["status"]` or `record.status`.

    `id` is the record's key (a tuple for composite keys), `schema` its Tab and
    `row_number` the sheet row it was read from — for messages only: writes
    find the row by key again. (These names are no column's name.)
    """

    __slots__ = ("_row", "_tab", "_values")

    def __init__(self, tab: Tab, values: Mapping[str, Any], row: int | None = None) -> None:
        self._tab = tab
        self._values = {name: values.get(name) for name in tab.column_names}
        self._row = row

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._tab.name} has no column {name!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Record({self._tab.name!r}, {self.id!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return self._tab.name == other._tab.name and self._values == other._values

    __hash__ = None  # type: ignore[assignment]

    @property
    def schema(self) -> Tab:
        return self._tab

    @property
    def id(self) -> Key:
        return key_value(self._tab, self._values)

    @property
    def row_number(self) -> int | None:
        return self._row

    def to_dict(self) -> dict[str, Any]:
        return dict(self._values)


def key_value(tab: Tab, values: Mapping[str, Any]) -> Key:
    parts = tab.key_of(dict(values))
    return parts[0] if len(parts) == 1 else parts


_DTYPES = {
    Kind.TEXT: "object",
    Kind.INT: "Int64",
    Kind.NUMBER: "Float64",
    Kind.BOOL: "boolean",
}


@dataclass
class Table:
    """Every readable record of a tab, column by column, in sheet order.

    `df` is the pandas view (typed columns, indexed by key); `get` and
    `records` hand out Records without going through pandas.
    """

    tab: Tab
    columns: dict[str, list[Any]]
    rows: list[int]
    issues: list[DataIssue] = field(default_factory=list)
    rows_without_id: list[int] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    #: (sheet row, {column name: raw cell}) of each row left out as a data issue, so a caller can
    #: still recognise a record it cannot read (an import must not add it a second time).
    unreadable: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def _positions(self) -> dict[Key, int]:
        if not self.tab.keyed:
            return {}
        key_columns = [self.columns[name] for name in self.tab.key]
        if len(key_columns) == 1:
            return {value: index for index, value in enumerate(key_columns[0])}
        return {tuple(parts): index for index, parts in enumerate(zip(*key_columns, strict=True))}

    def keys(self) -> list[Key]:
        return list(self._positions)

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def record_at(self, index: int) -> Record:
        values = {name: column[index] for name, column in self.columns.items()}
        return Record(self.tab, values, self.rows[index])

    def get(self, key: Key) -> Record | None:
        index = self._positions.get(key)
        return None if index is None else self.record_at(index)

    def records(self) -> Iterator[Record]:
        for index in range(len(self.rows)):
            yield self.record_at(index)

    @cached_property
    def df(self) -> pd.DataFrame:
        data = {}
        for column in self.tab.columns:
            values = self.columns[column.name]
            if column.kind in (Kind.DATE, Kind.DATETIME):
                data[column.name] = pd.to_datetime(pd.Series(values, dtype="object"))
            else:
                data[column.name] = pd.Series(values, dtype=_DTYPES[column.kind])
        frame = pd.DataFrame(data)
        frame["_row"] = self.rows
        if self.tab.keyed:
            frame.index = (
                pd.Index(frame[self.tab.key[0]], name=self.tab.key[0])
                if len(self.tab.key) == 1
                else pd.MultiIndex.from_frame(frame[list(self.tab.key)])
            )
        return frame

    @cached_property
    def search_text(self) -> pd.Series:
        """One lower-case line of text per row (for searching), built once per Table."""
        text = self.df[self.tab.column_names].astype("string").fillna("")
        first, *rest = (text[name] for name in self.tab.column_names)
        return first.str.cat(rest, sep=" ").str.casefold()
