"""A1 notation: parsing the ranges clients send and formatting the ones Google answers with.

Indexes are 0-based and end-exclusive, like the Sheets API's GridRange, so the rest of
the fake never has to think about A1 again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_CELLS = re.compile(r"^([A-Za-z]{0,3})(\d*)(?::([A-Za-z]{0,3})(\d*))?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}\d+$")


@dataclass(frozen=True)
class Bounds:
    """A rectangle of cells; an end of None means "to the edge of the grid"."""

    start_row: int = 0
    end_row: int | None = None
    start_col: int = 0
    end_col: int | None = None

    def clip(self, row_count: int, column_count: int) -> Bounds:
        """The same rectangle with open or oversized ends cut at the grid's edge."""
        end_row = row_count if self.end_row is None else min(self.end_row, row_count)
        end_col = column_count if self.end_col is None else min(self.end_col, column_count)
        return Bounds(self.start_row, end_row, self.start_col, end_col)

    def contains(self, row: int, col: int) -> bool:
        """Whether the cell lies inside; open ends contain everything past the start."""
        row_ok = self.start_row <= row and (self.end_row is None or row < self.end_row)
        col_ok = self.start_col <= col and (self.end_col is None or col < self.end_col)
        return row_ok and col_ok


def column_letters(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """ "A" -> 0, "AA" -> 26 (case-insensitive)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number - 1


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google does in responses: only when it has to."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_name(row: int, col: int) -> str:
    """(0, 0) -> "A1"."""
    return f"{column_letters(col)}{row + 1}"


def format_range(title: str, bounds: Bounds) -> str:
    """A finite rectangle as Google writes it back, e.g. Orders!A1:F9 or Orders!B2."""
    assert bounds.end_row is not None and bounds.end_col is not None
    first = cell_name(bounds.start_row, bounds.start_col)
    last = cell_name(bounds.end_row - 1, bounds.end_col - 1)
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_title(title)}!{cells}"


def resolve_a1(text: str, titles: Sequence[str]) -> tuple[str, Bounds]:
    """Split an A1 range into (sheet title, bounds) against the spreadsheet's sheet titles.

    A range without a sheet name refers to the first sheet; a bare word that is the
    name of a sheet means that whole sheet. Raises ValueError when it cannot be read.
    """
    text = text.strip()
    if text.startswith("'"):
        title, rest = _split_quoted(text)
        if rest == "":
            return title, Bounds()
        if not rest.startswith("!"):
            raise ValueError(text)
        return title, _parse_cells(rest[1:])
    if "!" in text:
        title, cells = text.rsplit("!", 1)
        return title, _parse_cells(cells)
    if text in titles:
        return text, Bounds()
    if not titles:
        raise ValueError(text)
    return titles[0], _parse_cells(text)


def _split_quoted(text: str) -> tuple[str, str]:
    """Read a quoted sheet title ('' escapes a quote); return it and what follows."""
    title = []
    position = 1
    while position < len(text):
        char = text[position]
        if char == "'":
            if text[position + 1 : position + 2] == "'":
                title.append("'")
                position += 2
                continue
            return "".join(title), text[position + 1 :]
        title.append(char)
        position += 1
    raise ValueError(text)


def _parse_cells(cells: str) -> Bounds:
    """The part after "!": A1, A1:C5, A:C, 2:7, A2:C (open-ended)."""
    match = _CELLS.match(cells.strip())
    if not match or not cells.strip():
        raise ValueError(cells)
    start_letters, start_digits, end_letters, end_digits = match.groups()
    if end_letters is None:
        if not (start_letters and start_digits):
            raise ValueError(cells)
        row, col = _row(start_digits), column_index(start_letters)
        return Bounds(row, row + 1, col, col + 1)
    if not (start_letters or start_digits) or not (end_letters or end_digits):
        raise ValueError(cells)
    start_row = _row(start_digits) if start_digits else 0
    start_col = column_index(start_letters) if start_letters else 0
    end_row = _row(end_digits) + 1 if end_digits else None
    end_col = column_index(end_letters) + 1 if end_letters else None
    return _normalised(Bounds(start_row, end_row, start_col, end_col))


def _row(digits: str) -> int:
    number = int(digits)
    if number < 1:
        raise ValueError(digits)
    return number - 1


def _normalised(bounds: Bounds) -> Bounds:
    """Reversed ranges such as C5:A1 mean the same cells as A1:C5."""
    start_row, end_row = bounds.start_row, bounds.end_row
    start_col, end_col = bounds.start_col, bounds.end_col
    if end_row is not None and end_row <= start_row:
        start_row, end_row = end_row - 1, start_row + 1
    if end_col is not None and end_col <= start_col:
        start_col, end_col = end_col - 1, start_col + 1
    return Bounds(start_row, end_row, start_col, end_col)


def describe_range(title: str, bounds: Bounds) -> str:
    """A possibly open-ended rectangle as Google quotes it in error messages ('T'!A2:C)."""
    quoted = "'" + title.replace("'", "''") + "'"
    start = cell_name(bounds.start_row, bounds.start_col)
    end_col = column_letters(bounds.end_col - 1) if bounds.end_col is not None else ""
    end_row = str(bounds.end_row) if bounds.end_row is not None else ""
    end = end_col + end_row
    return f"{quoted}!{start}" if end in (start, "") else f"{quoted}!{start}:{end}"
