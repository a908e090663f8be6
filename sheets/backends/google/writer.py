"""Landing a write plan on Google Sheets: on the right rows, exactly once, or not at all.

Google has no conditional write, so every round goes: resolve the plan's
keys to row positions in a fresh read, send one atomic batchUpdate that also
asks for the written rows back, and check them.

- A row whose key is not the expected one was moved by a person in the
  instant between the read and the write (a sort, rows inserted above). The
  cells written there are put back — by key, so the repair is checked the same
  way — and the plan is resolved again on a fresh read.
- An ambiguous failure (5xx or a timeout on a write) is judged on a fresh
  read: an append whose ID is there, or an update whose cells already hold
  their new values, is done and not sent twice.
- If rows keep moving for every round, what did land is undone (updates set
  back, appended rows cleared) and the user is told; a half-applied change is
  never left behind knowingly.
- A row is deleted with a deleteDimension at the position its key had in the
  fresh read, last in the batch so the other requests' positions still hold.
  Google cannot make a delete conditional, so the whole tab comes back with
  the answer: if the key is still there, or another record vanished, the row
  removed was not the one meant and it is inserted again where it was, from
  the fresh read, before trying again. Nobody's row is lost to a sort.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets.backends.google.cells import cell_data, column_range, grid_rows, row_range
from sheets.backends.google.http import AmbiguousWrite
from sheets.cells import same_cell
from sheets.errors import ConflictError, DuplicateKey, RowsMoved, SheetError, WriteNotConfirmed
from sheets.locate import index_keys, padded, raw_key, same_row
from sheets.plan import RowAppend, RowDelete, WritePlan
from sheets.reading import Header, find_header, require_columns
from sheets.schema import Tab

log = logging.getLogger(__name__)

#: Rounds of read-and-write before giving up on rows that keep moving.
WRITE_ROUNDS = 4


@dataclass
class Target:
    """Cells to set in one row, the row found by its key or, lacking one, by its content."""

    tab: Tab
    locate: tuple[str, tuple[Any, ...]]  # ("key", key parts) or ("row", cells of the row)
    cells: dict[str, Any]  # column name -> new raw value
    before: dict[str, Any]  # column name -> raw value expected before the write
    repair: bool = False  # puts back cells written by mistake: no conflict check


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
        Target(a.tab, ("row", a.fingerprint), {a.tab.key[0]: a.new_id}, {a.tab.key[0]: ""})
        for a in plan.id_assignments
    ]
    return Work(targets, list(plan.appends), list(plan.deletes))


@dataclass
class Resolved:
    requests: list[dict] = field(default_factory=list)
    response_ranges: list[str] = field(default_factory=list)
    written: dict[tuple[str, int], tuple[Target, dict[int, Any]]] = field(default_factory=dict)
    headers: dict[str, Header] = field(default_factory=dict)
    deleted: list[tuple[RowDelete, int]] = field(default_factory=list)  # (delete, row index as read)

    def after_deletes(self, tab_name: str, index: int) -> int:
        """Where the row at `index` (as read) is once this batch's deletions above it are done."""
        return index - sum(1 for d, i in self.deleted if d.tab.name == tab_name and i < index)


