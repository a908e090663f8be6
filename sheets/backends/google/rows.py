"""Telling rows apart without positions: by their cells, their IDs, and what vanished.

A person may sort, insert or delete rows between the app's read and its write; these
functions find which row is which in a read or in Google's answer to a write.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sheets.backends.google.answer import View
from sheets.cells import is_blank, same_cell
from sheets.errors import NO_ID
from sheets.locate import index_keys, raw_key, same_row
from sheets.reading import Header

log = logging.getLogger(__name__)


def cell_at(row: Sequence[Any], position: int | None) -> Any:
    if position is None or position >= len(row):
        return ""
    return row[position]


def by_cell(rows, position: int) -> dict[str, list[tuple[int, list[Any]]]]:
    """Rows indexed by the text of one cell, so finding a row among thousands is a lookup."""
    found: dict[str, list[tuple[int, list[Any]]]] = {}
    for index, row in rows:
        found.setdefault(str(cell_at(row, position)).strip(), []).append((index, row))
    return found


def find(rows: dict[str, list[tuple[int, list[Any]]]], cells: list[Any], position: int) -> list[int]:
    """The indexes of the rows holding exactly `cells`."""
    candidates = rows.get(str(cell_at(cells, position)).strip(), [])
    return [index for index, row in candidates if same_row(row, cells)]


def vanished_rows(
    header: Header,
    before: Sequence[Sequence[Any]],
    header_after: Header,
    after: Sequence[Sequence[Any]],
    meant: set,
) -> list[list[Any]]:
    """Rows of `before` missing from `after` other than the ones meant to go: by key, else by content."""
    keys_after = index_keys(header_after, after)
    vanished = [
        list(before[index])
        for key, indexes in index_keys(header, before).items()
        if key not in meant and key not in keys_after
        for index in indexes
    ]
    unkeyed_after = [row for row in after[header_after.row_index + 1 :] if raw_key(header_after, row) is None]
    for row in before[header.row_index + 1 :]:
        if raw_key(header, row) is not None:
            continue
        match = next((i for i, other in enumerate(unkeyed_after) if same_row(row, other)), None)
        if match is None:
            vanished.append(list(row))
        else:
            del unkeyed_after[match]
    return vanished


def any_data(row: Sequence[Any]) -> bool:
    return any(not is_blank(cell) for cell in row)


def holding(rows: Sequence[Sequence[Any]], first: int, value: Any) -> list[int]:
    """Indexes of the rows from `first` on with a cell holding `value` (an ID the app just made)."""
    return [i for i in range(first, len(rows)) if any(same_cell(cell, value) for cell in rows[i])]


def same_or_either(row: Sequence[Any], wanted: Sequence[Any], either: dict[int | None, Any]) -> bool:
    """Whether `row` holds `wanted`, where a cell at a position of `either` may hold that value instead."""
    width = max(len(row), len(wanted))
    for position in range(width):
        cell = cell_at(row, position)
        if same_cell(cell, cell_at(wanted, position)):
            continue
        if position in either and same_cell(cell, either[position]):
            continue
        return False
    return True


def still_wrong(row: Sequence[Any], wanted: Sequence[Any], either: dict[int | None, Any]) -> int:
    """How many cells at positions of `either` still hold what `wanted` has, not the value put back."""
    return sum(
        1
        for position, value in either.items()
        if position is not None
        and same_cell(cell_at(row, position), cell_at(wanted, position))
        and not same_cell(cell_at(row, position), value)
    )


def row_hit(
    header: Header,
    before: Sequence[Sequence[Any]],
    header_after: Header,
    after: Sequence[Sequence[Any]],
    vanished: list[list[Any]],
    index: int,
    meant: set | frozenset = frozenset(),
) -> list[list[Any]]:
    """Of rows gone in one deletion's instant, the one the deletion removed; all of them when unsure.

    The deletion removed the row that stood between the rows now at `index - 1` and
    `index`. When both stood in the read with one row between them (or the first is
    the header), and no rows were sorted, that row is the one removed: none when it
    was blank (a blank row gone is no loss) or the row meant; the rows a person
    deleted stay deleted. Otherwise the vanished row that stood right above the row
    now at `index` (or right below the row now above it) is that one. At the end of
    the tab one neighbour cannot tell a row deleted by a person from a sort: all come
    back.
    """
    keys_before = index_keys(header, before)

    def position_before(row_index: int) -> int | None:
        if row_index == header_after.row_index:
            return header.row_index
        if not header_after.row_index < row_index < len(after):
            return None
        found = keys_before.get(raw_key(header_after, after[row_index]) or (), [])
        return found[0] if len(found) == 1 else None

    below, above = position_before(index), position_before(index - 1)
    agreed = above is not None and below == above + 2
    if agreed and not _order_kept(header_after, after, keys_before):
        agreed = False  # the rows were sorted: where a row stood says nothing
    if agreed:
        place = above + 1
        if place >= len(before) or not any_data(before[place]) or raw_key(header, before[place]) in meant:
            return []  # the deletion removed the row meant, or a blank row: the others a person deleted
        hit = [row for row in vanished if same_row(before[place], row)]
        if len(hit) >= 1:
            return hit[:1]
    places = [below - 1 if below is not None else None, above + 1 if above is not None else None]
    hits = [
        row
        for row in vanished
        if any_data(row)  # a blank row is any blank row: its place says nothing
        and any(p is not None and 0 <= p < len(before) and same_row(before[p], row) for p in places)
    ]
    return hits if len(hits) == 1 else vanished


def read_index_at(
    header: Header,
    before: Sequence[Sequence[Any]],
    header_after: Header,
    after: Sequence[Sequence[Any]],
    index: int,
) -> int | None:
    """Which row of the read `before` stands at `index` in `after`, told by the nearest rows with a key.

    The nearest keyed row above `index` and the nearest below (not the row at `index`
    itself, whose key a write may just have set) each say where `index` stood in the
    read, if no row came or went between them and it. None when they disagree, when
    neither is there, or when the rows were sorted.
    """
    keys_before = index_keys(header, before)
    if not _order_kept(header_after, after, keys_before):
        return None  # rows were sorted: where a row stands says nothing of where it stood

    def place_from(step: int) -> int | None:
        row_index = index + step
        while header_after.row_index < row_index < len(after):
            found = keys_before.get(raw_key(header_after, after[row_index]) or (), [])
            if len(found) == 1:
                return found[0] - (row_index - index)
            row_index += step
        return None

    places = {place for place in (place_from(-1), place_from(1)) if place is not None}
    return places.pop() if len(places) == 1 else None


def _order_kept(header_after: Header, after: Sequence[Sequence[Any]], keys_before: dict) -> bool:
    """Whether the rows with a key stand in `after` in the order they stood in the read."""
    positions = []
    for row in after[header_after.row_index + 1 :]:
        found = keys_before.get(raw_key(header_after, row) or (), [])
        if len(found) == 1:
            positions.append(found[0])
    return positions == sorted(positions)


def same_except(a: Sequence[Any], b: Sequence[Any], skip: set[int]) -> bool:
    width = max(len(a), len(b))
    return all(
        same_cell(a[i] if i < len(a) else None, b[i] if i < len(b) else None)
        for i in range(width)
        if i not in skip
    )


def header_text(view: View, position: int) -> str:
    cells = view.row(view.header.row_index)
    return str(cells[position]) if position < len(cells) else ""


def record_of(view: View, row: list[Any], touched: set[int]) -> str:
    key = None if set(view.header.key_indexes) & touched else raw_key(view.header, row)
    return "/".join(key) if key else NO_ID
