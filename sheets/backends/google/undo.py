"""Taking back what landed of a write that could not land whole."""

from __future__ import annotations

import logging
from typing import Any

from sheets.backends.google.work import Target, Work, whole_row
from sheets.cells import same_cell
from sheets.columns import column_refs, relayout
from sheets.locate import index_keys, padded
from sheets.plan import WritePlan
from sheets.reading import find_header
from sheets.schema import Tab

log = logging.getLogger(__name__)


class Undo:
    """Takes back a write that failed: its updates set back, its rows cleared, rows it deleted put back.

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the rows read, what was sent, what is owed).
    """

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
                    whole_row(repair.tab, repair.locate[1], keep, repair.layout or (), repair.key_after)
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