class Writer:
    """Lands `Work` through `send` (one batchUpdate) against rows from `read` (one batchGet)."""

    def __init__(
        self,
        rows: dict[str, list[list[Any]] | None],
        read: Callable[[Sequence[str]], dict[str, list[list[Any]] | None]],
        send: Callable[[list[dict], list[str]], dict],
        sheet_id: Callable[[str], int],
    ) -> None:
        self.rows = rows
        self.read = read
        self.send = send
        self.sheet_id = sheet_id

    # the loop --------------------------------------------------------------

    def land(self, plan: WritePlan) -> None:
        self.baseline = dict(self.rows)  # the sheet as this session read it, to put cells back
        self.sent: dict[tuple[str, str], list[Any]] = {}  # (tab, column) -> values written anywhere
        self.appended = {(a.tab.name, a.key): a.cells for a in plan.appends}
        failure, left = self._rounds(work_of(plan))
        if failure is None:
            return
        if not self._take_back(plan, [target for target in left.targets if target.repair]):
            log.error("could not undo a partly saved change to %s", sorted(plan.tabs))
            raise RowsMoved(f"{failure} Part of it may have landed: check {', '.join(sorted(plan.tabs))}.")
        raise failure

    def _take_back(self, plan: WritePlan, repairs: list[Target]) -> bool:
        """Undo what of `plan` landed and finish putting back cells; False if that failed too."""
        undo = self._undo_of(plan, repairs)
        if undo and self._rounds(undo)[0] is not None:
            return False
        self._restore_deleted(plan)
        forget_ids = self._forget_ids_of(plan)
        return not forget_ids or self._rounds(forget_ids)[0] is None

    def _rounds(self, work: Work) -> tuple[SheetError | None, Work]:
        """Write `work` until it has all landed; the last failure and what is left if it has not."""
        failure: SheetError | None = None
        for round_number in range(WRITE_ROUNDS):
            try:
                resolved = self._resolve(work)
            except SheetError as error:
                if round_number == 0:
                    raise  # nothing was sent yet
                return error, work  # a row deleted while saving: what landed is taken back
            if not resolved.requests:
                return None, work
            try:
                answer = self.send(resolved.requests, resolved.response_ranges)
            except AmbiguousWrite as error:
                log.warning("save to Google Sheets unconfirmed (%s); checking what landed", error)
                failure = WriteNotConfirmed(
                    f"{error}, and the save could not be confirmed after {WRITE_ROUNDS} tries; "
                    "nothing was changed: try again in a minute."
                )
                repairs = []
            else:
                misplaced = self._misplaced(resolved, answer)
                wrongly_deleted = self._put_back_wrong_deletions(resolved, answer)
                if not misplaced and not wrongly_deleted:
                    return None, Work()
                moved = sorted({t for t, _ in misplaced} | wrongly_deleted)
                log.warning("rows moved in %s while saving; putting them back", moved)
                repairs = self._repairs(resolved, answer, misplaced)
                failure = RowsMoved(
                    f"Rows in {', '.join(moved)} kept moving while saving "
                    "(is someone sorting the sheet?); nothing was changed. Try again."
                )
            self.rows.update(self.read(sorted(work.tabs)))
            work = self._still_to_do(_with_repairs(work, repairs))
        return (failure if work else None), work

    # resolving -------------------------------------------------------------

    def header(self, tab: Tab, columns: Sequence[str]) -> Header:
        return require_columns(tab, find_header(tab, self.rows.get(tab.name) or []), columns)

    def _locate(self, target: Target, header: Header, keys: dict) -> int | None:
        kind, identity = target.locate
        rows = self.rows.get(target.tab.name) or []
        if kind == "key":
            found = keys.get(identity, [])
            if len(found) > 1:
                raise DuplicateKey(target.tab.name, "/".join(identity), [index + 1 for index in found])
            return found[0] if found else None
        matches = [i for i in range(header.row_index + 1, len(rows)) if same_row(rows[i], identity)]
        return matches[0] if len(matches) == 1 else None

    def _resolve(self, work: Work) -> Resolved:
        resolved = Resolved()
        keys: dict[str, dict] = {}
        # Deletions are located first (positions of the other writes are checked after them)
        # and sent last, bottom row first, so every position in the batch is one as read.
        for delete in work.deletes:
            header = self.header(delete.tab, delete.tab.key)
            if delete.tab.name not in keys:
                keys[delete.tab.name] = index_keys(header, self.rows.get(delete.tab.name) or [])
            index = self._locate(
                Target(delete.tab, ("key", delete.key), {}, {}), header, keys[delete.tab.name]
            )
            if index is None:
                raise SheetError(
                    f"{delete.tab.name} no longer has {'/'.join(delete.key)}; nothing was saved."
                )
            resolved.deleted.append((delete, index))
            resolved.headers.setdefault(delete.tab.name, header)
        for target in work.targets:
            tab = target.tab
            header = self.header(tab, [*tab.key, *target.cells])
            if tab.name not in keys:
                keys[tab.name] = index_keys(header, self.rows.get(tab.name) or [])
            index = self._locate(target, header, keys[tab.name])
            if index is None:
                if target.locate[0] == "key":
                    raise SheetError(
                        f"{tab.name} no longer has {'/'.join(target.locate[1])}; nothing was saved."
                    )
                log.info("a row of %s changed before it got its ID; it gets one on a later write", tab.name)
                continue
            self._write_cells(resolved, target, header, index)
        for tab_name, appends in _by_tab(work.appends).items():
            resolved.requests.append(self._append_request(tab_name, appends))
        for delete, index in sorted(resolved.deleted, key=lambda item: -item[1]):
            resolved.requests.append(_delete_row(self.sheet_id(delete.tab.name), index))
        for tab_name in sorted({delete.tab.name for delete, _ in resolved.deleted}):
            # The key column(s) of the whole tab come back: enough to check which row went.
            positions = resolved.headers[tab_name].key_indexes
            resolved.response_ranges.append(column_range(tab_name, min(positions), max(positions)))
        return resolved

    def _write_cells(self, resolved: Resolved, target: Target, header: Header, index: int) -> None:
        sheet_id = self.sheet_id(target.tab.name)
        positions = {header.index[name]: value for name, value in target.cells.items()}
        for column, value in sorted(positions.items()):
            resolved.requests.append(_update_cell(sheet_id, index, column, value))
        for name, value in target.cells.items():
            self.sent.setdefault((target.tab.name, name), []).append(value)
        resolved.written[(target.tab.name, index)] = (target, positions)
        resolved.headers[target.tab.name] = header
        for row_index in (header.row_index, resolved.after_deletes(target.tab.name, index)):
            if row_range(target.tab.name, row_index) not in resolved.response_ranges:
                resolved.response_ranges.append(row_range(target.tab.name, row_index))

    def _append_request(self, tab_name: str, appends: list[RowAppend]) -> dict:
        tab = appends[0].tab
        header = self.header(tab, tab.key)
        width = max(header.width, max(header.index.values()) + 1)
        rows = []
        for append in appends:
            cells: list[dict] = [{}] * width
            for name, value in append.cells.items():
                if name in header.index:
                    cells[header.index[name]] = cell_data(value)
            rows.append({"values": cells})
        return {
            "appendCells": {"sheetId": self.sheet_id(tab_name), "rows": rows, "fields": "userEnteredValue"}
        }

    # checking --------------------------------------------------------------

    def _answer_rows(self, answer: dict) -> dict[tuple[str, int], list[Any]]:
        """(tab, row index) -> cells, from the updatedSpreadsheet Google sent back.

        Ranges may overlap (a written row and the key columns of its tab):
        their cells are merged at their columns, and agree, being one snapshot.
        """
        found: dict[tuple[str, int], list[Any]] = {}
        for sheet in (answer.get("updatedSpreadsheet") or {}).get("sheets", []):
            title = sheet["properties"]["title"]
            for grid in sheet.get("data", []):
                start_row, start_column = grid.get("startRow", 0), grid.get("startColumn", 0)
                for offset, cells in enumerate(grid_rows(grid)):
                    row = found.setdefault((title, start_row + offset), [])
                    if len(row) < start_column + len(cells):
                        row.extend([""] * (start_column + len(cells) - len(row)))
                    row[start_column : start_column + len(cells)] = cells
        return found

    def _misplaced(self, resolved: Resolved, answer: dict) -> list[tuple[str, int]]:
        """Written rows that were not the rows meant (or whose columns moved)."""
        rows = self._answer_rows(answer)
        moved_headers = {
            name
            for name, header in resolved.headers.items()
            if not same_row(rows.get((name, header.row_index), []), self.rows[name][header.row_index])
        }
        misplaced = []
        for (name, index), (target, positions) in resolved.written.items():
            now = rows.get((name, resolved.after_deletes(name, index)), [])
            kind, identity = target.locate
            if (
                name in moved_headers
                or kind == "key"
                and raw_key(resolved.headers[name], now) != identity
                or kind == "row"
                and not _same_except(now, identity, set(positions))
            ):
                misplaced.append((name, index))
        return misplaced

    def _repairs(self, resolved: Resolved, answer: dict, misplaced: list[tuple[str, int]]) -> list[Target]:
        """Targets that put back, as they were read, the cells written into rows not meant."""
        rows = self._answer_rows(answer)
        repairs = []
        for name, index in misplaced:
            target, positions = resolved.written[(name, index)]
            header = resolved.headers[name]
            now = rows.get((name, resolved.after_deletes(name, index)), [])
            parts = raw_key(header, now)
            original = self._baseline_row(name, header, parts, now, set(positions))
            if original is None:
                log.error(
                    "row %d of %s was written by mistake and cannot be put back; check it", index + 1, name
                )
                continue
            by_position = {position: column for column, position in header.index.items()}
            cells = {by_position[p]: original[p] if p < len(original) else "" for p in positions}
            locate = ("key", parts) if parts is not None else ("row", tuple(now))
            repairs.append(Target(target.tab, locate, cells, {}, repair=True))
        return repairs

    def _put_back_wrong_deletions(self, resolved: Resolved, answer: dict) -> set[str]:
        """Tabs where a deletion removed a row not meant; those rows are inserted again where they were.

        The deletion was right when its key is gone and every other key read
        before is still there. Otherwise the rows that vanished are known from
        the fresh read (by key, or by content for rows without one) and put back.
        A record a person deleted at the same moment may come back too: a row
        shown again is better than a row lost.
        """
        wrong: set[str] = set()
        for tab_name, deletions in _deletions_by_tab(resolved.deleted).items():
            header = resolved.headers[tab_name]
            before = self.rows.get(tab_name) or []
            keys_after = index_keys(header, self._answer_keys(answer, tab_name))
            meant = {delete.key for delete, _ in deletions}
            if all(key not in keys_after for key in meant) and all(
                key in keys_after or key in meant for key in index_keys(header, before)
            ):
                continue
            wrong.add(tab_name)
            # Rare: read the whole tab once more to tell which rows went, rows without a key included.
            after = self.read([tab_name]).get(tab_name) or []
            vanished = _vanished_rows(header, before, after, meant)
            positions = sorted(index for _, index in deletions)
            log.warning(
                "a deletion in %s hit a row that had moved; putting %d row(s) back", tab_name, len(vanished)
            )
            self._insert_rows(tab_name, positions, vanished)
        return wrong

    def _answer_keys(self, answer: dict, tab_name: str) -> list[list[Any]]:
        """The tab's rows as sent back (the key columns of every row, whole rows where written)."""
        rows = {
            index: cells for (title, index), cells in self._answer_rows(answer).items() if title == tab_name
        }
        return [rows.get(index, []) for index in range(max(rows, default=-1) + 1)]

    def _insert_rows(self, tab_name: str, positions: list[int], rows: list[list[Any]]) -> None:
        """Insert `rows` again near `positions` in one batch (an insertion overwrites nobody)."""
        if not rows:
            return
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
            requests.append(_update_row(sheet_id, at, row))
        try:
            self.send(requests, [])
        except AmbiguousWrite:
            log.error("could not confirm putting back %d row(s) of %s; check the tab", len(rows), tab_name)

    def _baseline_row(self, name: str, header: Header, parts, now: list[Any], written: set[int]):
        """The row as this session first read it: by its key, or by the cells the write left alone."""
        rows = self.baseline.get(name) or []
        if parts is not None and (name, parts) in self.appended:
            cells = self.appended[(name, parts)]  # a row this commit appended itself
            row = [""] * header.width
            for column, value in cells.items():
                row[header.index[column]] = value
            return row
        if parts is not None:
            found = index_keys(header, rows).get(parts, [])
            return rows[found[0]] if len(found) == 1 else None
        candidates = [row for row in rows[header.row_index + 1 :] if _same_except(now, row, written)]
        return candidates[0] if len(candidates) == 1 else None

    # what is left ----------------------------------------------------------

    def _still_to_do(self, work: Work) -> Work:
        """What of `work` has not landed yet, judged on a fresh read."""
        remaining = Work()
        for append in work.appends:
            if not self._has_key(append.tab, append.key):
                remaining.appends.append(append)
        for target in work.targets:
            if self._pending(target):
                remaining.targets.append(target)
        for delete in work.deletes:
            if self._has_key(delete.tab, delete.key):
                remaining.deletes.append(delete)
        return remaining

    def _has_key(self, tab: Tab, key: tuple[str, ...]) -> bool:
        header = find_header(tab, self.rows.get(tab.name) or [])
        return header is not None and key in index_keys(header, self.rows.get(tab.name) or [])

    def _pending(self, target: Target) -> bool:
        header = self.header(target.tab, [*target.tab.key, *target.cells])
        index = self._locate(target, header, index_keys(header, self.rows.get(target.tab.name) or []))
        if index is None:
            return target.locate[0] == "key"  # a key gone is reported by _resolve; a changed row waits
        row = padded(self.rows[target.tab.name][index], header.width)
        pending = False
        for name, value in target.cells.items():
            current = row[header.index[name]] if header.index[name] < len(row) else ""
            if same_cell(current, value):
                continue
            mine = any(same_cell(current, sent) for sent in self.sent.get((target.tab.name, name), []))
            if not target.repair and not mine and not same_cell(current, target.before.get(name)):
                key = "/".join(target.locate[1]) if target.locate[0] == "key" else f"row {index + 1}"
                raise ConflictError(target.tab.name, key, [(name, target.before.get(name), current)])
            pending = True
        return pending

    # undo ------------------------------------------------------------------

    def _undo_of(self, plan: WritePlan, repairs: list[Target]) -> Work:
        """Targets that take back every cell of `plan` found in the sheet now, and finish `repairs`."""
        self.rows.update(self.read(sorted(plan.tabs)))
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
        undo.targets += [r for r in repairs if (r.tab.name, r.locate) not in cleared]
        return undo

    def _restore_deleted(self, plan: WritePlan) -> None:
        """Insert again, as first read, the rows of `plan` deleted before the rest failed."""
        if not plan.deletes:
            return
        self.rows.update(self.read(sorted({delete.tab.name for delete in plan.deletes})))
        for delete in plan.deletes:
            if self._has_key(delete.tab, delete.key):
                continue
            header = self.header(delete.tab, delete.tab.key)
            found = index_keys(header, self.baseline.get(delete.tab.name) or []).get(delete.key, [])
            if found:
                self._insert_rows(
                    delete.tab.name, found[:1], [list(self.baseline[delete.tab.name][found[0]])]
                )

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
                    Target(append.tab, ("row", row), {key_column: ""}, {key_column: append.key[0]})
                )
        return work

    def _landed_cells(self, tab: Tab, key: tuple[str, ...], cells: dict[str, Any]) -> list[str]:
        """The columns of `cells` that hold their new value in the record now."""
        header = self.header(tab, list(cells))
        found = index_keys(header, self.rows.get(tab.name) or []).get(key, [])
        if len(found) != 1:
            return []
        row = padded(self.rows[tab.name][found[0]], header.width)
        return [name for name, value in cells.items() if same_cell(row[header.index[name]], value)]


