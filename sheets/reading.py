"""Turning the cells of a tab, as a person left them, into a typed Table.

DESIGN rule 2: columns are found by header in any order, extra columns are
ignored (and kept), blank rows are skipped, numbers typed as text are read,
and a row that cannot be read becomes a DataIssue and is left out — never a
crash, and never written over, because writes find rows by key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind, Tab, normalize_header
from sheets.table import DataIssue, Table

#: How far down a person may have pushed the header row (a title row above it, say).
HEADER_SEARCH_ROWS = 5


@dataclass
class Header:
    """Where each declared column sits in a tab, found by header text."""

    tab: Tab
    row_index: int  # 0-based index of the header row in the grid
    width: int  # number of header cells, extra columns included
    index: dict[str, int] = field(default_factory=dict)  # column name -> 0-based column
    missing: list[str] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)

    @property
    def key_indexes(self) -> list[int]:
        return [self.index[name] for name in self.tab.key]

    @property
    def complete_key(self) -> bool:
        return all(name in self.index for name in self.tab.key)


def find_header(tab: Tab, rows: Sequence[Sequence[Any]]) -> Header | None:
    """The header of `tab` in the first rows of the grid, or None if there is none."""
    anchor = tab.key[0] if tab.keyed else tab.columns[0].name
    anchor_column = tab.column(anchor)
    for row_index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(anchor_column.matches(cell) for cell in row if isinstance(cell, str)):
            return _map_header(tab, row_index, row)
    return None


def _map_header(tab: Tab, row_index: int, row: Sequence[Any]) -> Header:
    header = Header(tab, row_index, len(row))
    by_text = {}
    for position, cell in enumerate(row):
        text = normalize_header(cell)
        if text:
            by_text.setdefault(text, []).append(position)
    for column in tab.columns:
        positions = [p for text in _spellings(column) for p in by_text.get(text, [])]
        if not positions:
            header.missing.append(column.name)
            continue
        header.index[column.name] = min(positions)
        if len(set(positions)) > 1:
            header.issues.append(
                DataIssue(
                    tab.name,
                    row_index + 1,
                    column.name,
                    "this header appears more than once; the leftmost column is used",
                )
            )
    return header


def _spellings(column) -> list[str]:
    return list(dict.fromkeys(normalize_header(text) for text in (column.name, *column.aliases)))


def read_table(tab: Tab, rows: Sequence[Sequence[Any]], first_row: int = 1) -> Table:
    """The typed Table for a tab's grid (`rows` starts at sheet row `first_row`)."""
    header = find_header(tab, rows)
    if header is None:
        reason = "the header row is missing" if rows else "the tab is empty"
        return _empty(
            tab,
            [DataIssue(tab.name, None, None, f"{reason}; run `python app.py init`")],
        )
    issues = list(header.issues)
    if not header.complete_key:
        issues.append(
            DataIssue(
                tab.name,
                first_row + header.row_index,
                None,
                f"key column(s) {', '.join(tab.key)} missing",
            )
        )
        return _empty(tab, issues, header.missing)
    issues += [
        DataIssue(tab.name, None, name, "column missing; run `python app.py init` to add it")
        for name in header.missing
        if tab.column(name).required
    ]
    body = rows[header.row_index + 1 :]
    body_first_row = first_row + header.row_index + 1
    return convert_rows(tab, header, body, body_first_row, issues)


def convert_rows(
    tab: Tab,
    header: Header,
    body: Sequence[Sequence[Any]],
    first_row: int,
    issues: list[DataIssue] | None = None,
) -> Table:
    """Convert data rows column by column (fast), then drop the rows that failed."""
    issues = issues if issues is not None else []
    raw_rows, row_numbers = _non_blank(body, first_row)
    bad: dict[int, DataIssue] = {}
    columns: dict[str, list[Any]] = {}
    for column in tab.columns:
        position = header.index.get(column.name)
        raw = [_cell(row, position) for row in raw_rows] if position is not None else [None] * len(raw_rows)
        columns[column.name] = _convert_column(tab, column, raw, row_numbers, bad)
    keep, without_id = _keyed_rows(tab, columns, row_numbers, bad)
    issues.extend(bad[index] for index in sorted(bad))
    kept_columns = {name: [values[i] for i in keep] for name, values in columns.items()}
    return Table(
        tab,
        kept_columns,
        [row_numbers[i] for i in keep],
        issues,
        rows_without_id=without_id,
        missing_columns=list(header.missing),
    )


