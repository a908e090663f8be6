"""Copying a whole workbook from one backend to the other, cell for cell.

A team that starts on the local workbook moves to Google Sheets later (or
back) without retyping anything: `python app.py copy --to google|local`.
What is copied is what people see: every tab's rows exactly as they are
(raw), the header row as it stands, extra columns people added, and rows
the app cannot read. The source is only read.

How a copy survives being interrupted: rows are written at the same grid
row as in the source, block after block, each block one atomic request (one
values:batchUpdate on Google, one transaction locally). Whatever stopped the
copy, each target tab is then "the source with some rows still missing" —
every row it holds is the source's row at that place. The next run reads
both sides, sees that, and writes from the first row that differs; a tab
that already equals the source is not written at all (a second run copies
nothing). Position, not key, is the test because a workbook holds rows
without a key (Settings, Summary, rows typed without an ID, duplicated IDs,
unreadable rows), and all of them must arrive, in their place.

A target row that differs from the source at the same place is data of
someone else (or the source changed since the last run): the copy refuses,
writing nothing, unless told `force=True`, which replaces those tabs with
the source's. Tabs that hold only what `init` puts there (a header row, the
default Settings and their Audit rows) count as empty.

How a person editing the target meanwhile is handled: every write request
also brings back, in the same answer, the first rows of each tab it writes
and the rows written (on Google the values:batchUpdate asks for its values
back and writes the header rows with nulls, which change nothing). If a
tab's header there is not the one the block was laid out for, because a
person moved, inserted, deleted or renamed a column, the block's cells are
written again under the header as it now is (sheets/columns.relayout; rows
emptied if no header can be found), checked the same way, and the copy
then stops with ColumnsChanged naming the tab and the change. The local
workbook sees the header in the write's own transaction and leaves such a
block out instead of misplacing it, then gets the same rewrite. So no value
ever stays under another header, and a copy that met such a change never
reports success.

Why stop instead of going on in the new layout: the copy promises the
source cell for cell, and a tab whose columns differ can no longer be that
(a deleted column's values have nowhere to go); someone is working in the
target right now, and carrying on would only spread the copy over a layout
that may still change. It is also what keeps the resume rule: once the
person puts the columns back (the cells written so far moved with them) the
tab is again the source with rows missing and the next run goes on; until
then the next run refuses the tab as other data, and `--force` replaces it.
Should the columns keep changing through LANDING_ROUNDS writes, the copy
stops with CopyLandedWrong naming the rows that may be wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.backends.base import Backend, RawAnswer, RawBlock
from sheets.columns import Layout, changes, layout_of, relayout
from sheets.errors import SheetError, SheetUnavailable
from sheets.locate import padded
from sheets.reading import HEADER_SEARCH_ROWS, find_header, read_table
from sheets.request_size import COPY_PART_BYTES
from sheets.settings import DECLARED as DECLARED_SETTINGS
from sheets.tabs import ALL_TABS, AUDIT, SETTINGS, TABS_BY_NAME

#: Rows per write request: a few thousand keeps the number of requests small ...
BATCH_ROWS = 5000
#: ... and the JSON of one request under the 2 MB payload Google recommends (and far under the
#: 10 MB it accepts: a larger `batch_bytes` asked for is held to COPY_PART_BYTES).
BATCH_BYTES = 1_500_000
#: Writes of one block, its first included, while a person keeps changing its tab's columns.
LANDING_ROUNDS = 3

Rows = list[list[Any]]


class CopyRefused(SheetError):
    """The copy would overwrite data that is not the source's; nothing was written."""


class ColumnsChanged(SheetError):
    """A person changed a target tab's columns during the copy; every cell written is under its header."""


class CopyStopped(SheetUnavailable):
    """The target stopped answering midway; what was copied stays, and the next run goes on from there."""


class CopyLandedWrong(SheetError):
    """A target tab's columns kept changing, so rows of the copy may hold values under other headers."""


@dataclass
class TabCopy:
    """One tab of the source and what the copy does with it."""

    name: str
    source: Rows
    start: int  # first grid row still to write
    replace: bool = False  # the target's tab is emptied first
    differs_at: int | None = None  # first target row that is not the source's (1-based), if any
    head: Rows = field(default_factory=list)  # the target's first rows, as the copy has left them

    @property
    def total(self) -> int:
        return len(self.source)


@dataclass
class CopyReport:
    source: str
    target: str
    tabs: list[TabCopy] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    rows_written: int = 0
    writes: int = 0
    mismatched: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.mismatched


Progress = Callable[[str], None]


