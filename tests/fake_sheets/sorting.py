"""Sheets' sort order, shared by the sortRange request and Person.sort.

Ascending: numbers, then text (case-insensitive), then booleans; empty cells always
go last whichever the direction. Equal rows keep their order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cmp_to_key

from .grid import EMPTY, Cell, CellValue, Formula

SortSpec = tuple[int, bool]  # (column index, descending)


def sort_rows(rows: Sequence[dict[int, Cell]], specs: Sequence[SortSpec]) -> list[dict[int, Cell]]:
    """Rows (as {column: Cell}) in the order Sheets would put them."""

    def compare(a: dict[int, Cell], b: dict[int, Cell]) -> int:
        for col, descending in specs:
            result = compare_values(a.get(col, EMPTY).value, b.get(col, EMPTY).value, descending)
            if result:
                return result
        return 0

    return sorted(rows, key=cmp_to_key(compare))


def compare_values(a: CellValue, b: CellValue, descending: bool) -> int:
    """-1, 0 or 1 for two cell values; blanks sort last in both directions."""
    if a is None or b is None:
        return (a is None) - (b is None)
    key_a, key_b = _key(a), _key(b)
    result = (key_a > key_b) - (key_a < key_b)
    return -result if descending else result


def _key(value: CellValue) -> tuple[int, float | str]:
    if isinstance(value, Formula):
        return _key(value.result)
    if isinstance(value, bool):
        return (2, float(value))
    if isinstance(value, (int, float)):
        return (0, float(value))
    return (1, str(value).casefold())
