"""Checking a batch by Google's answer: which written cells stand under the header and row meant."""

from __future__ import annotations

import logging
from typing import Any

from sheets.backends.google.answer import Rows, View, answer_rows, answer_view, view_of
from sheets.backends.google.rows import by_cell, find, same_except
from sheets.backends.google.work import Resolved, Verdict, Written, rewrite
from sheets.cells import is_blank
from sheets.columns import ref_at, relayout
from sheets.errors import RowsMoved
from sheets.locate import raw_key
from sheets.schema import Tab

log = logging.getLogger(__name__)


class Checking:
    """Judges a batch on its answer: a Verdict of what landed wrong and what puts it right.

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the rows read, what was sent, what is owed).
    """

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
            self._suspect(view.header.tab, raw_key(resolved.headers[name], self.rows[name][written.index]))
            self._suspect(view.header.tab, raw_key(view.header, row))
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
            self.landed_at[(name, append.key)] = (found[-1], cells)
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
