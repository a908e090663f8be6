"""What of a write is still to land, judged on a fresh read, and the cells that cannot be put back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sheets.backends.google.answer import View
from sheets.backends.google.rows import cell_at, header_text, holding, record_of
from sheets.backends.google.work import Target, Work, columns_needed, locate_text
from sheets.cells import is_blank, same_cell
from sheets.columns import place_of, ref_at
from sheets.errors import ConflictError, StrayCell
from sheets.locate import index_keys, padded
from sheets.plan import RowAppend
from sheets.reading import Header, find_header
from sheets.schema import Tab

log = logging.getLogger(__name__)


class Remaining:
    """Judges on a fresh read what is left to write, and which misplaced cells stay (strays).

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the rows read, what was sent, what is owed).
    """

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