def copy_workbook(
    source: Backend,
    target: Backend,
    *,
    force: bool = False,
    progress: Progress = lambda line: None,
    batch_rows: int | None = None,
    batch_bytes: int | None = None,
) -> CopyReport:
    """Copy every tab of `source` into `target`; raises CopyRefused before writing anything.

    Raises ColumnsChanged (or CopyLandedWrong) when a person changes a target tab's columns
    while it is written; `batch_rows` and `batch_bytes` default to BATCH_ROWS and BATCH_BYTES.
    """
    batch_rows, batch_bytes = batch_rows or BATCH_ROWS, min(batch_bytes or BATCH_BYTES, COPY_PART_BYTES)
    refuse_same_workbook(source, target)
    report = CopyReport(source.location, target.location)
    wanted = source_tabs(source.read_raw(source.tab_names()))
    tabs = read_plan(wanted, target)
    refuse_other_data(tabs, target, force)
    report.created = create_missing_tabs(target)
    report.tabs = read_plan(wanted, target) if report.created else tabs
    report.replaced = [tab.name for tab in report.tabs if tab.replace]
    announce_force(report.tabs, target, progress)
    target.prepare_raw(
        create=[name for name in wanted if name not in target.tab_names()],
        clear=report.replaced,
        sizes={tab.name: (tab.total, width(tab.source)) for tab in report.tabs},
    )
    write_tabs(target, report.tabs, report, progress, batch_rows, batch_bytes)
    target.format_raw({name: rows[:HEADER_SEARCH_ROWS] for name, rows in wanted.items()})
    if report.rows_written or report.replaced:
        report.mismatched = differences(wanted, target.read_raw(list(wanted)))
    # else the plan read the target and found every source row there: nothing to check again
    return report


# what to copy ----------------------------------------------------------------


def normalized(rows: Sequence[Sequence[Any]] | None) -> Rows:
    """Rows as a person sees them: empty cells are "", nothing after the last value of a row or tab.

    Google leaves out trailing empty cells and rows while the local workbook may
    keep them; normalizing lets the two be compared cell for cell.
    """
    out = [[("" if cell is None else cell) for cell in row] for row in rows or ()]
    for row in out:
        while row and row[-1] == "":
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def width(rows: Rows) -> int:
    return max((len(row) for row in rows), default=0)


def source_tabs(raw: dict[str, Rows]) -> dict[str, Rows]:
    """Every tab of the source that holds anything (an empty tab, such as a new sheet's Sheet1, is left out)."""
    rows = {name: normalized(cells) for name, cells in raw.items()}
    return {name: cells for name, cells in rows.items() if cells}


def read_plan(wanted: dict[str, Rows], target: Backend) -> list[TabCopy]:
    """The plan per tab from the target as it is now (one read)."""
    return plan_tabs(wanted, target.read_raw([name for name in wanted if name in target.tab_names()]))


def plan_tabs(wanted: dict[str, Rows], target: dict[str, Rows]) -> list[TabCopy]:
    return [plan_tab(name, rows, normalized(target.get(name))) for name, rows in wanted.items()]


def plan_tab(name: str, source: Rows, target: Rows) -> TabCopy:
    """Where the copy of one tab starts, from the tab on both sides as they are now."""
    start = next(
        (i for i, row in enumerate(source) if i >= len(target) or target[i] != row),
        len(source),
    )
    conflict = next(
        (i for i, row in enumerate(target) if row and (i >= len(source) or source[i] != row)),
        None,
    )
    if conflict is None:
        return TabCopy(name, source, start, head=target[:HEADER_SEARCH_ROWS])
    if holds_only_init(name, target):
        return TabCopy(name, source, 0, replace=True)
    return TabCopy(name, source, 0, replace=True, differs_at=conflict + 1)


def holds_only_init(name: str, rows: Rows) -> bool:
    """Whether a target tab holds nothing but what `init` writes: a header, default Settings, their Audit rows."""
    tab = TABS_BY_NAME.get(name)
    header = find_header(tab, rows) if tab else None
    below = rows[header.row_index + 1 :] if header else rows[1:]
    if not any(below):
        return True
    if tab is None or header is None:
        return False
    table = read_table(tab, rows)
    if table.issues or len(table) != sum(1 for row in below if row):
        return False
    if tab is SETTINGS:
        defaults = {setting.key: str(setting.default) for setting in DECLARED_SETTINGS}
        return all(defaults.get(record["key"]) == str(record["value"]) for record in table.records())
    if tab is AUDIT:
        return all(record["user"] == "init" for record in table.records())
    return False


def refuse_same_workbook(source: Backend, target: Backend) -> None:
    if source.location == target.location:
        raise CopyRefused(
            f"The source and the target are the same workbook ({source.location}): "
            "name the other one with --data-dir or --spreadsheet-id."
        )


