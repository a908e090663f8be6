"""A write in progress on Google Sheets: what is still to land, what one batch wrote, what its answer showed.

The Writer (writer.py) moves `Work` through rounds; each round resolves it into one
batch (`Resolved`), and the answer to that batch gives a `Verdict`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.backends.google.answer import View
from sheets.cells import is_blank
from sheets.columns import ColumnRef, ref_at, relayout
from sheets.errors import NO_ID
from sheets.locate import raw_key, same_row
from sheets.plan import RowAppend, RowDelete, WritePlan
from sheets.reading import Header
from sheets.schema import Tab

log = logging.getLogger(__name__)


@dataclass
class Target:
    """Cells to set in one row, the row found by its key or, lacking one, by its content."""

    tab: Tab
    locate: tuple[str, tuple[Any, ...]]  # ("key", key parts) or ("row", cells of the row)
    cells: dict[ColumnRef, Any]  # column -> new raw value
    before: dict[str, Any]  # column name -> raw value expected before the write
    repair: bool = False  # puts back cells written by mistake: no conflict check
    layout: tuple[ColumnRef, ...] | None = None  # the header a ("row", cells) locate was read under
    whole_row: bool = False  # the app's own row: every cell not in `cells` is cleared
    key_after: tuple[str, ...] | None = None  # the key the row holds once written, when it changes


@dataclass
class Work:
    targets: list[Target] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    deletes: list[RowDelete] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.targets or self.appends or self.deletes)

    @property
    def tabs(self) -> set[str]:
        return {item.tab.name for item in (*self.targets, *self.appends, *self.deletes)}


def work_of(plan: WritePlan) -> Work:
    targets = [Target(u.tab, ("key", u.key), dict(u.cells), dict(u.before)) for u in plan.updates]
    targets += [
        Target(
            a.tab,
            ("row", a.fingerprint),
            {a.tab.key[0]: a.new_id},
            {a.tab.key[0]: ""},
            key_after=(a.new_id,),
        )
        for a in plan.id_assignments
    ]
    return Work(targets, list(plan.appends), list(plan.deletes))


@dataclass
class Written:
    """One row this batch wrote cells into: which target, at which row, which column at which position."""

    target: Target
    index: int  # row index as read
    positions: dict[int, ColumnRef]


@dataclass
class Resolved:
    requests: list[dict] = field(default_factory=list)
    response_ranges: list[str] = field(default_factory=list)
    written: list[Written] = field(default_factory=list)
    appended: dict[str, list[tuple[RowAppend, list[Any]]]] = field(default_factory=dict)
    windows: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # appended rows expected in
    headers: dict[str, Header] = field(default_factory=dict)
    refs: dict[str, list[ColumnRef]] = field(default_factory=dict)
    reads: dict[str, list[list[Any]]] = field(default_factory=dict)  # the rows this batch was laid out on
    deleted: list[tuple[RowDelete, int]] = field(default_factory=list)  # (delete, row index as read)
    deferred: list[Target] = field(default_factory=list)  # rows a repair in this batch gives their key back
    after: dict[str, list[list[Any]]] = field(default_factory=dict)  # tabs read again to tell rows apart
    claimed: set[tuple[str, int, int]] = field(
        default_factory=set
    )  # (tab, row, column) an intended write sets

    def touched(self, tab_name: str, index: int) -> set[int]:
        """Every position this batch writes in one row (as read): several targets may share a row."""
        return {
            position
            for written in self.written
            if written.target.tab.name == tab_name and written.index == index
            for position in written.positions
        }

    def after_deletes(self, tab_name: str, index: int) -> int:
        """Where the row at `index` (as read) is once this batch's deletions above it are done."""
        return index - sum(1 for d, i in self.deleted if d.tab.name == tab_name and i < index)


@dataclass
class Verdict:
    """What the answer showed: tabs where something landed wrong, and the repairs that puts right."""

    moved: set[str] = field(default_factory=set)
    repairs: list[Target] = field(default_factory=list)
    landed: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # appends found in the sheet
    superseded: list[Target] = field(default_factory=list)  # repairs a merged repair replaces


