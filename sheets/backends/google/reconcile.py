"""The last check of a write that had to put cells back: every row it struck, against where it began.

Repairs are worked out round by round from Google's answers, and a person may keep
moving rows and columns between the rounds. So once a write that needed repairs is
done (or taken back), one fresh read compares each record it struck, by key and by
header, with the read the write began from plus the change it meant (or without the
change, when it was taken back). A cell that differs and holds a value this write sent
anywhere, or that it blanked, is set to what it should hold; a value a person typed
stays as they typed it.
"""

from __future__ import annotations

import logging
from typing import Any

from sheets.backends.google.rows import cell_at
from sheets.backends.google.work import Target, Work
from sheets.cells import is_blank, same_cell
from sheets.columns import column_refs, ref_at, relayout
from sheets.locate import index_keys, padded, raw_key, same_row
from sheets.plan import WritePlan
from sheets.reading import Header, find_header
from sheets.schema import Tab

log = logging.getLogger(__name__)


class Reconcile:
    """Sets right, on a fresh read, the records a write struck while rows or columns moved.

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the read it began from, what it sent, the records it struck).
    """

    def _suspect(self, tab: Tab, key: tuple[str, ...] | None) -> None:
        """Remember a record this write struck, or set right, for the last check."""
        keys = self.struck.setdefault(tab.name, (tab, set()))[1]
        if key is not None:
            keys.add(key)

    def _settle(self, plan: WritePlan, taken_back: bool) -> None:
        """Set right what the rounds left of this write in the records it struck; strays if that fails."""
        work = self._reconcile_work(plan, taken_back)
        if not work:
            return
        log.warning("cells of %s still astray after saving; setting them right", sorted(work.tabs))
        failure, left = self._rounds(work)
        if failure is not None:
            self.stray += self._strays_of(left)

    def _reconcile_work(self, plan: WritePlan, taken_back: bool) -> Work:
        tabs = sorted(name for name in self.struck if name in self.full)
        if not tabs:
            return Work()
        self.rows.update(self.read(tabs))
        work = Work()
        for name in tabs:
            tab, keys = self.struck[name]
            work.targets += self._set_right(tab, keys, plan, taken_back)
            work.targets += self._stray_rows(tab)
        return work

    def _then_and_now(self, tab: Tab) -> tuple[tuple, tuple] | None:
        """The tab as this write first read it and as read now: (rows, header, column refs) each."""
        sides = []
        for rows in (self.baseline.get(tab.name) or [], self.rows.get(tab.name) or []):
            header = find_header(tab, rows)
            if header is None:
                return None
            sides.append((rows, header, column_refs(header, rows[header.row_index])))
        return sides[0], sides[1]

    def _stray_rows(self, tab: Tab) -> list[Target]:
        """Clearing targets for rows that hold nothing but values this write sent, and no key of their own.

        Such a row is one this write struck when it held nothing (a blank row) and
        whose repair struck elsewhere; it may hold a record's ID, then twice in the
        tab. A row of the read it began from, however alike, is somebody's and stays.
        """
        both = self._then_and_now(tab)
        if both is None:
            return []
        (base, header_before, refs_before), (now, header_now, refs_now) = both
        known = [
            relayout(row, refs_before, refs_now)
            for row in base[header_before.row_index + 1 :]
            if raw_key(header_before, row) is None and any(not is_blank(cell) for cell in row)
        ]
        found = index_keys(header_now, now)
        targets = []
        for index in range(header_now.row_index + 1, len(now)):
            row, key = now[index], raw_key(header_now, now[index])
            if key is not None and len(found.get(key, [])) < 2:
                continue  # a record's one row: set right by its key
            if not self._only_sent(tab, row) or (key is not None and self._the_copy_kept(tab, key, index)):
                continue
            filled = [p for p, cell in enumerate(row) if not is_blank(cell)]
            alike = next((i for i, other in enumerate(known) if same_row(other, row)), None)
            if alike is not None:
                del known[alike]  # a row as it was before this write: not this write's
                continue
            cells = {ref_at(refs_now, p): "" for p in filled}
            targets.append(Target(tab, ("row", tuple(row)), cells, {}, repair=True, layout=tuple(refs_now)))
        return targets

    def _the_copy_kept(self, tab: Tab, key: tuple[str, ...], index: int) -> bool:
        """Whether the row at `index`, one of several holding `key`, is the one that stays.

        The record's new row standing right stays; failing that, when every one of
        them holds nothing but this write's values, the first does.
        """
        rows = self.rows.get(tab.name) or []
        header = find_header(tab, rows)
        indexes = index_keys(header, rows).get(key, []) if header is not None else []
        append = self.own_rows.get((tab.name, key))
        if append is not None and header is not None:
            right = [i for i in indexes if self._stands_right(append, header, rows[i])]
            if right:
                return index == right[0]
        ours = [i for i in indexes if self._only_sent(tab, rows[i])]
        return len(ours) == len(indexes) and index == ours[0]

    def _set_right(
        self, tab: Tab, keys: set[tuple[str, ...]], plan: WritePlan, taken_back: bool
    ) -> list[Target]:
        both = self._then_and_now(tab)
        if both is None:
            return []
        (base, header_before, refs_before), (now, header_now, refs_now) = both
        expected = self._expected(tab, header_before, base, plan, taken_back)
        found = index_keys(header_now, now)
        sent = self.sent.get(tab.name, [])
        targets = []
        for key in sorted(keys):
            if key not in expected or len(found.get(key, [])) != 1:
                continue  # not a record this write knows, or not one row to tell
            laid = expected[key]
            wanted = relayout(laid, refs_before, refs_now) if laid is not None else None
            if wanted is None:
                continue
            for name, value in self._meant(tab, key, plan, taken_back).items():
                if name in header_now.index:
                    wanted = padded(wanted, header_now.index[name] + 1)
                    wanted[header_now.index[name]] = value
            row = padded(now[found[key][0]], len(refs_now))
            cells = {}
            for position in range(max(len(row), len(wanted))):
                current, should = cell_at(row, position), cell_at(wanted, position)
                if same_cell(current, should):
                    continue
                if is_blank(current) or any(same_cell(current, value) for value in sent):
                    cells[ref_at(refs_now, position)] = should
            if cells:
                targets.append(Target(tab, ("key", key), cells, {}, repair=True, layout=tuple(refs_now)))
        return targets

    def _expected(
        self,
        tab: Tab,
        header: Header,
        base: list[list[Any]],
        plan: WritePlan,
        taken_back: bool,
    ) -> dict[tuple[str, ...], list[Any] | None]:
        """Each record's row as read (laid out as read), before the change; None for one the change adds."""
        rows: dict[tuple[str, ...], list[Any] | None] = {}
        for row in base[header.row_index + 1 :]:
            key = raw_key(header, row)
            if key is not None:
                rows[key] = list(row)
        if not taken_back:
            for delete in plan.deletes:
                if delete.tab.name == tab.name:
                    rows.pop(delete.key, None)
            for append in plan.appends:
                if append.tab.name == tab.name:
                    rows[append.key] = [""] * len(base[header.row_index])
        return rows

    @staticmethod
    def _meant(tab: Tab, key: tuple[str, ...], plan: WritePlan, taken_back: bool) -> dict[str, Any]:
        """The values the change gives a record, by column name (none when it was taken back)."""
        if taken_back:
            return {}
        meant: dict[str, Any] = {}
        for update in plan.updates:
            if update.tab.name == tab.name and update.key == key:
                meant.update(update.cells)
        for append in plan.appends:
            if append.tab.name == tab.name and append.key == key:
                meant.update(append.cells)
        return meant
