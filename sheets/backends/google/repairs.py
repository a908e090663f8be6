"""What puts right a cell a batch wrote in the wrong place: the value it held, found through the read."""

from __future__ import annotations

import logging
from typing import Any

from sheets.backends.google.answer import View
from sheets.backends.google.rows import any_data, cell_at, header_text, read_index_at, record_of, same_except
from sheets.backends.google.targeted import UNREAD, is_unread
from sheets.backends.google.work import Resolved, Target, Written, rewrite, whole_row
from sheets.cells import is_blank, same_cell
from sheets.columns import ColumnRef, align, column_refs, place_of, position_of, relayout, source_of
from sheets.errors import StrayCell
from sheets.locate import index_keys, padded, raw_key, same_row
from sheets.reading import find_header

log = logging.getLogger(__name__)


class Repairs:
    """Works out, for a written row that landed wrong, the repair that puts back what it overwrote.

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the rows read, what was sent, what is owed).
    """

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
        sources = self._sources(resolved, written, row, view, hit if elsewhere else None)
        if self._unknowable(name, sources):
            # The row struck is one this session never read: what it held is not known, so it is named.
            for position in sorted(touched):
                self.stray.append(
                    StrayCell(
                        name,
                        record_of(view, row, touched),
                        header_text(view, position),
                        cell_at(row, position),
                        None,
                    )
                )
            return None
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

    def _unknowable(self, name: str, sources: list[list[Any]] | None) -> bool:
        """Whether the rows a struck row may have been include one not read (a tab read by its rows)."""
        if name not in self.sparse:
            return False
        return sources is None or any(is_unread(source) for source in sources)

    def _sources(
        self, resolved: Resolved, written: Written, row: list[Any], view: View, hit: int | None
    ) -> list[list[Any]] | None:
        """The rows of the read the row `written` struck may have been; None when it was in none.

        `hit`: the row of the read a rewrite struck, told by its neighbours' keys.
        """
        name = view.header.tab.name
        if hit is not None:
            reads = resolved.reads[name]
            if hit >= len(reads):
                return [UNREAD] if name in self.sparse else [[]]
            return [reads[hit] if is_unread(reads[hit]) else list(reads[hit])]
        moved = align(resolved.refs[name], view.refs)
        sources, by_key = self._rows_as_read(
            resolved, row, resolved.touched(name, written.index), view, moved
        )
        touched = set(written.positions)
        if (
            sources is not None
            and not by_key
            and self._held_something(sources, touched, moved, len(resolved.refs[name]))
        ):
            sources = self._vanished(resolved, view, sources) or None  # none gone: a row added meanwhile
        return sources

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
        if name in self.sparse and (hit >= len(reads) or is_unread(reads[hit])):
            return []  # a row never read: put back, or named, as any row hit
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
        return whole_row(target.tab, row, cells, view.refs, target.key_after)

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