def _non_blank(body: Sequence[Sequence[Any]], first_row: int) -> tuple[list[Sequence[Any]], list[int]]:
    rows, numbers = [], []
    for offset, row in enumerate(body):
        if any(
            cell is not None and cell != "" and not (isinstance(cell, str) and cell.isspace()) for cell in row
        ):
            rows.append(row)
            numbers.append(first_row + offset)
    return rows, numbers


def _cell(row: Sequence[Any], position: int) -> Any:
    return row[position] if position < len(row) else None


def _convert_column(
    tab, column, raw: list[Any], row_numbers: list[int], bad: dict[int, DataIssue]
) -> list[Any]:
    convert = _FAST[column.kind]
    choices = {choice.casefold(): choice for choice in column.choices}
    out: list[Any] = []
    for index, value in enumerate(raw):
        if value is None or value == "" or (isinstance(value, str) and value.isspace()):
            out.append(column.default)
            if column.required and column.name not in tab.key and index not in bad:
                bad[index] = DataIssue(tab.name, row_numbers[index], column.name, "required value is empty")
            continue
        try:
            typed = convert(value)
            if choices:
                typed = _choice(column, choices, typed)
        except CellError as error:
            bad.setdefault(index, DataIssue(tab.name, row_numbers[index], column.name, str(error)))
            typed = None
        out.append(typed)
    return out


def _choice(column, choices: dict[str, str], typed: Any) -> str:
    try:
        return choices[str(typed).casefold()]
    except KeyError:
        raise CellError(f"{typed!r} is not one of: {', '.join(column.choices)}") from None


def _keyed_rows(tab: Tab, columns, row_numbers: list[int], bad: dict[int, DataIssue]):
    """Indexes of rows to keep, and row numbers of rows still waiting for an ID."""
    if not tab.keyed:
        return [i for i in range(len(row_numbers)) if i not in bad], []
    keep, without_id, seen = [], [], {}
    key_columns = [columns[name] for name in tab.key]
    for index in range(len(row_numbers)):
        parts = tuple(values[index] for values in key_columns)
        if any(part is None for part in parts):
            if tab.id_prefix and index not in bad:
                without_id.append(row_numbers[index])
            elif index not in bad:
                bad[index] = DataIssue(tab.name, row_numbers[index], tab.key[0], "the key is empty")
            continue
        if parts in seen:
            bad.setdefault(
                index,
                DataIssue(
                    tab.name,
                    row_numbers[index],
                    tab.key[0],
                    f"{'/'.join(parts)} also appears on row {row_numbers[seen[parts]]}; only that row is used",
                ),
            )
            continue
        seen[parts] = index
        if index not in bad:
            keep.append(index)
    return keep, without_id


def _empty(tab: Tab, issues: list[DataIssue], missing: list[str] | None = None) -> Table:
    return Table(
        tab,
        {name: [] for name in tab.column_names},
        [],
        issues,
        missing_columns=missing or [],
    )


def _fast_text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    return parse_cell(Kind.TEXT, value)


def _fast_int(value: Any) -> int:
    if type(value) is int:
        return value
    return parse_cell(Kind.INT, value)


def _fast_number(value: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    return parse_cell(Kind.NUMBER, value)


def _fast_datetime(value: Any) -> datetime:
    if type(value) is str and len(value) == 19:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return parse_cell(Kind.DATETIME, value)


_FAST = {
    Kind.TEXT: _fast_text,
    Kind.INT: _fast_int,
    Kind.NUMBER: _fast_number,
    Kind.BOOL: lambda value: parse_cell(Kind.BOOL, value),
    Kind.DATE: lambda value: parse_cell(Kind.DATE, value),
    Kind.DATETIME: _fast_datetime,
}


def is_blank_row(row: Sequence[Any]) -> bool:
    return all(is_blank(cell) for cell in row)
