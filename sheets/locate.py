"""Finding rows by key in raw cells, the way every backend does at write time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets.cells import CellError, is_blank, parse_cell, same_cell
from sheets.reading import Header
from sheets.schema import Kind

KEY_SEPARATOR = "\x1f"


def raw_key(header: Header, row: Sequence[Any]) -> tuple[str, ...] | None:
    """The key of a raw row as text parts, or None when a part is blank or unreadable."""
    parts = []
    for position in header.key_indexes:
        cell = row[position] if position < len(row) else None
        if is_blank(cell):
            return None
        try:
            parts.append(parse_cell(Kind.TEXT, cell))
        except CellError:
            return None
    return tuple(parts)


def key_text(parts: tuple[str, ...] | None) -> str | None:
    return None if parts is None else KEY_SEPARATOR.join(parts)


def index_keys(header: Header, rows: Sequence[Sequence[Any]]) -> dict[tuple[str, ...], list[int]]:
    """Key -> every 0-based grid row index holding it (more than one is a duplicate)."""
    found: dict[tuple[str, ...], list[int]] = {}
    known = getattr(rows, "known", None)  # a tab read by its rows (google/targeted.py): those alone
    indexes = [index for index, _ in known()] if known else range(header.row_index + 1, len(rows))
    if known:
        indexes = [*range(header.row_index + 1, len(rows.head)), *indexes]
    for index in indexes:
        parts = raw_key(header, rows[index])
        if parts is not None:
            found.setdefault(parts, []).append(index)
    return found


def same_row(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Whether two raw rows hold the same cells (trailing blanks ignored)."""
    width = max(len(a), len(b))
    return all(same_cell(a[i] if i < len(a) else None, b[i] if i < len(b) else None) for i in range(width))


def padded(row: Sequence[Any], width: int) -> list[Any]:
    cells = list(row)
    if len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    return cells
