"""Which column is which, when a person has moved, inserted, deleted or renamed columns.

A write is laid out against the header row as it was read. To check it, and to put
back exactly what it overwrote when the columns changed in between, every position of
a header row gets a `ColumnRef`: the declared column it holds (by name), or for any
other column its header text and occurrence. `align` then says, for each position of
the header as it is now, where that same column stood before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets.reading import Header
from sheets.schema import normalize_header

#: A declared column by name, or another column as (normalized header text, occurrence).
ColumnRef = str | tuple[str, int]


def column_refs(header: Header, cells: Sequence[Any]) -> list[ColumnRef]:
    """What each position of a header row holds, left to right."""
    declared = {position: name for name, position in header.index.items()}
    seen: dict[str, int] = {}
    refs: list[ColumnRef] = []
    for position, cell in enumerate(cells):
        if position in declared:
            refs.append(declared[position])
            continue
        text = normalize_header(cell)
        refs.append((text, seen.get(text, 0)))
        seen[text] = seen.get(text, 0) + 1
    return refs


def ref_at(refs: Sequence[ColumnRef], position: int) -> ColumnRef:
    """The column at `position`; past the last header, columns with a blank header."""
    if position < len(refs):
        return refs[position]
    blanks = sum(1 for ref in refs if ref[0] == "" and isinstance(ref, tuple))
    return ("", blanks + position - len(refs))


def position_of(refs: Sequence[ColumnRef], ref: ColumnRef) -> int | None:
    """Where `ref` stands in a header row, or None when that column is not there."""
    for position, candidate in enumerate(refs):
        if candidate == ref:
            return position
    if isinstance(ref, tuple) and ref[0] == "":
        blanks = sum(1 for candidate in refs if isinstance(candidate, tuple) and candidate[0] == "")
        if ref[1] >= blanks:
            return len(refs) + ref[1] - blanks
    return None


def align(before: Sequence[ColumnRef], now: Sequence[ColumnRef]) -> list[int | None]:
    """For each position of the header `now`, the position the same column had `before`.

    Columns are the same when their refs are. A column whose header was retyped
    keeps its place among the columns around it: between the same two matched
    neighbours, unmatched columns pair up in order when there are as many on both
    sides. Anything else is a new column (None): a column inserted holds nothing yet.
    """
    where_before = {ref: position for position, ref in enumerate(before)}
    matched: list[int | None] = [where_before.get(ref) for ref in now]
    anchors = (
        [(-1, -1)] + [(p, q) for p, q in enumerate(matched) if q is not None] + [(len(now), len(before))]
    )
    taken = {q for q in matched if q is not None}
    for (left_now, left_before), (right_now, right_before) in zip(anchors, anchors[1:], strict=False):
        gap_now = [p for p in range(left_now + 1, right_now) if matched[p] is None]
        gap_before = [q for q in range(left_before + 1, right_before) if q not in taken]
        if gap_now and len(gap_now) == len(gap_before):
            for p, q in zip(gap_now, gap_before, strict=True):
                matched[p] = q
    return matched


def source_of(moved: Sequence[int | None], position: int, before_width: int) -> int | None:
    """Where the cell now at `position` stood before; past the header it moved with the header's width."""
    if position < len(moved):
        return moved[position]
    return position - len(moved) + before_width


def relayout(row: Sequence[Any], before: Sequence[ColumnRef], now: Sequence[ColumnRef]) -> list[Any]:
    """A row read under the header `before`, laid out for the header `now` (new columns blank)."""
    moved = align(before, now)
    width = max(len(now), len(row) - len(before) + len(now), 0)
    out: list[Any] = []
    for position in range(width):
        source = source_of(moved, position, len(before))
        out.append(row[source] if source is not None and 0 <= source < len(row) else "")
    return out