def _with_repairs(work: Work, repairs: list[Target]) -> Work:
    """`work` plus repairs; an intended change to a cell wins over putting it back."""
    intended = {(t.tab.name, t.locate, name) for t in work.targets if not t.repair for name in t.cells}
    merged = Work(list(work.targets), list(work.appends), list(work.deletes))
    for repair in repairs:
        cells = {n: v for n, v in repair.cells.items() if (repair.tab.name, repair.locate, n) not in intended}
        if cells:
            merged.targets.append(Target(repair.tab, repair.locate, cells, {}, repair=True))
    return merged


def _update_cell(sheet_id: int, row: int, column: int, value: Any) -> dict:
    return {
        "updateCells": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": row,
                "endRowIndex": row + 1,
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            },
            "rows": [{"values": [cell_data(value)]}],
            "fields": "userEnteredValue",
        }
    }


def _delete_row(sheet_id: int, row: int) -> dict:
    return {
        "deleteDimension": {
            "range": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row, "endIndex": row + 1}
        }
    }


def _update_row(sheet_id: int, row: int, cells: Sequence[Any]) -> dict:
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": 0},
            "rows": [{"values": [cell_data(value) for value in cells]}],
            "fields": "userEnteredValue",
        }
    }


def _deletions_by_tab(deleted: Sequence[tuple[RowDelete, int]]) -> dict[str, list[tuple[RowDelete, int]]]:
    grouped: dict[str, list[tuple[RowDelete, int]]] = {}
    for delete, index in deleted:
        grouped.setdefault(delete.tab.name, []).append((delete, index))
    return grouped


