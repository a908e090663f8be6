"""Checking a deletion: Google cannot make one conditional, so the key column comes back with it."""

from __future__ import annotations

import logging
from typing import Any

from sheets.backends.google.answer import Rows, answer_rows, answer_view
from sheets.backends.google.batch import update_row
from sheets.backends.google.cells import quote_tab
from sheets.backends.google.http import AmbiguousWrite
from sheets.backends.google.rows import any_data, row_hit, vanished_rows
from sheets.backends.google.work import Resolved, Target, deletions_by_tab, set_right
from sheets.columns import ColumnRef, column_refs, relayout
from sheets.locate import index_keys
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header

log = logging.getLogger(__name__)


class Deletions:
    """Tells whether a deletion removed the row meant, and puts back rows it removed by mistake.

    One concern of the Writer (writer.py), which mixes it in: it works on the
    Writer's state (the rows read, what was sent, what is owed).
    """

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
