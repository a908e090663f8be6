"""Which column is which, when a person has moved, inserted, deleted or renamed columns.

A write is laid out against the header row as it was read. To check it, and to put
back exactly what it overwrote when the columns changed in between, every position of
a header row gets a `ColumnRef`: the declared column it holds (by name), or for any
other column its header text and occurrence. `align` then says, for each position of
the header as it is now, where that same column stood before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header
from sheets.schema import Tab, normalize_header

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


def place_of(
    refs: Sequence[ColumnRef], ref: ColumnRef, layout: Sequence[ColumnRef] | None = None
) -> int | None:
    """Where `ref`, a column of the header `layout`, stands in the header `refs` now.

    Without a layout, or past its last header, the column is found by its ref alone;
    with one, by `align`, so a column whose header was retyped since is still found.
    """
    if layout is not None:
        before = position_of(layout, ref)
        if before is not None and before < len(layout):
            moved = align(layout, refs)
            return moved.index(before) if before in moved else None
    return position_of(refs, ref)


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


# the header layout of a whole tab (bulk copies) ------------------------------------


@dataclass(frozen=True)
class Layout:
    """Where a tab's header row is and which column each of its positions holds.

    Columns are told apart by header text and occurrence (not by declared name), so a
    tab of any kind, and a declared column under a retyped header, compare alike.
    """

    row: int  # 0-based grid row of the header
    refs: tuple[ColumnRef, ...]
    names: tuple[str, ...] = field(compare=False)  # the header cells as a person sees them


def text_refs(cells: Sequence[Any]) -> list[ColumnRef]:
    """What each position of a header row holds, by its text alone."""
    seen: dict[str, int] = {}
    refs: list[ColumnRef] = []
    for cell in cells:
        text = normalize_header(cell)
        refs.append((text, seen.get(text, 0)))
        seen[text] = seen.get(text, 0) + 1
    return refs


def layout_of(tab: Tab | None, rows: Sequence[Sequence[Any]]) -> Layout | None:
    """The layout of a tab's first rows, or None when they hold no header.

    A declared tab's header is where `find_header` finds it (None when it cannot: its
    anchor column is gone); another tab's is its first row that holds anything.
    """
    top = [list(row) for row in rows[:HEADER_SEARCH_ROWS]]
    if tab is not None:
        header = find_header(tab, top)
        row = header.row_index if header is not None else None
    else:
        row = next((index for index, cells in enumerate(top) if any(map(_shown, cells))), None)
    if row is None:
        return None
    cells = list(top[row])
    while cells and not _shown(cells[-1]):
        cells.pop()
    return Layout(row, tuple(text_refs(cells)), tuple(_shown(cell) for cell in cells))


def _shown(cell: Any) -> str:
    return "" if cell is None else str(cell)


def changes(before: Layout, now: Layout) -> list[str]:
    """What a person did to the columns between two layouts, in words ("moved column status")."""
    moved = align(before.refs, now.refs)
    out = (
        [] if before.row == now.row else [f"moved the header row from row {before.row + 1} to {now.row + 1}"]
    )
    out += [f"moved column {_named(before.names[q])}" for q in _moved(moved)]
    out += [f"inserted column {_quoted(now.names[p])}" for p, q in enumerate(moved) if q is None]
    out += [f"deleted column {_named(before.names[q])}" for q in range(len(before.refs)) if q not in moved]
    out += [
        f"renamed column {_named(before.names[q])} to {_quoted(now.names[p])}"
        for p, q in enumerate(moved)
        if q is not None and before.refs[q] != now.refs[p]
    ]
    return out


def _moved(moved: Sequence[int | None]) -> list[int]:
    """Old positions of the columns that left their order: all but a longest run kept in order."""
    kept = [q for q in moved if q is not None]
    best: list[list[int]] = []
    for q in kept:  # longest increasing subsequence, quadratic (headers are short)
        best.append(max((run for run in best if run[-1] < q), key=len, default=[]) + [q])
    longest = set(max(best, key=len, default=[]))
    return sorted(q for q in kept if q not in longest)


def _named(name: str) -> str:
    return name or "(no header)"


def _quoted(name: str) -> str:
    return f"'{name}'" if name else "(no header)"
