"""Reading a selection again from where its rows stood: a quiet jobs cycle on a big shop.

A runner selects the open records of a big tab (selecting.py) and keeps where each
stood: a `Placed`. The next cycle reads, in one values:batchGet for every such tab,
each tab's header rows, those rows and every row from the tab's last known end on.
Each row read must still hold the key it held there and the header must read as it
did; then the rows are fresh (those that left their open state since come too, in the
state they are in now) and the rows added since come with the end. When a check
fails (a person sorted, inserted or deleted rows), that tab is selected afresh.

A record a person put back into an open state by hand in an old row is not seen this
way: the open records are selected afresh every `sheets.placements.RESELECT_EVERY`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets.backends.base import Placed, Selection
from sheets.backends.google.cells import quote_tab
from sheets.backends.google.grown import same_cells
from sheets.backends.google.targeted import lookup_text
from sheets.reading import HEADER_SEARCH_ROWS, find_header, read_table
from sheets.schema import Tab

BatchGet = Callable[[list[str]], list[dict[str, Any]]]
#: Ranges sent in one values:batchGet (its address carries them: it must stay short).
RANGES_PER_READ = 400
#: (tab name, 0-based first row) -> the A1 range of every row from there to the tab's end.
TailRange = Callable[[str, int], str]


@dataclass
class Again:
    """One tab to read again: what it selects, and where its rows stood."""

    tab: Tab
    where: Mapping[str, Collection[str]]
    recent: int
    placed: Placed


def read_again(
    items: Sequence[Again], batch_get: BatchGet, tail_range: TailRange
) -> dict[str, tuple[Selection, Placed] | None]:
    """Each tab's selection and where its rows stand now; None for a tab whose rows moved."""
    ranges: list[str] = []
    spans: list[tuple[int, list[tuple[int, int]]]] = []
    for item in items:
        runs = runs_of([index for index in item.placed.keys if index >= len(item.placed.head)])
        spans.append((len(ranges), runs))
        ranges.append(f"{quote_tab(item.tab.name)}!1:{HEADER_SEARCH_ROWS}")
        ranges += [f"{quote_tab(item.tab.name)}!{first + 1}:{last + 1}" for first, last in runs]
        ranges.append(tail_range(item.tab.name, max(item.placed.length - 1, 0)))
    answer: list[dict[str, Any]] = []
    for part in range(
        0, len(ranges), RANGES_PER_READ
    ):  # scattered rows: a few requests, never a long address
        answer += batch_get(ranges[part : part + RANGES_PER_READ])
    found: dict[str, tuple[Selection, Placed] | None] = {}
    for item, (at, runs) in zip(items, spans, strict=True):
        rows: dict[int, list[Any]] = {}
        for (first, _), value_range in zip(runs, answer[at + 1 : at + 1 + len(runs)], strict=False):
            rows.update(
                {first + offset: list(row) for offset, row in enumerate(value_range.get("values", []))}
            )
        start = max(item.placed.length - 1, 0)
        tail = answer[at + 1 + len(runs)].get("values", []) if at + 1 + len(runs) < len(answer) else []
        rows.update({start + offset: list(row) for offset, row in enumerate(tail)})
        head = answer[at].get("values", []) if at < len(answer) else []
        rows.update({index: list(row) for index, row in enumerate(head) if index not in rows})
        found[item.tab.name] = _checked(item, head, rows, start + len(tail))
    return found


def _checked(
    item: Again, head: list[list[Any]], rows: dict[int, list[Any]], end: int
) -> tuple[Selection, Placed] | None:
    placed = item.placed
    if len(head) != len(placed.head) or not all(
        same_cells(a, b) for a, b in zip(head, placed.head, strict=True)
    ):
        return None
    header = find_header(item.tab, head)
    if header is None or not header.complete_key or any(name not in header.index for name in item.where):
        return None
    key_at = header.index[item.tab.key[0]]
    for index, key in placed.keys.items():
        if _text(rows.get(index, []), key_at) != key:
            return None  # a person moved rows: the tab is selected afresh
    length = max(end, placed.length)
    grid: list[Sequence[Any]] = [list(row) for row in head] + [()] * max(length - len(head), 0)
    for index, row in rows.items():
        if len(head) <= index < length:
            grid[index] = row
    added = sum(1 for index, row in rows.items() if index >= placed.length and _text(row, key_at))
    where = {header.index[name]: set(values) for name, values in item.where.items()}
    kept = {
        index: _text(row, key_at)
        for index, row in rows.items()
        if index > header.row_index
        and (
            index >= length - max(item.recent, 1)
            or any(_text(row, p) in values for p, values in where.items())
        )
    }
    return (
        Selection(read_table(item.tab, grid), placed.total + added, complete=False),
        Placed([list(row) for row in head], dict(sorted(kept.items())), length, placed.total + added),
    )


def _text(row: Sequence[Any], position: int) -> str:
    return (lookup_text(row[position]) or "") if position < len(row) else ""


def runs_of(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Row indexes as runs of neighbouring rows: (first, last) per run."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs
