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
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sheets.backends.google.answer import Rows, View, answer_rows, answer_view, view_of
from sheets.backends.google.batch import delete_row, update_cell, update_row
from sheets.backends.google.cells import cell_data, column_letters, column_range, quote_tab, row_range
from sheets.backends.google.http import AmbiguousWrite
from sheets.backends.google.rows import (
    any_data,
    by_cell,
    cell_at,
    find,
    header_text,
    holding,
    read_index_at,
    record_of,
    row_hit,
    same_except,
    same_or_either,
    still_wrong,
    vanished_rows,
)
from sheets.backends.google.work import (
    Resolved,
    Target,
    Verdict,
    Work,
    Written,
    blind_repairs,
    by_tab,
    columns_needed,
    deletions_by_tab,
    locate_text,
    repairs_in,
    rewrite,
    set_right,
    with_repairs,
    work_of,
)
from sheets.cells import is_blank, same_cell
from sheets.columns import ColumnRef, align, column_refs, place_of, position_of, ref_at, relayout, source_of
from sheets.errors import (
    ConflictError,
    DuplicateKey,
    GridChanged,
    RowsMoved,
    SheetError,
    StrayCell,
    WriteLandedWrong,
    WriteNotConfirmed,
)
from sheets.locate import index_keys, padded, raw_key, same_row
from sheets.plan import RowAppend, WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, require_columns
from sheets.schema import Tab

log = logging.getLogger(__name__)

#: Rounds of read-and-write before giving up on rows that keep moving.
WRITE_ROUNDS = 4

#: Rows above and below the expected place of appended rows that come back with the answer.
APPEND_WINDOW = 10