def refuse_other_data(tabs: list[TabCopy], target: Backend, force: bool) -> None:
    others = [tab for tab in tabs if tab.differs_at is not None]
    if others and not force:
        where = ", ".join(f"{tab.name} (row {tab.differs_at})" for tab in others[:5])
        more = f" and {len(others) - 5} more tab(s)" if len(others) > 5 else ""
        raise CopyRefused(
            f"{target.location} already holds other data in {where}{more}, or the source changed there "
            "since an earlier copy; nothing was written: copy into an empty workbook, or run again with "
            "--force to replace those tabs with the source's."
        )


def announce_force(tabs: list[TabCopy], target: Backend, progress: Progress) -> None:
    overwritten = [tab.name for tab in tabs if tab.differs_at is not None]
    if overwritten:
        progress(
            f"--force: REPLACING {', '.join(overwritten)} in {target.location} with the source's; "
            "the rows there now are lost"
        )


def create_missing_tabs(target: Backend) -> list[str]:
    """`init` for the tabs the target lacks: header row, and on Google the frozen header and drop-downs.

    Tabs the target already has are left as they are: adding columns there
    would make a half-copied tab differ from the source.
    """
    present = set(target.tab_names())
    missing = [tab for tab in ALL_TABS if tab.name not in present]
    return target.ensure_tabs(missing).created_tabs if missing else []


# writing -----------------------------------------------------------------------


def write_tabs(
    target: Backend,
    tabs: list[TabCopy],
    report: CopyReport,
    progress: Progress,
    batch_rows: int,
    batch_bytes: int,
) -> None:
    by_name = {tab.name: tab for tab in tabs}
    for tab in tabs:
        if tab.start >= tab.total:
            progress(f"{tab.name}: {tab.total:,} / {tab.total:,} rows (already there)")
    for blocks in batches(tabs, batch_rows, batch_bytes):
        try:
            land(target, [Landing.of(block, by_name[block.tab]) for block in blocks])
        except SheetUnavailable as error:
            first = blocks[0]
            raise CopyStopped(
                f"{error} The copy stopped at {first.tab} row {first.start + 1:,}: the tabs before it and its rows "
                f"above that row are copied ({report.rows_written:,} rows in this run), each part whole; run the same "
                "copy again to go on from there."
            ) from error
        report.writes += 1
        for block in blocks:
            tab = by_name[block.tab]
            tab.head = overlaid(tab.head, block)
            report.rows_written += len(block.rows)
            progress(f"{tab.name}: {block.start + len(block.rows):,} / {tab.total:,} rows")


# landing under the right headers ------------------------------------------------


@dataclass
class Landing:
    """One block of source rows on its way, and the header its cells belong under."""

    block: RawBlock  # what this round sends
    tab: TabCopy
    layout: Layout | None  # the target's header the source's rows are laid out for, as planned
    laid_for: Layout | None  # the header this round's rows are laid out for
    columns: int  # columns written so far: a rewrite covers them all

    @classmethod
    def of(cls, block: RawBlock, tab: TabCopy) -> Landing:
        after = overlaid(tab.head, block)
        layout = layout_of(TABS_BY_NAME.get(tab.name), after)
        # A block that writes the header row itself lays the columns out; nothing to check before.
        writes_header = layout is None or block.start <= layout.row < block.start + len(block.rows)
        sent = RawBlock(block.tab, block.start, block.rows, head=None if writes_header else tab.head)
        return cls(sent, tab, layout, layout, width(block.rows))

    def check(self, answer: RawAnswer, changed: dict[str, tuple[Layout, Layout | None]]) -> Landing | None:
        """The next round's rewrite when a cell of this block is not under its header in `answer`."""
        if self.layout is None:
            return None  # the tab has no header to land under
        name = self.block.tab
        top = [answer.get((name, index), []) for index in range(HEADER_SEARCH_ROWS)]
        now = layout_of(TABS_BY_NAME.get(name), top)
        if now != self.layout:
            changed[name] = (self.layout, now)
        if now == self.laid_for:
            return None  # one atomic write under the header it was laid out for
        rewrite = self.rewrite(now)
        if all(_holds(answer.get((name, rewrite.start + i), []), row) for i, row in enumerate(rewrite.rows)):
            return None  # e.g. a column added right of every cell written
        rewrite.head = top
        return Landing(rewrite, self.tab, self.layout, now, max(self.columns, width(rewrite.rows)))

    def rewrite(self, now: Layout | None) -> RawBlock:
        """The block's data rows laid out for the header `now`, covering every cell written so far.

        Without a header to go by (its row or its first column deleted) the rows are
        emptied: no value is better than one under another header, and the source keeps it.
        Rows down to the header are left alone: the person's header stays as they made it.
        """
        assert self.layout is not None
        below = max(self.layout.row, now.row if now else 0) + 1
        first = max(self.block.start, below)
        source = self.tab.source[first : self.block.start + len(self.block.rows)]
        if now is None:
            return RawBlock(self.block.tab, first, [[""] * self.columns for _ in source])
        rows = [padded(relayout(row, self.layout.refs, now.refs), self.columns) for row in source]
        return RawBlock(self.block.tab, first, rows)


