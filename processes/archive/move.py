"""Moving closed records into the year's archive workbook, batch by batch, without ever losing one.

For each batch, in this order:
1. copy: the batch's records that the archive lacks are added to it (one commit there);
2. verify: each record of the batch is read back from the archive by key and
   compared, column by column, with the live record;
3. delete: only then are they removed from the live sheet, in one commit that also
   writes the batch's opening-balance moves (Stock Moves) and one Audit row.

Whatever stops a run (a crash, a timeout, a person editing), running it again
ends with every record exactly once: before anything else it compares the live
records with each archive and takes out of the archive every copy that is not
the live record as it stands (a record edited, or reopened, since it was
copied: the live one wins), so a copy is either the record itself, and the
live one is then deleted, or gone, and the record is copied again. A record
is never deleted from the live sheet before its copy was read back, nor from
the archive while it is not live.

Batches are bounded in rows and in bytes (the JSON of their cells), so no
request carries more than a few megabytes whatever the backlog.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from processes.settings import value_of
from sheets.cells import is_blank, same_cell, to_cell
from sheets.errors import ConflictError, SetupError
from sheets.reading import find_header
from sheets.table import Record, Table
from sheets.tabs import SETTINGS, STOCK_MOVES
from sheets.workbook import Workbook

from .ledger import post_openings
from .rules import ARCHIVED_TABS, RULES, Rule
from .store import Archives

log = logging.getLogger(__name__)

ARCHIVE_USER = "archive"
#: Records (an order's lines counted) per batch on Google ...
BATCH_ROWS = 2000
#: ... and on the local workbook, where a batch is one SQLite transaction with no request to bound:
#: each deletion renumbers the rows below it once, so fewer, larger batches go faster.
LOCAL_BATCH_ROWS = 20_000
#: ... and the JSON of their cells: a batch's largest request stays far below Google's 9 MB.
BATCH_BYTES = 3_000_000

#: Called with a stage name after each step of a batch: "copied", "verified", "deleted" (fault injection).
Hook = Callable[[str], None]


@dataclass
class Group:
    """One archived record and the rows that go with it (an order's lines)."""

    record: Record
    children: list[Record] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        return [self.record, *self.children]


@dataclass
class ArchiveReport:
    cutoff: datetime
    moved: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # tab -> records archived
    years: set[int] = field(default_factory=set)
    batches: int = 0
    removed_stale: int = 0  # archive copies taken out because the live record differs
    refused: list[str] = field(default_factory=list)  # batches a person changed meanwhile (next run)
    openings: int = 0
    skipped: list[str] = field(default_factory=list)  # years without an archive workbook, and why
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.moved.values())

    def __str__(self) -> str:
        if not self.total:
            text = f"archive: nothing closed before {self.cutoff:%Y-%m-%d} to archive"
        else:
            tabs = ", ".join(f"{count:,} {name}" for name, count in self.moved.items() if count)
            years = ", ".join(str(year) for year in sorted(self.years))
            text = (
                f"archive: moved {tabs} closed before {self.cutoff:%Y-%m-%d} into the archive of {years} "
                f"in {_counted(self.batches, 'batch', 'batches')}; "
                f"{_counted(self.openings, 'opening balance move', 'opening balance moves')}"
            )
        for reason in self.skipped:
            text += f"; {reason}"
        if self.refused:
            text += f"; left for the next run (changed meanwhile): {'; '.join(self.refused)}"
        return f"{text} ({self.seconds:.1f} s)"