class Writer:
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
    ) -> None:
        self.rows = rows
        self.read = read
        self.send = send
        self.sheet_id = sheet_id
        self.full = full if full is not None else set(rows)  # tabs read whole (the others: their headers)
        self.tails = tails if tails is not None else {}  # tab -> rows up to its last one with data, last seen
        self.stray: list[StrayCell] = []
        self.owed: list[Target] = []

    # the loop --------------------------------------------------------------

    def land(self, plan: WritePlan) -> None:
        self.baseline = dict(self.rows)  # the sheet as this session read it, to put rows back
        self.sent: dict[str, list[Any]] = {}  # tab -> values written anywhere in it
        # Every repair found, even one an intended write made moot: owed if that write is taken back.
        self.owed: list[Target] = []
        self.own_rows = {(a.tab.name, a.key): a for a in plan.appends}  # rows this write adds
        failure, left = self._rounds(work_of(plan))
        if failure is None:
            if self.stray:
                raise WriteLandedWrong(
                    "The change was saved, but a person's edit moved part of it.", self.stray
                )
            return
        taken_back = self._take_back(plan, self.owed)
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

    def _take_back(self, plan: WritePlan, repairs: list[Target]) -> bool:
        """Undo what of `plan` landed and finish putting back cells; False (strays named) if that failed too."""
        undo = self._undo_of(plan, repairs)
        failure, left = self._rounds(undo) if undo else (None, Work())
        if failure is None:
            self._restore_deleted(plan)
            forget_ids = self._forget_ids_of(plan)
            failure, left = self._rounds(forget_ids) if forget_ids else (None, Work())
        if failure is None:
            return True
        self.stray += self._strays_of(left)
        return False

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
        rows, laid = [], []
        for append in appends:
            cells = [""] * width
            for name, value in append.cells.items():
                if name in header.index:
                    cells[header.index[name]] = value
            laid.append((append, cells))
            rows.append({"values": [cell_data(value) for value in cells]})
        resolved.appended[tab_name] = laid
        return {
            "appendCells": {"sheetId": self.sheet_id(tab_name), "rows": rows, "fields": "userEnteredValue"}
        }

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

    # checking --------------------------------------------------------------

    def _verify(self, resolved: Resolved, answer: dict) -> Verdict:
        rows = answer_rows(answer)
        verdict = Verdict()
        for header in resolved.headers.values():
            view = self._view(header.tab, rows)
            self._verify_cells(resolved, view, verdict)
            self._verify_appends(resolved, view, verdict)
        verdict.moved |= self._put_back_wrong_deletions(resolved, rows, verdict.repairs)
        return verdict

    def _view(self, tab: Tab, rows: Rows) -> View:
        """The tab as the answer shows it; a fresh read when its header is not among the rows sent back."""
        view = answer_view(tab, rows)
        if view is not None:
            return view
        log.warning("the header of %s moved while saving; reading it again to check the write", tab.name)
        fresh = self.read([tab.name]).get(tab.name) or []
        view = view_of(tab, fresh)
        if view is None:
            raise RowsMoved(f"The header row of {tab.name} was removed while saving; check the tab.")
        return view

    def _verify_cells(self, resolved: Resolved, view: View, verdict: Verdict) -> None:
        name = view.header.tab.name
        for written in resolved.written:
            if written.target.tab.name != name:
                continue
            row = view.row(resolved.after_deletes(name, written.index))
            if self._landed_right(resolved, written, row, view):
                continue
            verdict.moved.add(name)
            moved_here = self._own_row_moved(resolved, written, row, view)
            if moved_here:
                verdict.repairs += moved_here
                continue
            repair = self._repair_of(resolved, written, row, view)
            owed = self._still_owed(resolved, written, row, view)
            if owed:
                # The repair just sent changed its own row: it is found from now on as the answer shows it.
                repair = self._merged(repair, owed, row, view, set(written.positions))
                verdict.superseded.append(written.target)
            if repair is not None:
                verdict.repairs.append(repair)

    def _landed_right(self, resolved: Resolved, written: Written, row: list[Any], view: View) -> bool:
        target = written.target
        if any(view.ref_at(position) != ref for position, ref in written.positions.items()):
            return False
        expected = target.key_after or (target.locate[1] if target.locate[0] == "key" else None)
        if expected is not None and raw_key(view.header, row) != expected:
            return False
        if target.whole_row and self._row_hit_by(resolved, written, view) not in (None, written.index):
            return False  # rows came or went above it: the ID it wrote says nothing
        if target.locate[0] == "row":
            # The row hit is the one meant when every cell the write left alone is as it was read.
            as_read = relayout(target.locate[1], target.layout or view.refs, view.refs)
            return same_except(row, as_read, resolved.touched(view.header.tab.name, written.index))
        return True

    def _repair_of(self, resolved: Resolved, written: Written, row: list[Any], view: View) -> Target | None:
        """A target putting back what `written` overwrote in `row`, or None; cells it cannot tell are strays."""
        name = view.header.tab.name
        moved = align(resolved.refs[name], view.refs)
        touched = set(written.positions)
        hit = self._row_hit_by(resolved, written, view) if written.target.whole_row else None
        elsewhere = hit is not None and hit != written.index  # rows came or went above a row rewritten
        if written.target.whole_row and not elsewhere and self._hit_its_row(resolved, written, row, view):
            return self._rewritten(written.target, row, view)  # its own row, columns moved under it
        own = None if elsewhere else self._own_row(view, row, touched)
        if own is not None:
            return own  # a row this write adds: no earlier value to put back, it is set right whole
        if hit is not None and elsewhere:
            reads = resolved.reads[name]  # the row hit is the one that stood at `hit`
            sources, by_key = [list(reads[hit]) if hit < len(reads) else []], True
        else:
            sources, by_key = self._rows_as_read(
                resolved, row, resolved.touched(name, written.index), view, moved
            )
        if (
            sources is not None
            and not by_key
            and self._held_something(sources, touched, moved, len(resolved.refs[name]))
        ):
            sources = self._vanished(resolved, view, sources) or None  # none gone: a row added meanwhile
        cells: dict[ColumnRef, Any] = {}
        for position in sorted(touched):
            source = source_of(moved, position, len(resolved.refs[name]))
            values = [""] if source is None or sources is None else [cell_at(r, source) for r in sources]
            left = cell_at(row, position)
            if not values or any(not same_cell(v, values[0]) for v in values):
                self.stray.append(
                    StrayCell(name, record_of(view, row, touched), header_text(view, position), left, None)
                )
                continue
            if not same_cell(left, values[0]):
                cells[view.ref_at(position)] = values[0]
        if not cells:
            return None
        key = None if set(view.header.key_indexes) & touched else raw_key(view.header, row)
        locate = ("key", key) if key is not None else ("row", tuple(row))
        return Target(view.header.tab, locate, cells, {}, repair=True, layout=tuple(view.refs))

    def _still_owed(
        self, resolved: Resolved, written: Written, row: list[Any], view: View
    ) -> dict[ColumnRef, Any]:
        """The cells a repair found by its row's content still owes, when it landed astray in that row.

        Such a repair can no longer find its row by the content it knew: the row now
        holds what it misplaced. Empty when the row hit was another (rows moved): the
        repair's own row is then as it was, and it finds it again.
        """
        target = written.target
        if not target.repair or target.whole_row or target.locate[0] != "row":
            return {}
        if not self._hit_its_row(resolved, written, row, view):
            return {}
        owed = {}
        for ref, value in target.cells.items():
            position = place_of(view.refs, ref, target.layout)
            if position is not None and not same_cell(cell_at(row, position), value):
                owed[view.ref_at(position)] = value
        return owed

    def _own_row_moved(
        self, resolved: Resolved, written: Written, row: list[Any], view: View
    ) -> list[Target]:
        """A new row of this write rewritten, whole and right, into a row that was blank or also this write's.

        Rows came or went above it, so the rewrite struck another row; when that row
        held nothing of anybody else's, the new row simply stands there now. What is
        left at its old place, all of it this write's, is cleared (found by its
        content: if another rewrite of this batch struck it, there is nothing to clear).
        """
        target, name = written.target, view.header.tab.name
        append = self.own_rows.get((name, target.key_after)) if target.whole_row else None
        hit = self._row_hit_by(resolved, written, view) if append is not None else None
        if append is None or hit is None or hit == written.index:
            return []
        reads = resolved.reads[name]
        struck = list(reads[hit]) if hit < len(reads) else []
        if any_data(struck) and self._own_row(view, struck, set()) is None:
            return []  # somebody's row: put back as any row hit
        here = rewrite(append, row, view)
        if self._cells_at(here, view.refs, row):
            return []  # not right where it stands either: rewritten as usual
        left = relayout(self.rows[name][written.index], resolved.refs[name], view.refs)
        clear = {view.ref_at(p): "" for p, value in enumerate(left) if not is_blank(value)}
        targets = [here]
        if clear:
            targets.append(
                Target(view.header.tab, ("row", tuple(left)), clear, {}, repair=True, layout=tuple(view.refs))
            )
        return targets

    def _row_hit_by(self, resolved: Resolved, written: Written, view: View) -> int | None:
        """The row of the read a rewrite of a whole row hit, told by its neighbours' keys sent back."""
        name = view.header.tab.name
        sent = self._sent_back(resolved.headers[name], name, view.answer or {})
        if sent is None:
            return None
        header_after, after = sent
        at = resolved.after_deletes(name, written.index)
        return read_index_at(resolved.headers[name], self.rows[name], header_after, after, at)

    def _hit_its_row(self, resolved: Resolved, written: Written, row: list[Any], view: View) -> bool:
        """Whether the row a write hit is the row it was laid out on: alike in every cell it left alone."""
        name = view.header.tab.name
        as_read = relayout(self.rows[name][written.index], resolved.refs[name], view.refs)
        return same_except(row, as_read, resolved.touched(name, written.index))

    @staticmethod
    def _rewritten(target: Target, row: list[Any], view: View) -> Target:
        """`target` (a whole row) again, its row found as `row` and its cells under the header `view` shows."""
        cells = {}
        for ref, value in target.cells.items():
            position = place_of(view.refs, ref, target.layout)
            if position is not None:
                cells[view.ref_at(position)] = value
        return Target(
            target.tab,
            ("row", tuple(row)),
            cells,
            {},
            repair=True,
            layout=tuple(view.refs),
            whole_row=True,
            key_after=target.key_after,
        )

    @staticmethod
    def _merged(
        repair: Target | None, owed: dict[ColumnRef, Any], row: list[Any], view: View, touched: set[int]
    ) -> Target:
        """One repair of `row` as the answer shows it: what this batch overwrote, and what is still owed."""
        cells = dict(repair.cells) if repair is not None else {}
        cells.update(owed)  # what a repair meant to put back wins over what its misplaced write overwrote
        broken = touched | {position_of(view.refs, ref) for ref in cells}
        key = None if set(view.header.key_indexes) & broken else raw_key(view.header, row)
        locate = ("key", key) if key is not None else ("row", tuple(row))
        return Target(view.header.tab, locate, cells, {}, repair=True, layout=tuple(view.refs))

    @staticmethod
    def _held_something(
        sources: list[list[Any]], touched: set[int], moved: list[int | None], width: int
    ) -> bool:
        """Whether a row the hit row may have been (it has no ID) held anything in the cells overwritten.

        If none did, clearing them is right whichever row it was (a blank row, or
        one a person inserted in the instant). If one did, it is put back only when
        that row is gone from the tab; otherwise the row hit was one added meanwhile.
        """
        return any(
            not is_blank(cell_at(candidate, source_of(moved, position, width)))
            for candidate in sources
            for position in touched
        )

    def _vanished(self, resolved: Resolved, view: View, candidates: list[list[Any]]) -> list[list[Any]]:
        """Of rows alike but for the cells overwritten, the ones no longer in the tab: the row hit.

        Rare (rows moved and the row has no ID): the tab is read once more and compared
        row for row with the read the write was laid out on. None gone means the row
        hit was not in that read: a row added in the instant.
        """
        name = view.header.tab.name
        if name not in resolved.after:
            resolved.after[name] = self.read([name]).get(name) or []
        after = resolved.after[name]
        header_after = find_header(view.header.tab, after)
        if header_after is None:
            return candidates
        refs_after = column_refs(header_after, after[header_after.row_index])
        left = [tuple(padded(row, len(refs_after))) for row in after[header_after.row_index + 1 :]]
        gone = []
        for candidate in candidates:
            now = relayout(candidate, resolved.refs[name], refs_after)
            match = next((i for i, row in enumerate(left) if same_row(row, now)), None)
            if match is None:
                gone.append(candidate)
            else:
                del left[match]  # alike rows are counted off one by one
        # A blank row never shows as gone for sure (the tab's blank rows are all alike, and trailing
        # ones are not sent): a row with data gone is the one hit.
        return [row for row in gone if any_data(row)] or gone

    def _own_row(self, view: View, row: list[Any], touched: set[int]) -> Target | None:
        """A target setting right, cell by cell, a row this write appended, when `row` is one.

        It is one when it holds that row's new ID in a cell this batch did not just
        write (wherever columns moved the ID to); an ID only in cells just written
        was written into another row by mistake.
        """
        for (tab_name, key), append in self.own_rows.items():
            if tab_name != view.header.tab.name:
                continue
            if any(same_cell(cell_at(row, p), key[0]) for p in range(len(row)) if p not in touched):
                return rewrite(append, row, view)
        return None

    def _rows_as_read(
        self, resolved: Resolved, row: list[Any], touched: set[int], view: View, moved: list[int | None]
    ) -> tuple[list[list[Any]] | None, bool]:
        """The rows of the read `row` may have been before this write, and whether its key said so.

        None when it was in no row of the read: a row a person added in the instant,
        whose cells before the write nobody can know (Google sends back no earlier
        values); the write's cells in it are cleared.
        """
        name = view.header.tab.name
        reads, header = resolved.reads[name], resolved.headers[name]
        key = None if set(view.header.key_indexes) & touched else raw_key(view.header, row)
        if key is not None:
            # The key as read, even one an earlier round of this write misplaced (the row is then that one).
            found_at = index_keys(header, self.rows[name]).get(key) or index_keys(header, reads).get(key, [])
            found = [reads[i] for i in found_at]
            if not found:
                log.warning("a write landed on a row of %s added while saving; its cells are cleared", name)
            return found or None, True
        width = max(len(row), len(view.refs))
        before_width = len(resolved.refs[name])

        def alike(candidate: list[Any]) -> bool:
            return all(
                same_cell(cell_at(row, p), cell_at(candidate, source_of(moved, p, before_width)))
                for p in range(width)
                if p not in touched
            )

        # The cells left alone are compared with the read as it was (a repair of an earlier round may
        # not have landed in them), the cells overwritten get what a repair restores (they held that).
        first = header.row_index + 1
        raw = self.rows[name]
        candidates = [reads[i] for i in range(first, len(reads)) if i < len(raw) and alike(raw[i])]
        if not candidates and reads is not raw:
            candidates = [candidate for candidate in reads[first:] if alike(candidate)]
        return candidates or None, False

    def _verify_appends(self, resolved: Resolved, view: View, verdict: Verdict) -> None:
        name = view.header.tab.name
        laid = resolved.appended.get(name) or []
        if not laid:
            return
        first, last = resolved.windows[name]
        if last is None:
            indexes = [index for title, index in (view.answer or {}) if title == name and index >= first]
            last = max(indexes, default=first) + 1
        key_at = resolved.headers[name].key_indexes[0]  # where each laid row carries its new ID
        window = by_cell(((index, view.row(index)) for index in range(first, last)), key_at)
        if not all(find(window, cells, key_at) for _, cells in laid):
            log.warning("rows were added to %s while saving; reading it to find the new rows", name)
            window = by_cell(enumerate(self.read([name]).get(name) or []), key_at)
        for append, cells in laid:
            found = find(window, cells, key_at)
            if not found:
                verdict.moved.add(name)  # gone already (a person deleted it): judged again on a fresh read
                continue
            self.tails[name] = max(self.tails.get(name, 0), found[-1] + 1)
            verdict.landed.add((name, append.key))
            laid_under = resolved.refs[name]  # the header the row was laid out under
            right = all(
                view.ref_at(position) == ref_at(laid_under, position)
                for position, value in enumerate(cells)
                if not is_blank(value)
            )
            if right:
                continue
            verdict.moved.add(name)
            verdict.repairs.append(rewrite(append, cells, view))

    def _put_back_wrong_deletions(self, resolved: Resolved, answer: Rows, repairs: list[Target]) -> set[str]:
        """Tabs where a deletion removed a row not meant; those rows are inserted again where they were.

        The deletion was right when its key is gone and every other key read
        before is still there. Otherwise the rows that vanished are known from
        the fresh read (by key, or by content for rows without one) and put back.
        A row a person deleted in the same instant stays deleted when the rows
        around the deletion, as sent back with it, tell which row it removed; when
        they cannot (rows sorted meanwhile) it comes back too: a row shown again is
        better than a row lost.
        """
        wrong: set[str] = set()
        for tab_name, deletions in deletions_by_tab(resolved.deleted).items():
            header = resolved.headers[tab_name]
            before = resolved.reads[tab_name]
            keys_after = self._keys_after(header, tab_name, answer)
            meant = {delete.key for delete, _ in deletions}
            if (
                keys_after is not None
                and all(key not in keys_after for key in meant)
                and all(key in keys_after or key in meant for key in index_keys(header, before))
            ):
                continue
            wrong.add(tab_name)
            # Rare: read the whole tab once more to tell which rows went, rows without a key included.
            after = self.read([tab_name]).get(tab_name) or []
            header_after = find_header(header.tab, after)
            if header_after is None:
                log.error("the header of %s vanished while deleting; check the tab", tab_name)
                continue
            vanished = vanished_rows(header, before, header_after, after, meant)
            if len(deletions) == 1:
                # A person may have deleted rows at the same moment: the row hit sat where the deletion was.
                # Where rows stood is judged on the key column sent back with the deletion, in the same instant.
                sent = self._sent_back(header, tab_name, answer)
                if sent is not None:
                    vanished = row_hit(header, before, *sent, vanished, deletions[0][1], meant)
            # A blank row gone is no loss (and a blank row typed into looks gone): only rows with data come back.
            vanished = [row for row in vanished if any_data(row)]
            refs_before = column_refs(header, before[header.row_index])
            refs_after = column_refs(header_after, after[header_after.row_index])
            vanished = [relayout(row, refs_before, refs_after) for row in vanished]
            positions = sorted(index for _, index in deletions)
            log.warning(
                "a deletion in %s hit a row that had moved; putting %d row(s) back", tab_name, len(vanished)
            )
            repairs += self._insert_rows(header_after, refs_after, positions, vanished)
        return wrong

    @staticmethod
    def _sent_back(header: Header, tab_name: str, answer: Rows) -> tuple[Header, list[list[Any]]] | None:
        """The tab's header and key columns as sent back, or None when the key column moved out of them."""
        head = [answer.get((tab_name, index), []) for index in range(HEADER_SEARCH_ROWS)]
        now = find_header(header.tab, head)
        if now is None or now.key_indexes != header.key_indexes or now.row_index != header.row_index:
            return None
        indexes = [index for title, index in answer if title == tab_name]
        rows = [answer.get((tab_name, index), []) for index in range(max(indexes, default=-1) + 1)]
        while len(rows) > now.row_index + 1 and not any_data(rows[-1]):
            rows.pop()  # blank rows of the header's range end no tab
        return now, rows

    def _keys_after(self, header: Header, tab_name: str, answer: Rows) -> dict | None:
        """Every key of the tab as sent back, or None when the key column moved out of what was sent."""
        sent = self._sent_back(header, tab_name, answer)
        return index_keys(*sent) if sent is not None else None

    def _insert_rows(
        self, header: Header, refs: list[ColumnRef], positions: list[int], rows: list[list[Any]]
    ) -> list[Target]:
        """Insert `rows`, laid out under `header` (its columns `refs`), again near `positions` in one batch.

        An insertion overwrites nobody, but the person may have moved columns since
        `header` was read: the answer brings the header back, and each row put back
        under a header that changed gets a target setting it right cell by cell.
        """
        if not rows:
            return []
        tab_name = header.tab.name
        sheet_id = self.sheet_id(tab_name)
        requests: list[dict] = []
        for number, row in enumerate(rows):
            at = positions[number] if number < len(positions) else positions[-1]
            requests.append(
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "startIndex": at,
                            "endIndex": at + 1,
                        },
                        "inheritFromBefore": False,
                    }
                }
            )
            requests.append(update_row(sheet_id, at, row))
        first, last = min(positions), max(positions) + len(rows)
        ranges = [
            f"{quote_tab(tab_name)}!1:{HEADER_SEARCH_ROWS}",
            f"{quote_tab(tab_name)}!{first + 1}:{last}",
        ]
        try:
            answer = answer_rows(self.send(requests, ranges))
        except AmbiguousWrite:
            log.error("could not confirm putting back %d row(s) of %s; check the tab", len(rows), tab_name)
            return []
        view = answer_view(header.tab, answer)
        if view is None or view.refs == refs:
            return []
        log.warning("columns of %s moved while rows were put back; setting them right", tab_name)
        return set_right(header, refs, rows, view, range(first, last))

    # what is left ---    # what is left ----------------------------------------------------------

    def _still_to_do(self, work: Work, landed: set[tuple[str, tuple[str, ...]]]) -> Work:
        """What of `work` has not landed yet, judged on a fresh read."""
        remaining = Work()
        copies, settled = self._own_copies(work)
        remaining.targets += copies
        work = Work(
            [t for t in work.targets if not (t.whole_row and (t.tab.name, t.key_after) in settled)],
            work.appends,
            work.deletes,
        )
        for append in work.appends:
            if (append.tab.name, append.key) not in landed and not self._has_key(append.tab, append.key):
                remaining.appends.append(append)
        # IDs a repair in this work puts back: an own row lacking its ID gets it back, not appended twice.
        restoring = {
            (t.tab.name, str(value))
            for t in work.targets
            if t.repair
            for ref, value in t.cells.items()
            if ref in t.tab.key
        }
        for target in work.targets:
            pending = self._pending(target)
            if pending is True and self._gone_with_its_row(target, restoring):
                log.info("a row of %s holding cells to put back was deleted meanwhile", target.tab.name)
                continue
            if pending is True:
                remaining.targets.append(target)
            elif isinstance(pending, RowAppend):
                if (pending.tab.name, pending.key[0]) in restoring:
                    remaining.targets.append(target)
                else:
                    remaining.appends.append(pending)
        for delete in work.deletes:
            if self._has_key(delete.tab, delete.key):
                remaining.deletes.append(delete)
        return remaining

    def _own_copies(self, work: Work) -> tuple[list[Target], set[tuple[str, tuple[str, ...]]]]:
        """Clearing targets for copies of this write's new rows, and the rows thereby settled.

        A rewrite that struck a blank row after rows were sorted lands whole and right
        there, while the row it meant to set right still holds the new ID elsewhere.
        When exactly one row holding the ID is right, that row is the record; any other
        row holding it and nothing but this write's values is a copy, cleared. A row a
        repair is about to put back (a rewrite struck it) is neither.
        """
        clears: list[Target] = []
        settled: set[tuple[str, tuple[str, ...]]] = set()
        rewriting = {(t.tab.name, t.key_after) for t in work.targets if t.whole_row}
        for tab_name, key in rewriting & set(self.own_rows):
            append = self.own_rows[(tab_name, key)]
            rows = self.rows.get(tab_name) or []
            header = find_header(append.tab, rows)
            if header is None:
                continue
            refs = self._refs(append.tab, header)
            keys = index_keys(header, rows)
            being_put_back = {
                self._locate(t, header, keys, refs)
                for t in work.targets
                if t.repair and not t.whole_row and t.tab.name == tab_name
            }
            holders = [i for i in holding(rows, header.row_index + 1, key[0]) if i not in being_put_back]
            right = [i for i in holders if self._stands_right(append, header, rows[i])]
            if len(holders) < 2 or len(right) != 1:
                continue
            settled.add((tab_name, key))
            ours = [str(value) for value in append.cells.values() if not is_blank(value)]
            for index in holders:
                row = list(rows[index])
                filled = [p for p, value in enumerate(row) if not is_blank(value)]
                if index in right or not all(str(row[p]) in ours for p in filled):
                    continue
                log.warning("a copy of a new row of %s stands at row %d; clearing it", tab_name, index + 1)
                cells = {ref_at(refs, p): "" for p in filled}
                clears.append(
                    Target(append.tab, ("row", tuple(row)), cells, {}, repair=True, layout=tuple(refs))
                )
        return clears, settled

    @staticmethod
    def _stands_right(append: RowAppend, header: Header, row: Sequence[Any]) -> bool:
        """Whether `row` holds the appended row exactly: each value under its header, nothing else."""
        wanted = {header.index[name]: value for name, value in append.cells.items() if name in header.index}
        width = max(len(row), max(wanted, default=-1) + 1)
        return all(same_cell(cell_at(row, p), wanted.get(p, "")) for p in range(width))

    def _gone_with_its_row(self, target: Target, restoring: set[tuple[str, str]]) -> bool:
        """Whether a repair's row, found by its key, is gone: the misplaced cells went with it.

        A key hidden by another misplaced cell that a repair in the same work restores
        is not gone: that repair lands first.
        """
        if not target.repair or target.locate[0] != "key" or self._has_key(target.tab, target.locate[1]):
            return False
        return not any((target.tab.name, str(part)) in restoring for part in target.locate[1])

    def _has_key(self, tab: Tab, key: tuple[str, ...]) -> bool:
        header = find_header(tab, self.rows.get(tab.name) or [])
        return header is not None and key in index_keys(header, self.rows.get(tab.name) or [])

    def _pending(self, target: Target) -> bool | RowAppend:
        """Whether `target` still has cells to write (or, for an own row gone, the append to make again)."""
        header = find_header(target.tab, self.rows.get(target.tab.name) or [])
        wanted = columns_needed(target)
        if header is None or any(name not in header.index for name in wanted):
            return not target.repair  # a column gone: the next round says so and takes back what landed
        refs = self._refs(target.tab, header)
        index = self._locate(target, header, index_keys(header, self.rows.get(target.tab.name) or []), refs)
        if target.locate[0] == "key" and index is not None and self.owed:
            repaired = index_keys(header, self._as_if_repaired(target.tab, header, refs))
            if index not in repaired.get(target.locate[1], []):
                return True  # the key found stands in a cell this write misplaced: the record waits
        if index is None:
            rows = self.rows.get(target.tab.name) or []
            if (
                target.whole_row
                and target.key_after
                and not holding(rows, header.row_index + 1, target.key_after[0])
            ):
                cells = {ref: value for ref, value in target.cells.items() if isinstance(ref, str)}
                return RowAppend(target.tab, target.key_after, cells)  # the person removed it: again
            return target.locate[0] == "key"  # a key gone is reported by _resolve; a changed row waits
        row = padded(self.rows[target.tab.name][index], len(refs))
        if target.whole_row:
            return bool(self._cells_at(target, refs, row))
        pending = False
        for ref, value in target.cells.items():
            position = place_of(refs, ref, target.layout)
            if position is None:
                continue  # a column gone since: nothing of it left to put back
            current = row[position] if position < len(row) else ""
            if same_cell(current, value):
                continue
            # A value this write put anywhere in the tab is its own (a misplaced cell being put back).
            mine = any(same_cell(current, sent) for sent in self.sent.get(target.tab.name, []))
            if not target.repair and not mine and not same_cell(current, target.before.get(ref)):
                key = "/".join(target.locate[1]) if target.locate[0] == "key" else f"row {index + 1}"
                raise ConflictError(target.tab.name, key, [(ref, target.before.get(ref), current)])
            pending = True
        return pending

    def _strays_of(self, left: Work) -> list[StrayCell]:
        """The cells of repairs that never landed, as they stand in the sheet now."""
        strays = []
        for target in left.targets:
            if not target.repair:
                continue
            header = find_header(target.tab, self.rows.get(target.tab.name) or [])
            if header is None:
                continue
            refs = self._refs(target.tab, header)
            index = self._locate(
                target, header, index_keys(header, self.rows.get(target.tab.name) or []), refs
            )
            row = self.rows[target.tab.name][index] if index is not None else []
            view = View(header, refs, rows=self.rows[target.tab.name])
            for ref, was in target.cells.items():
                position = place_of(refs, ref, target.layout)
                if position is None:
                    continue  # the column is gone, and what the write left in it with it
                left_value = cell_at(row, position)
                if index is not None and same_cell(left_value, was):
                    continue
                record = record_of(view, list(row), set()) if index is not None else locate_text(target)
                column = header_text(view, position)
                strays.append(StrayCell(target.tab.name, record, column, left_value, was))
        return strays

    # undo ------------------------------------------------------------------

    def _undo_of(self, plan: WritePlan, repairs: list[Target]) -> Work:
        """Targets that take back every cell of `plan` found in the sheet now, and finish `repairs`."""
        self.rows.update(self.read(sorted(plan.tabs | {r.tab.name for r in repairs})))
        undo = Work()
        for update in plan.updates:
            landed = self._landed_cells(update.tab, update.key, update.cells)
            if landed:
                cells = {name: update.before.get(name, "") for name in landed}
                undo.targets.append(Target(update.tab, ("key", update.key), cells, {}, repair=True))
        cleared = set()
        for append in plan.appends:
            if self._has_key(append.tab, append.key):
                blank = {name: "" for name in append.cells if name not in append.tab.key}
                undo.targets.append(Target(append.tab, ("key", append.key), blank, {}, repair=True))
                cleared.add((append.tab.name, ("key", append.key)))
        for repair in repairs:
            if repair.whole_row and (repair.tab.name, repair.key_after) in self.own_rows:
                # The app's own new row, its columns astray: cleared but for its ID, forgotten last.
                keep = dict(zip(repair.tab.key, repair.key_after or (), strict=False))
                undo.targets.append(
                    Target(
                        repair.tab,
                        repair.locate,
                        keep,
                        {},
                        repair=True,
                        layout=repair.layout,
                        whole_row=True,
                        key_after=repair.key_after,
                    )
                )
            elif (repair.tab.name, repair.locate) not in cleared:
                undo.targets.append(repair)
        return undo

    def _restore_deleted(self, plan: WritePlan) -> None:
        """Insert again, as first read, the rows of `plan` deleted before the rest failed."""
        if not plan.deletes:
            return
        self.rows.update(self.read(sorted({delete.tab.name for delete in plan.deletes})))
        for delete in plan.deletes:
            if self._has_key(delete.tab, delete.key):
                continue
            baseline = self.baseline.get(delete.tab.name) or []
            header = find_header(delete.tab, baseline)
            now = find_header(delete.tab, self.rows.get(delete.tab.name) or [])
            found = index_keys(header, baseline).get(delete.key, []) if header else []
            if found and now is not None:
                refs_now = self._refs(delete.tab, now)
                row = relayout(baseline[found[0]], column_refs(header, baseline[header.row_index]), refs_now)
                set_right = self._insert_rows(now, refs_now, found[:1], [row])
                failure, left = self._rounds(Work(set_right)) if set_right else (None, Work())
                if failure is not None:
                    self.stray += self._strays_of(left)

    def _forget_ids_of(self, plan: WritePlan) -> Work:
        """Clear the ID of appended rows whose other cells were cleared: the last step of an undo.

        The row is found by its whole content (the ID and blanks), so a write
        that lands elsewhere can only hit another blank row, which it leaves blank.
        """
        self.rows.update(self.read(sorted(plan.tabs)))
        work = Work()
        for append in plan.appends:
            header = self.header(append.tab, append.tab.key)
            found = index_keys(header, self.rows.get(append.tab.name) or []).get(append.key, [])
            if len(found) == 1:
                row = tuple(self.rows[append.tab.name][found[0]])
                key_column = append.tab.key[0]
                work.targets.append(
                    Target(
                        append.tab,
                        ("row", row),
                        {key_column: ""},
                        {key_column: append.key[0]},
                        layout=tuple(self._refs(append.tab, header)),
                    )
                )
        return work

    def _landed_cells(self, tab: Tab, key: tuple[str, ...], cells: dict[str, Any]) -> list[str]:
        """The columns of `cells` that hold their new value in the record now."""
        header = find_header(tab, self.rows.get(tab.name) or [])
        if header is None:
            return []
        found = index_keys(header, self.rows.get(tab.name) or []).get(key, [])
        if len(found) != 1:
            return []
        row = padded(self.rows[tab.name][found[0]], header.width)
        return [
            name
            for name, value in cells.items()
            if name in header.index and same_cell(row[header.index[name]], value)
        ]