def _vanished_rows(
    header: Header, before: Sequence[Sequence[Any]], after: Sequence[Sequence[Any]], meant: set
) -> list[list[Any]]:
    """Rows of `before` missing from `after` other than the ones meant to go: by key, else by content."""
    keys_after = index_keys(header, after)
    vanished = [
        list(before[index])
        for key, indexes in index_keys(header, before).items()
        if key not in meant and key not in keys_after
        for index in indexes
    ]
    unkeyed_after = [row for row in after[header.row_index + 1 :] if raw_key(header, row) is None]
    for row in before[header.row_index + 1 :]:
        if raw_key(header, row) is not None:
            continue
        match = next((i for i, other in enumerate(unkeyed_after) if same_row(row, other)), None)
        if match is None:
            vanished.append(list(row))
        else:
            del unkeyed_after[match]
    return vanished


def _same_except(a: Sequence[Any], b: Sequence[Any], skip: set[int]) -> bool:
    width = max(len(a), len(b))
    return all(
        same_cell(a[i] if i < len(a) else None, b[i] if i < len(b) else None)
        for i in range(width)
        if i not in skip
    )


def _by_tab(appends: Sequence[RowAppend]) -> dict[str, list[RowAppend]]:
    grouped: dict[str, list[RowAppend]] = {}
    for append in appends:
        grouped.setdefault(append.tab.name, []).append(append)
    return grouped
