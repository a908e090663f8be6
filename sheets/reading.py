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

from sheets.cells import CellError, parse_cell
from sheets.errors import TabProblem
from sheets.schema import Column, Kind, Tab, normalize_header
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
    def lacking(self) -> list[str]:
        """The missing columns the app depends on: every missing one but the optional ones."""
        return [name for name in self.missing if not self.tab.column(name).optional]

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


def require_columns(tab: Tab, header: Header | None, columns: Sequence[str]) -> Header:
    """`header`, provided it has every column the app is about to write; else TabProblem."""
    if header is None:
        raise TabProblem(f"The {tab.name} tab is missing or has no header row; run `python app.py init`.")
    missing = [name for name in columns if name not in header.index]
    if missing:
        raise TabProblem(f"The {tab.name} tab has no column {', '.join(missing)}; run `python app.py init`.")
    return header


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


def _spellings(column) -> tuple[str, ...]:
    return column.spellings


def read_table(tab: Tab, rows: Sequence[Sequence[Any]] | None, first_row: int = 1) -> Table:
    """The typed Table for a tab's grid (`rows` starts at sheet row `first_row`; None: no such tab)."""
    if rows is None:
        return _empty(tab, [DataIssue(tab.name, None, None, "the tab is missing; run `python app.py init`")])
    header = find_header(tab, rows)
    if header is None:
        reason = "the header row is missing" if rows else "the tab is empty"
        return _empty(tab, [DataIssue(tab.name, None, None, f"{reason}; run `python app.py init`")])
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
        return _empty(tab, issues, header.lacking)
    issues += [
        DataIssue(
            tab.name,
            first_row + header.row_index,
            name,
            "column missing (renamed or deleted?): its values cannot be read and the checks that need "
            "them wait; give the header back its name, or run `python app.py init` to add it",
        )
        for name in header.lacking
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
    raw_columns, row_numbers = _columns_of_non_blank_rows(header, body, first_row)
    bad: dict[int, DataIssue] = {}
    columns: dict[str, list[Any]] = {}
    for column in tab.columns:
        position = header.index.get(column.name)
        raw = raw_columns[position] if position is not None else (None,) * len(row_numbers)
        columns[column.name] = _convert_column(tab, column, raw, row_numbers, bad)
    keep, without_id = _keyed_rows(tab, columns, row_numbers, bad)
    issues.extend(bad[index] for index in sorted(bad))
    if len(keep) == len(row_numbers):
        kept_columns, kept_rows = columns, row_numbers
    else:
        kept_columns = {name: [values[i] for i in keep] for name, values in columns.items()}
        kept_rows = [row_numbers[i] for i in keep]
    return Table(
        tab,
        kept_columns,
        kept_rows,
        issues,
        rows_without_id=without_id,
        missing_columns=header.lacking,
        unreadable=_raw_cells_of(header, raw_columns, row_numbers, sorted(bad)),
    )


def _raw_cells_of(
    header: Header, raw_columns: list[tuple[Any, ...]], row_numbers: list[int], indexes: list[int]
) -> list[tuple[int, dict[str, Any]]]:
    """(sheet row, {column name: raw cell}) of the rows at `indexes`, as a person left them."""
    return [
        (row_numbers[index], {name: raw_columns[position][index] for name, position in header.index.items()})
        for index in indexes
    ]


def _columns_of_non_blank_rows(
    header: Header, body: Sequence[Sequence[Any]], first_row: int
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The cells of every non-blank row, transposed into columns, with the rows' sheet numbers."""
    width = max(header.width, max(header.index.values(), default=-1) + 1)
    anchor = header.key_indexes[0] if header.complete_key and header.tab.keyed else 0
    rows, numbers = [], []
    for offset, row in enumerate(body):
        if not row:
            continue  # an empty row (a partial read leaves the rows it did not read so)
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        cell = row[anchor]
        # Most rows have their key: only rows without one need the full blank test.
        if (type(cell) is str and cell and not cell.isspace()) or not _is_blank_row(row):
            rows.append(row)
            numbers.append(first_row + offset)
    if not rows:
        return [() for _ in range(width)], []
    return list(zip(*rows, strict=False))[:width], numbers


def _is_blank_row(row: Sequence[Any]) -> bool:
    return all(cell is None or cell == "" or (type(cell) is str and cell.isspace()) for cell in row)


def _convert_column(
    tab: Tab, column: Column, raw: Sequence[Any], row_numbers: list[int], bad: dict[int, DataIssue]
) -> list[Any]:
    if column.choices:
        out = _convert_choices(column, raw, row_numbers, bad, tab.name)
    elif column.kind is Kind.TEXT:
        out = _convert_text(raw, column.default)
    else:
        out = _convert_typed(column, raw, row_numbers, bad, tab.name)
    if column.required and column.name not in tab.key:
        for index, value in enumerate(out):
            if value is None and index not in bad:
                bad[index] = DataIssue(tab.name, row_numbers[index], column.name, "required value is empty")
    return out


def _convert_text(raw: Sequence[Any], default: Any) -> list[Any]:
    out = []
    append = out.append
    for value in raw:
        if type(value) is str:
            value = value.strip()
            append(value if value else default)
        elif value is None:
            append(default)
        else:
            append(parse_cell(Kind.TEXT, value))
    return out


def _convert_choices(column: Column, raw: Sequence[Any], row_numbers, bad, tab_name: str) -> list[Any]:
    canonical = {choice.casefold(): choice for choice in column.choices}
    seen: dict[Any, str | None] = {}
    out = []
    for index, value in enumerate(raw):
        if value in seen:
            out.append(seen[value])
            continue
        text = _convert_text((value,), None)[0]
        if text is None:
            result = column.default
        elif text.casefold() in canonical:
            result = canonical[text.casefold()]
        else:
            reason = f"{text!r} is not one of: {', '.join(column.choices)}"
            bad.setdefault(index, DataIssue(tab_name, row_numbers[index], column.name, reason))
            out.append(None)
            continue
        if isinstance(value, (str, int, float)):
            seen[value] = result
        out.append(result)
    return out


def _convert_typed(column: Column, raw: Sequence[Any], row_numbers, bad, tab_name: str) -> list[Any]:
    convert = _FAST[column.kind]
    default = column.default
    out = []
    append = out.append
    for index, value in enumerate(raw):
        if value is None or value == "" or (type(value) is str and value.isspace()):
            append(default)
            continue
        try:
            append(convert(value))
        except CellError as error:
            bad.setdefault(index, DataIssue(tab_name, row_numbers[index], column.name, str(error)))
            append(None)
    return out


def _keyed_rows(tab: Tab, columns, row_numbers: list[int], bad: dict[int, DataIssue]):
    """Indexes of rows to keep, and row numbers of rows still waiting for an ID."""
    if not tab.keyed:
        return [i for i in range(len(row_numbers)) if i not in bad], []
    keys = (
        columns[tab.key[0]] if len(tab.key) == 1 else list(zip(*(columns[n] for n in tab.key), strict=True))
    )
    keep, without_id, seen = [], [], {}
    for index, key in enumerate(keys):
        if key is None or (type(key) is tuple and None in key):
            if index in bad:
                continue
            if tab.id_prefix:
                without_id.append(row_numbers[index])
            else:
                bad[index] = DataIssue(tab.name, row_numbers[index], tab.key[0], "the key is empty")
            continue
        first = seen.setdefault(key, index)
        if first != index:
            shown = key if type(key) is str else "/".join(key)
            reason = f"{shown} also appears on row {row_numbers[first]}; only that row is used"
            bad.setdefault(index, DataIssue(tab.name, row_numbers[index], tab.key[0], reason))
        elif index not in bad:
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