def _counted(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def cutoff_of(workbook: Workbook, before: datetime | None = None) -> datetime:
    """Records closed before this moment are archived: `before`, or now less the archive age."""
    if before is not None:
        return before
    days = value_of("archive_after_days", workbook.table(SETTINGS).get("archive_after_days"))
    return (workbook.clock() - timedelta(days=float(days))).replace(microsecond=0)


def run_archive(
    workbook: Workbook,
    archives: Archives,
    *,
    before: datetime | None = None,
    hook: Hook | None = None,
    batch_rows: int | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> ArchiveReport:
    """Move every record closed before the cutoff into its year's archive; safe to run again at any point.

    `batch_rows` defaults to BATCH_ROWS on Google and LOCAL_BATCH_ROWS on the local workbook.
    """
    started = time.monotonic()
    batch_rows = batch_rows or (LOCAL_BATCH_ROWS if workbook.kind == "local" else BATCH_ROWS)
    cutoff = cutoff_of(workbook, before)
    report = ArchiveReport(cutoff)
    live = _fresh(workbook)
    kept_live = tabs_with_columns_of_their_own(workbook)
    for name, columns in kept_live.items():
        report.skipped.append(
            f"{name} has columns of its own ({', '.join(columns)}) that the archive would not keep: "
            f"its records stay live until they are moved into declared columns or removed"
        )
    by_year = closed_groups(live, cutoff, kept_tabs=set(kept_live))
    for year in sorted(set(archives.years()) | set(by_year)):
        try:
            archive = archives.workbook(year)
        except SetupError as error:  # a year without its archive spreadsheet: the others go on
            report.skipped.append(str(error))
            continue
        groups = by_year.get(year, [])
        report.removed_stale += remove_stale_copies(archive, live, groups)
        for batch in batches(groups, batch_rows, batch_bytes):
            move_batch(workbook, archive, batch, cutoff, report, hook or (lambda stage: None))
            report.years.add(year)
    report.seconds = time.monotonic() - started
    return report


def tabs_with_columns_of_their_own(workbook: Workbook) -> dict[str, list[str]]:
    """Archived tabs whose header holds columns people added (tab -> their headers).

    Only declared columns are archived: a record moved out of such a tab would lose the
    cells a person keeps beside it, so its tab is left live (and the run says why).
    A record's children (an order's lines) stay with it: one tab kept keeps its parent's too.
    """
    own: dict[str, list[str]] = {}
    heads = workbook.backend.header_rows([tab.name for tab in ARCHIVED_TABS])
    for tab in ARCHIVED_TABS:
        head = heads[tab.name]
        header = find_header(tab, head)
        if header is None:
            continue
        declared = set(header.index.values())
        cells = head[header.row_index]
        extra = [str(cell) for i, cell in enumerate(cells) if i not in declared and not is_blank(cell)]
        if extra:
            own[tab.name] = extra
    return own


def _fresh(workbook: Workbook) -> dict[str, Table]:
    workbook.invalidate([tab.name for tab in ARCHIVED_TABS])
    return workbook.tables(*ARCHIVED_TABS)


# what to move ------------------------------------------------------------------


def closed_groups(
    live: dict[str, Table], cutoff: datetime, kept_tabs: set[str] | None = None
) -> dict[int, list[Group]]:
    """The records closed before `cutoff` (with their children), by the year they closed in;
    none of a rule whose tab, or children's tab, is in `kept_tabs`."""
    by_year: dict[int, list[Group]] = defaultdict(list)
    for rule in RULES:
        if {rule.tab.name, rule.children.name if rule.children else ""} & (kept_tabs or set()):
            continue
        children = _children_by_parent(live, rule)
        kept = rule.kept_live(live)
        for record in live[rule.tab.name].records():
            closed = rule.closed_at(record)
            if closed is not None and closed < cutoff and record.id not in kept:
                by_year[closed.year].append(Group(record, children.get(record.id, [])))
    return dict(by_year)


def _children_by_parent(live: dict[str, Table], rule: Rule) -> dict[str, list[Record]]:
    if rule.children is None:
        return {}
    found: dict[str, list[Record]] = defaultdict(list)
    for child in live[rule.children.name].records():
        found[child[rule.tab.key[0]]].append(child)
    return found


def batches(groups: list[Group], batch_rows: int, batch_bytes: int) -> Iterator[list[Group]]:
    """Groups packed into batches of at most `batch_rows` records and `batch_bytes` of cells."""
    batch: list[Group] = []
    rows = size = 0
    for group in groups:
        group_rows = len(group.records)
        group_size = sum(_size(record) for record in group.records)
        if batch and (rows + group_rows > batch_rows or size + group_size > batch_bytes):
            yield batch
            batch, rows, size = [], 0, 0
        batch.append(group)
        rows, size = rows + group_rows, size + group_size
    if batch:
        yield batch


def _size(record: Record) -> int:
    return len(json.dumps(_cells(record), ensure_ascii=True, default=str)) + 1


def _cells(record: Record) -> list:
    return [to_cell(column.kind, record[column.name]) for column in record.schema.columns]


def same_record(a: Record | None, b: Record | None) -> bool:
    """Whether two records hold the same value in every declared column."""
    if a is None or b is None:
        return False
    return all(same_cell(x, y) for x, y in zip(_cells(a), _cells(b), strict=True))


# the archive's side ---------------------------------------------------------------


def remove_stale_copies(archive: Workbook, live: dict[str, Table], groups: list[Group]) -> int:
    """Take out of `archive` every copy of a live record that is not that record, closed, as it stands now.

    Such a copy is left by an interrupted run whose record was then edited (or reopened);
    the live record is the one that counts, and is copied again when it is due.
    """
    wanted = {(record.schema.name, record.id): record for group in groups for record in group.records}
    copies = _fresh(archive)
    stale = [
        copy
        for tab in ARCHIVED_TABS
        for copy in copies[tab.name].records()
        if copy.id in live[tab.name] and not same_record(copy, wanted.get((tab.name, copy.id)))
    ]
    if not stale:
        return 0
    tabs = _tabs_named(sorted({copy.schema.name for copy in stale}))
    _now, seed = archive.tables_for_writing(*tabs)
    with archive.transaction(*tabs, user=ARCHIVE_USER, action="archive", seed=seed) as tx:
        for copy in stale:
            tx.move_out(copy)
    return len(stale)


def copy_batch(archive: Workbook, batch: list[Group]) -> int:
    """Add the batch's records the archive lacks (found by key in one fresh read); returns how many were added."""
    records = [record for group in batch for record in group.records]
    tabs = _tabs_of(records)
    held, seed = archive.tables_for_writing(*tabs)
    missing = [record for record in records if record.id not in held[record.schema.name]]
    if not missing:
        return 0
    with archive.transaction(*tabs, user=ARCHIVE_USER, action="archive", seed=seed) as tx:
        for record in missing:
            tx.copy_in(record)
    return len(missing)


def unverified(archive: Workbook, batch: list[Group]) -> list[Record]:
    """The batch's records whose copy, read back by key (one fresh read), is not exactly the live record."""
    records = [record for group in batch for record in group.records]
    tabs = _tabs_of(records)
    archive.invalidate([tab.name for tab in tabs])
    held = archive.tables(*tabs)
    return [record for record in records if not same_record(held[record.schema.name].get(record.id), record)]


# the live side --------------------------------------------------------------------


def move_batch(
    workbook: Workbook,
    archive: Workbook,
    batch: list[Group],
    cutoff: datetime,
    report: ArchiveReport,
    hook: Hook,
) -> None:
    copy_batch(archive, batch)
    hook("copied")
    missing = unverified(archive, batch)
    if missing:
        raise ArchiveNotVerified(missing, archive)
    hook("verified")
    try:
        delete_batch(workbook, archive, batch, cutoff, report)
    except ConflictError as error:
        # A person changed a record since it was read: it stays live; the next run
        # removes its outdated copy from the archive and copies it again.
        report.refused.append(str(error))
        return
    report.batches += 1
    hook("deleted")


def delete_batch(
    workbook: Workbook, archive: Workbook, batch: list[Group], cutoff: datetime, report: ArchiveReport
) -> None:
    records = [record for group in batch for record in group.records]
    tabs = _tabs_of(records)
    moves = [record for record in records if record.schema is STOCK_MOVES]
    if moves:
        tabs = _tabs_named(sorted({tab.name for tab in tabs} | {STOCK_MOVES.name}))
    counts: dict[str, int] = defaultdict(int)
    # One fresh read (on Google) that the deletion works on: each record is checked against it
    # and found by key when written, without a request per record.
    _now, seed = workbook.tables_for_writing(*tabs)
    with workbook.transaction(*tabs, user=ARCHIVE_USER, action="archive", seed=seed) as tx:
        for record in records:
            tx.move_out(record)
            counts[record.schema.name] += 1
        openings = post_openings(tx, moves, cutoff) if moves else 0
        for tab in tabs:
            if counts[tab.name]:
                tx.note(tab, f"{counts[tab.name]} records", f"moved to {archive.backend.location}")
    for name, count in counts.items():
        report.moved[name] += count
    report.openings += openings


class ArchiveNotVerified(RuntimeError):
    """Records copied to the archive could not be read back as they are: nothing was deleted."""

    def __init__(self, records: list[Record], archive: Workbook) -> None:
        shown = ", ".join(f"{record.schema.name} {record.id}" for record in records[:5])
        super().__init__(
            f"{_counted(len(records), 'record', 'records')} copied to {archive.backend.location} could not be read back as they are "
            f"({shown}…); nothing was deleted from the live sheet: run the archive again."
        )


def _tabs_of(records: list[Record]):
    return _tabs_named(sorted({record.schema.name for record in records}))


def _tabs_named(names):
    by_name = {tab.name: tab for tab in ARCHIVED_TABS}
    return tuple(by_name[name] for name in names)