def with_repairs(work: Work, repairs: list[Target]) -> Work:
    """`work` plus repairs; an intended change to a cell wins over putting it back."""
    intended = {(t.tab.name, t.locate, ref) for t in work.targets if not t.repair for ref in t.cells}
    merged = Work(list(work.targets), list(work.appends), list(work.deletes))
    for repair in repairs:
        if repair.whole_row:
            # The row's newest place and content replace what an earlier round knew of it.
            same = (repair.tab.name, repair.key_after)
            merged.targets = [
                t for t in merged.targets if not (t.whole_row and (t.tab.name, t.key_after) == same)
            ]
            merged.targets.append(repair)
            continue
        cells = {r: v for r, v in repair.cells.items() if (repair.tab.name, repair.locate, r) not in intended}
        if cells:
            merged.targets.append(
                Target(repair.tab, repair.locate, cells, {}, repair=True, layout=repair.layout)
            )
    return merged


def whole_row(
    tab: Tab,
    row: Sequence[Any],
    cells: dict[ColumnRef, Any],
    refs: Sequence[ColumnRef],
    key: tuple[str, ...] | None,
) -> Target:
    """A target setting a row of this write's, found as `row` under the header `refs`, to `cells` and blanks."""
    return Target(
        tab, ("row", tuple(row)), cells, {}, repair=True, layout=tuple(refs), whole_row=True, key_after=key
    )


def rewrite(append: RowAppend, row: Sequence[Any], view: View) -> Target:
    """A target setting the app's own new row, found as `row` now, right under the header `view` shows."""
    return whole_row(append.tab, row, dict(append.cells), view.refs, append.key)


def set_right(
    header: Header, refs: list[ColumnRef], rows: list[list[Any]], view: View, window: range
) -> list[Target]:
    """Targets setting right, under the header `view` shows, rows laid out under `refs` found in `window`."""
    found = [view.row(index) for index in window]
    targets = []
    for row in rows:
        match = next((i for i, candidate in enumerate(found) if same_row(candidate, row)), None)
        if match is None:
            log.error("a row put back in %s is not where it was put; check the tab", header.tab.name)
            continue
        now = found.pop(match)  # rows alike are counted off one by one
        cells = {ref_at(refs, position): value for position, value in enumerate(row) if not is_blank(value)}
        targets.append(whole_row(header.tab, now, cells, view.refs, raw_key(header, row)))
    return targets


def columns_needed(target: Target) -> list[str]:
    """The declared columns a target cannot be written without (a cleared cell of a gone column needs none)."""
    named = [ref for ref, value in target.cells.items() if isinstance(ref, str)]
    if target.whole_row:
        named = [ref for ref in named if not is_blank(target.cells[ref])]
    return [*target.tab.key, *(name for name in named if name not in target.tab.key)]


def repairs_in(work: Work, tab: Tab) -> bool:
    return any(target.repair and target.tab.name == tab.name for target in work.targets)


def blind_repairs(resolved: Resolved) -> bool:
    """Whether this batch wrote a row its answer cannot tell from another: one read must say.

    Clearing stray cells in a row that holds nothing else (any blank row looks so), or
    rewriting a new row in every cell (any row, rows sorted meanwhile, looks so).
    """
    for written in resolved.written:
        target = written.target
        if target.whole_row:
            as_read = resolved.reads[target.tab.name][written.index]
            if all(is_blank(value) for p, value in enumerate(as_read) if p not in written.positions):
                return True
            continue
        if not target.repair or target.whole_row or target.locate[0] != "row":
            continue
        rest = relayout(
            target.locate[1], target.layout or resolved.refs[target.tab.name], resolved.refs[target.tab.name]
        )
        if all(is_blank(value) for position, value in enumerate(rest) if position not in written.positions):
            return True
    return False


def by_tab(appends: Sequence[RowAppend]) -> dict[str, list[RowAppend]]:
    grouped: dict[str, list[RowAppend]] = {}
    for append in appends:
        grouped.setdefault(append.tab.name, []).append(append)
    return grouped


def deletions_by_tab(deleted: Sequence[tuple[RowDelete, int]]) -> dict[str, list[tuple[RowDelete, int]]]:
    grouped: dict[str, list[tuple[RowDelete, int]]] = {}
    for delete, index in deleted:
        grouped.setdefault(delete.tab.name, []).append((delete, index))
    return grouped


def locate_text(target: Target) -> str:
    return "/".join(target.locate[1]) if target.locate[0] == "key" else NO_ID