def land(target: Backend, landings: list[Landing]) -> None:
    """Write one request's blocks, then put right every cell the answer shows under another header.

    A changed header stops the copy, after the rewrite (see the module's docstring).
    """
    changed: dict[str, tuple[Layout, Layout | None]] = {}
    pending = landings
    for _ in range(LANDING_ROUNDS):
        answer = target.write_raw([item.block for item in pending])
        pending = [again for item in pending if (again := item.check(answer, changed)) is not None]
        if not pending:
            break
    if pending:
        raise CopyLandedWrong(landed_wrong(target, pending))
    if changed:
        raise ColumnsChanged(columns_changed(target, landings, changed))


def overlaid(head: Rows, block: RawBlock) -> Rows:
    """A tab's first rows once `block` is written over them."""
    top = [list(row) for row in head[:HEADER_SEARCH_ROWS]]
    for index, row in enumerate(block.rows[: max(0, HEADER_SEARCH_ROWS - block.start)], start=block.start):
        top.extend([] for _ in range(index + 1 - len(top)))
        top[index] = list(row)
    return top


def _holds(cells: Sequence[Any], wanted: Sequence[Any]) -> bool:
    """Whether a row as answered holds `wanted` in its first cells (empty and missing cells alike)."""
    return all(
        (cells[p] if p < len(cells) and cells[p] is not None else "") == value
        for p, value in enumerate(wanted)
    )


def columns_changed(
    target: Backend, landings: list[Landing], changed: dict[str, tuple[Layout, Layout | None]]
) -> str:
    names = " and ".join(changed)
    tabs = " and ".join(_change_of(name, before, now, landings) for name, (before, now) in changed.items())
    return (
        f"Someone changed the columns of {tabs} in {target.location} during the copy, so it stopped; "
        f"every cell it wrote is under its own header. To go on, put the columns of {names} back as they "
        f"are in the source and run the copy again, or run it with --force to replace {names} with "
        "the source's."
    )


def _change_of(name: str, before: Layout, now: Layout | None, landings: list[Landing]) -> str:
    """One tab's part of the ColumnsChanged message: what changed, and how far its copy got."""
    if now is None:
        gone = "its header row or the header of its first column was removed"
        return f"{name} ({gone}; the rows just written were emptied again)"
    what = ", ".join(changes(before, now)) or "changed its header"
    ours = [item for item in landings if item.block.tab == name]
    done = max(item.block.start + len(item.block.rows) for item in ours)
    return f"{name} ({what}; {done:,} of {ours[0].tab.total:,} rows there)"


def landed_wrong(target: Backend, pending: list[Landing]) -> str:
    where = ", ".join(
        f"{item.block.tab} rows {item.block.start + 1:,} to {item.block.start + len(item.block.rows):,}"
        for item in pending
    )
    return (
        f"The columns kept changing while the copy wrote {where} in {target.location}, so those rows may "
        "hold values under other headers: compare them with the source and correct them, or run the copy "
        "again with --force to replace those tabs with the source's."
    )


def batches(tabs: list[TabCopy], batch_rows: int, batch_bytes: int) -> Iterator[list[RawBlock]]:
    """Blocks of rows still to write, in source order, packed into requests of bounded size."""
    blocks: list[RawBlock] = []
    rows = size = 0
    for tab in tabs:
        block: RawBlock | None = None
        for index in range(tab.start, tab.total):
            row = tab.source[index]
            row_size = len(json.dumps(row)) + 1  # as sent: non-ASCII text escaped
            if blocks and (rows + 1 > batch_rows or size + row_size > batch_bytes):
                yield blocks
                blocks, rows, size, block = [], 0, 0, None
            if block is None:
                block = RawBlock(tab.name, index, [])
                blocks.append(block)
            block.rows.append(row)
            rows, size = rows + 1, size + row_size
    if blocks:
        yield blocks


# checking ----------------------------------------------------------------------


def differences(wanted: dict[str, Rows], target: dict[str, Rows]) -> list[str]:
    """Tabs whose copy is not the source's, cell for cell (empty when the copy is complete)."""
    out = []
    for name, rows in wanted.items():
        copied = normalized(target.get(name))
        if copied != rows:
            row = next((i for i in range(max(len(rows), len(copied))) if _at(rows, i) != _at(copied, i)), 0)
            out.append(f"{name} (row {row + 1})")
    return out


def _at(rows: Rows, index: int) -> list[Any]:
    return rows[index] if index < len(rows) else []
