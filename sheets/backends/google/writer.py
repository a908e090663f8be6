"""Landing a write plan on Google Sheets: on the right rows, under the right headers, once.

Google has no conditional write, so every round goes: resolve the plan's keys to row
positions and its column names to column positions in a fresh read, send one atomic
batchUpdate that also asks for the tab's first rows (its header), every written row
and the rows around where appended rows go, and check them in that answer.

- A written cell is right when its row holds the record meant and its column the
  header meant, both as the answer shows them. Otherwise a person moved rows (a sort,
  rows inserted above) or columns (moved, inserted, deleted, renamed) in the instant
  between the read and the write. What the write overwrote by mistake is put back
  exactly: the cell's value as read, found through the same record and the same
  column in the read (sheets/columns.py aligns the header before and after). The
  plan is then resolved again on a fresh read.
- An appended row is found in the answer by the cells it was written with; if its
  columns moved, the row (the app's own) is set right cell by cell.
- An ambiguous failure (5xx or a timeout on a write) is judged on a fresh read: an
  append whose ID is there, or an update whose cells already hold their new values,
  is done and not sent twice.
- If rows or columns keep moving for every round, what did land is undone (updates
  set back, appended rows cleared) and the user is told; a half-applied change is
  never left behind knowingly. Cells that cannot be put back are named, cell by
  cell, in the error (WriteLandedWrong), and the workbook records them for `check`.
- A row is deleted with a deleteDimension at the position its key had in the fresh
  read, last in the batch so the other requests' positions still hold. Google
  cannot make a delete conditional, so the tab's key column comes back with the
  answer: if the key is still there, or another record vanished, the row removed
  was not the one meant and it is inserted again where it was before trying again.
- A write that had to put anything back ends with one fresh read (reconcile.py):
  each record it struck is compared, by key and header, with the read it began from
  plus the change, and any cell still holding one of its values is set right.

The Writer's concerns live beside it as mixins: checking.py (the answer's verdict),
repairs.py (what puts a misplaced cell back), deletions.py, remaining.py (what is
left on a fresh read; strays), undo.py and reconcile.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sheets.backends.google.batch import delete_row, update_cell
from sheets.backends.google.cells import cell_data, column_letters, column_range, quote_tab, row_range
from sheets.backends.google.checking import Checking
from sheets.backends.google.deletions import Deletions
from sheets.backends.google.http import AmbiguousWrite
from sheets.backends.google.init import choice_rule
from sheets.backends.google.reconcile import Reconcile
from sheets.backends.google.remaining import Remaining
from sheets.backends.google.repairs import Repairs
from sheets.backends.google.rows import cell_at, holding, same_or_either, still_wrong
from sheets.backends.google.undo import Undo
from sheets.backends.google.work import (
    Resolved,
    Target,
    Verdict,
    Work,
    Written,
    blind_repairs,
    by_tab,
    columns_needed,
    repairs_in,
    with_repairs,
    work_of,
)
from sheets.cells import is_blank, same_cell
from sheets.columns import ColumnRef, column_refs, place_of, ref_at, relayout
from sheets.errors import (
    DuplicateKey,
    GridChanged,
    RowsMoved,
    SheetError,
    StrayCell,
    WriteLandedWrong,
    WriteNotConfirmed,
)
from sheets.locate import index_keys, padded
from sheets.plan import RowAppend, WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, require_columns
from sheets.schema import Tab

log = logging.getLogger(__name__)

#: Rounds of read-and-write before giving up on rows that keep moving.
WRITE_ROUNDS = 4

#: Rows above and below the expected place of appended rows that come back with the answer.
APPEND_WINDOW = 10


class Writer(Checking, Repairs, Deletions, Remaining, Undo, Reconcile):
    """Lands `Work` through `send` (one batchUpdate) against rows from `read` (one batchGet)."""

    def __init__(
        self,
        rows: dict[str, list[list[Any]] | None],
        read: Callable[[Sequence[str]], dict[str, list[list[Any]] | None]],
        send: Callable[[list[dict], list[str]], dict],
        sheet_id: Callable[[str], int],
        *,
        full: set[str] | None = None,
        tails: dict[str, int] | None = None,
        sparse: set[str] | None = None,
    ) -> None:
        self.rows = rows
        self.read = read
        self.send = send
        self.sheet_id = sheet_id
        self.full = full if full is not None else set(rows)  # tabs read whole (the others: their headers)
        self.tails = tails if tails is not None else {}  # tab -> rows up to its last one with data, last seen
        self.sparse = frozenset(sparse or ())  # tabs read by their rows only (targeted.py)
        #: (tab, key) -> (0-based grid row, cells as laid) of each row this write appended, where it landed
        self.landed_at: dict[tuple[str, tuple[str, ...]], tuple[int, list[Any]]] = {}
        self.stray: list[StrayCell] = []
        self.owed: list[Target] = []

    # the loop --------------------------------------------------------------

    def land(self, plan: WritePlan) -> None:
        self.baseline = dict(self.rows)  # the sheet as this session read it, to put rows back
        self.sent: dict[str, list[Any]] = {}  # tab -> values written anywhere in it
        # Every repair found, even one an intended write made moot: owed if that write is taken back.
        self.owed: list[Target] = []
        self.own_rows = {(a.tab.name, a.key): a for a in plan.appends}  # rows this write adds
        self.struck: dict[str, tuple[Tab, set[tuple[str, ...]]]] = {}  # records a misplaced write hit
        failure, left = self._rounds(work_of(plan))
        if failure is None:
            if self.struck:
                self._settle(plan, taken_back=False)
            if self.stray:
                raise WriteLandedWrong(
                    "The change was saved, but a person's edit moved part of it.", self.stray
                )
            return
        taken_back = self._take_back(plan, self.owed)
        if self.struck:
            self._settle(plan, taken_back=True)
        if not self.stray:
            raise failure
        log.error("could not undo a partly saved change to %s", sorted(plan.tabs))
        raise WriteLandedWrong(
            f"Saving to {', '.join(sorted(plan.tabs))} failed ({type(failure).__name__}: rows or columns "
            f"kept moving, or Google did not answer) and "
            + (
                "the change was taken back, but not every cell."
                if taken_back
                else "could not be taken back whole."
            ),
            self.stray,
        )

    def _rounds(self, work: Work) -> tuple[SheetError | None, Work]:
        """Write `work` until it has all landed; the last failure and what is left if it has not."""
        failure: SheetError | None = None
        for round_number in range(WRITE_ROUNDS):
            try:
                resolved = self._resolve(work)
            except SheetError as error:
                if round_number == 0:
                    raise  # nothing was sent yet
                return error, work  # a row or column gone while saving: what landed is taken back
            if not resolved.requests:
                return (None, work) if not resolved.deferred else (self._moved_failure(work.tabs), work)
            verdict = Verdict()
            try:
                answer = self.send(resolved.requests, resolved.response_ranges)
            except AmbiguousWrite as error:
                log.warning("save to Google Sheets unconfirmed (%s); checking what landed", error)
                failure = WriteNotConfirmed(
                    f"{error}, and the save could not be confirmed after {WRITE_ROUNDS} tries; "
                    "nothing was changed: try again in a minute."
                )
            except GridChanged:
                # Rows were deleted under a written row: Google applied nothing of the batch.
                failure = self._moved_failure({item.tab.name for item in work.targets} or work.tabs)
            else:
                verdict = self._verify(resolved, answer)
                for repair in verdict.repairs:
                    self._suspect(
                        repair.tab, repair.locate[1] if repair.locate[0] == "key" else repair.key_after
                    )
                work = self._without(work, verdict.superseded)
                self.owed += verdict.repairs
                if not verdict.moved and not resolved.deferred:
                    if not blind_repairs(resolved):
                        return None, Work()
                    # A row found by nothing but the stray cells being cleared looks like any blank row
                    # in the answer: one read tells whether those cells are gone.
                    self.rows.update(self.read(sorted(work.tabs)))
                    work = self._still_to_do(work, verdict.landed)
                    if not work:
                        return None, Work()
                    failure = self._moved_failure(work.tabs)
                    continue
                moved = verdict.moved or {target.tab.name for target in resolved.deferred}
                log.warning("rows or columns moved in %s while saving; putting them back", sorted(moved))
                failure = self._moved_failure(moved)
            self.rows.update(self.read(sorted(work.tabs | {t.tab.name for t in verdict.repairs})))
            work = self._still_to_do(with_repairs(work, verdict.repairs), verdict.landed)
        return (failure if work else None), work

    def _without(self, work: Work, superseded: list[Target]) -> Work:
        """`work` without repairs a merged one replaced (in what is owed, too)."""
        if not superseded:
            return work

        def replaced(target: Target) -> bool:
            return any(
                (target.tab.name, target.locate, target.layout) == (old.tab.name, old.locate, old.layout)
                for old in superseded
            )

        self.owed = [target for target in self.owed if not replaced(target)]
        return Work([t for t in work.targets if not replaced(t)], work.appends, work.deletes)

    @staticmethod
    def _moved_failure(tabs: set[str]) -> RowsMoved:
        return RowsMoved(
            f"Rows or columns in {', '.join(sorted(tabs))} kept moving while saving "
            "(is someone sorting the sheet or moving columns?); nothing was changed. Try again."
        )

    # resolving -------------------------------------------------------------

    def header(self, tab: Tab, columns: Sequence[str]) -> Header:
        return require_columns(tab, find_header(tab, self.rows.get(tab.name) or []), columns)

    def _refs(self, tab: Tab, header: Header) -> list[ColumnRef]:
        rows = self.rows.get(tab.name) or []
        return column_refs(header, rows[header.row_index])

    def _locate(self, target: Target, header: Header, keys: dict, refs: list[ColumnRef]) -> int | None:
        kind, identity = target.locate
        rows = self.rows.get(target.tab.name) or []
        if kind == "key":
            found = keys.get(identity, [])
            if len(found) > 1:
                # A copy of the key this write misplaced (nothing but its own values) is not the record.
                found = [index for index in found if not self._only_sent(target.tab, rows[index])] or found
            if len(found) > 1:
                raise DuplicateKey(target.tab.name, "/".join(identity), [index + 1 for index in found])
            return found[0] if found else None
        if target.whole_row and target.key_after:
            # The app's own row holds its new ID, under whichever header columns moved it to.
            holders = holding(rows, header.row_index + 1, target.key_after[0])
            if len(holders) == 1:
                return holders[0]
        wanted = relayout(identity, target.layout, refs) if target.layout is not None else identity
        # A repair may have landed in part (columns moved under it): its cells may hold either value.
        either = (
            {place_of(refs, ref, target.layout): value for ref, value in target.cells.items()}
            if target.repair
            else {}
        )
        matches = [
            i for i in range(header.row_index + 1, len(rows)) if same_or_either(rows[i], wanted, either)
        ]
        if either:
            # The row with the most cells still to put back is the one meant (a blank row matches too).
            matches.sort(key=lambda i: -still_wrong(rows[i], wanted, either))
        # Rows alike in every cell are interchangeable: a repair may take any; a new ID only a single one.
        if target.repair or target.whole_row:
            return matches[0] if matches else None
        return matches[0] if len(matches) == 1 else None

    def _only_sent(self, tab: Tab, row: Sequence[Any]) -> bool:
        """Whether every filled cell of `row` holds a value this write sent to `tab`."""
        sent = self.sent.get(tab.name, [])
        filled = [cell for cell in row if not is_blank(cell)]
        return bool(filled) and all(any(same_cell(cell, value) for value in sent) for cell in filled)

    def _resolve(self, work: Work) -> Resolved:
        resolved = Resolved()
        keys: dict[str, dict] = {}
        keys_repaired: dict[
            str, dict
        ] = {}  # where each key stands once this write's misplaced cells are back

        def prepare(tab: Tab, columns: Sequence[str]) -> Header:
            header = self.header(tab, columns)
            if tab.name not in resolved.headers:
                resolved.headers[tab.name] = header
                resolved.refs[tab.name] = self._refs(tab, header)
                resolved.reads[tab.name] = self._as_if_repaired(tab, header, resolved.refs[tab.name])
                keys[tab.name] = index_keys(header, self.rows.get(tab.name) or [])
                keys_repaired[tab.name] = index_keys(header, resolved.reads[tab.name])
            return header

        # Deletions are located first (positions of the other writes are checked after them)
        # and sent last, bottom row first, so every position in the batch is one as read.
        for delete in work.deletes:
            header = prepare(delete.tab, delete.tab.key)
            index = self._locate(
                Target(delete.tab, ("key", delete.key), {}, {}), header, keys[delete.tab.name], []
            )
            if index is None:
                raise SheetError(
                    f"{delete.tab.name} no longer has {'/'.join(delete.key)}; nothing was saved."
                )
            resolved.deleted.append((delete, index))
        for target in work.targets:
            tab = target.tab
            header = prepare(tab, columns_needed(target))
            refs = resolved.refs[tab.name]
            if target.locate[0] == "row" and target.layout is None:
                target.layout = tuple(refs)  # a fingerprint is laid out as the first read had it
            index = self._locate(target, header, keys[tab.name], refs)
            if target.locate[0] == "key" and index not in keys_repaired[tab.name].get(target.locate[1], []):
                index = None  # the key found stands in a cell this write misplaced: not the record's row
            if index is None and target.locate[0] == "key" and repairs_in(work, tab):
                resolved.deferred.append(target)  # a misplaced cell hides its key until the repair lands
                continue
            if index is None:
                if target.locate[0] == "key":
                    raise SheetError(
                        f"{tab.name} no longer has {'/'.join(target.locate[1])}; nothing was saved."
                    )
                log.info("a row of %s changed before it got its ID; it gets one on a later write", tab.name)
                continue
            self._write_cells(resolved, target, refs, index)
        for tab_name, appends in by_tab(work.appends).items():
            filled = {
                name for append in appends for name, value in append.cells.items() if not is_blank(value)
            }
            prepare(appends[0].tab, [name for name in appends[0].tab.column_names if name in filled])
            resolved.requests.append(self._append_request(resolved, tab_name, appends))
        for delete, index in sorted(resolved.deleted, key=lambda item: -item[1]):
            resolved.requests.append(delete_row(self.sheet_id(delete.tab.name), index))
        self._response_ranges(resolved)
        return resolved

    def _as_if_repaired(self, tab: Tab, header: Header, refs: list[ColumnRef]) -> list[list[Any]]:
        """The rows as read, with every cell this write misplaced so far holding what it held before.

        What a write overwrites is judged against this: a cell the app misplaced one
        round earlier held the value its repair restores, whether or not that landed.
        """
        rows = self.rows.get(tab.name) or []
        repairs = [t for t in self.owed if t.tab.name == tab.name and not t.whole_row]
        if not repairs:
            return rows
        rows = list(rows)
        keys = index_keys(header, rows)
        for repair in repairs:
            index = self._locate(repair, header, keys, refs)
            if index is None:
                continue
            row = padded(rows[index], len(refs))
            for ref, value in repair.cells.items():
                position = place_of(refs, ref, repair.layout)
                if position is not None:
                    row = padded(row, position + 1)
                    row[position] = value
            rows[index] = row
        return rows

    def _write_cells(self, resolved: Resolved, target: Target, refs: list[ColumnRef], index: int) -> None:
        name = target.tab.name
        sheet_id = self.sheet_id(name)
        cells = self._cells_at(target, refs, padded(self.rows[name][index], len(refs)))
        if not target.repair:
            resolved.claimed |= {(name, index, position) for position in cells}
        elif not target.whole_row:
            # An intended change to a cell wins over putting back what was there (if the change is taken
            # back, what is owed puts it back then).
            taken = {position for tab, row, position in resolved.claimed if (tab, row) == (name, index)}
            for ref in [ref for ref in target.cells if place_of(refs, ref, target.layout) in taken]:
                del target.cells[ref]
            cells = {position: value for position, value in cells.items() if position not in taken}
            if not cells:
                return
        for position, value in sorted(cells.items()):
            resolved.requests.append(update_cell(sheet_id, index, position, value))
            self.sent.setdefault(name, []).append(value)
        resolved.written.append(Written(target, index, {p: ref_at(refs, p) for p in cells}))

    @staticmethod
    def _cells_at(target: Target, refs: list[ColumnRef], row: list[Any]) -> dict[int, Any]:
        """Position -> value of every cell `target` writes in `row`, laid out under `refs`."""
        placed = {place_of(refs, ref, target.layout): value for ref, value in target.cells.items()}
        placed.pop(None, None)  # a column gone since
        if not target.whole_row:
            return placed
        # The app's own row: each cell set to what belongs under its header, blanks included.
        wanted: dict[int, Any] = dict.fromkeys(range(max(len(refs), len(row))), "")
        wanted.update(placed)
        return {p: value for p, value in wanted.items() if not same_cell(cell_at(row, p), value)}

    def _append_request(self, resolved: Resolved, tab_name: str, appends: list[RowAppend]) -> dict:
        header = resolved.headers[tab_name]
        width = max(header.width, max(header.index.values()) + 1)
        # Each row brings its drop-downs: a row past the grid init laid out has none of its own.
        rules = {
            header.index[column.name]: choice_rule(column)
            for column in appends[0].tab.choice_columns()
            if column.name in header.index
        }
        rows, laid = [], []
        for append in appends:
            cells = [""] * width
            for name, value in append.cells.items():
                if name in header.index:
                    cells[header.index[name]] = value
            laid.append((append, cells))
            rows.append(
                {"values": [_with_rule(cell_data(value), rules.get(p)) for p, value in enumerate(cells)]}
            )
        resolved.appended[tab_name] = laid
        fields = "userEnteredValue,dataValidation" if rules else "userEnteredValue"
        return {"appendCells": {"sheetId": self.sheet_id(tab_name), "rows": rows, "fields": fields}}

    def _response_ranges(self, resolved: Resolved) -> None:
        """Ask for the first rows of every tab written (its header), each written row and the append window."""
        ranges: dict[str, None] = {}  # in order, once each

        def want(text: str) -> None:
            ranges.setdefault(text)

        for tab_name in resolved.headers:
            want(f"{quote_tab(tab_name)}!1:{HEADER_SEARCH_ROWS}")
        for written in resolved.written:
            name = written.target.tab.name
            want(row_range(name, resolved.after_deletes(name, written.index)))
        for tab_name, laid in resolved.appended.items():
            want(self._append_window(resolved, tab_name, len(laid)))
        rewritten = {written.target.tab.name for written in resolved.written if written.target.whole_row}
        for tab_name in sorted({delete.tab.name for delete, _ in resolved.deleted} | rewritten):
            # The key column(s) of the whole tab come back: enough to check which row went.
            positions = resolved.headers[tab_name].key_indexes
            want(column_range(tab_name, min(positions), max(positions)))
        resolved.response_ranges = list(ranges)

    def _append_window(self, resolved: Resolved, tab_name: str, count: int) -> str:
        """The rows where this batch's appended rows will be, with a margin, as an A1 range.

        A tab read whole ends where the read ended. Of a tab read by its header only,
        the length last seen is known (Audit: its first column came with the read);
        everything from there to the end comes back, however much others added since.
        """
        header = resolved.headers[tab_name]
        deleted = sum(1 for d, _ in resolved.deleted if d.tab.name == tab_name)
        if tab_name in self.full:
            tail = len(resolved.reads[tab_name]) - deleted
            first = max(header.row_index + 1, tail - APPEND_WINDOW)
            resolved.windows[tab_name] = (first, tail + count + APPEND_WINDOW)
            return f"{quote_tab(tab_name)}!{first + 1}:{tail + count + APPEND_WINDOW}"
        tail = self.tails.get(tab_name, header.row_index + 1)
        first = max(header.row_index + 1, tail - APPEND_WINDOW)
        resolved.windows[tab_name] = (first, None)
        last_column = column_letters(max(header.width, max(header.index.values()) + 1) + APPEND_WINDOW)
        return f"{quote_tab(tab_name)}!A{first + 1}:{last_column}"


def _with_rule(data: dict[str, Any], rule: dict[str, Any] | None) -> dict[str, Any]:
    return {**data, "dataValidation": rule} if rule is not None else data
