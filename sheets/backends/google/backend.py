"""The workbook on Google Sheets, through gspread.

Request budget (rule 7): one values:batchGet reads any number of tabs; one
spreadsheets:batchUpdate applies a whole write plan atomically (Google applies
all of its requests or none). A write session reads the tabs it works on
fresh, plus the header rows of all the others, in that one read.

Rows are found by key in that fresh read, and the batchUpdate asks Google to
send back the rows it wrote. If the key in a written row is not the one
expected (a person sorted, inserted or deleted rows in the moment between
the read and the write), the cells are put back as they were, the sheet is
read again and the plan is resolved anew; after a few such rounds the user
is told rather than anything being written to the wrong record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gspread
from gspread.exceptions import APIError

from sheets.backends.base import Backend, InitReport, Session
from sheets.backends.google.cells import cell_data, grid_rows, quote_tab, row_range
from sheets.backends.google.connect import explain
from sheets.backends.google.http import AmbiguousWrite, GoogleFailure
from sheets.backends.google.init import plan_init
from sheets.cells import same_cell
from sheets.errors import (
    ConflictError,
    DuplicateKey,
    RowsMoved,
    SheetError,
    SheetUnavailable,
    TabProblem,
    WriteNotConfirmed,
)
from sheets.locate import index_keys, padded, raw_key, same_row
from sheets.plan import IdAssignment, RowAppend, RowUpdate, WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, read_table
from sheets.schema import Tab
from sheets.table import Key, Record, Table

log = logging.getLogger(__name__)

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
#: Rounds of read-and-write when a write was ambiguous or rows moved under it.
WRITE_ROUNDS = 3


class GoogleBackend(Backend):
    kind = "google"

    def __init__(self, spreadsheet: gspread.Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self._sheets: dict[str, dict[str, Any]] = {}
        self._write_lock = threading.Lock()
        self.refresh_metadata()

    # metadata --------------------------------------------------------------

    def refresh_metadata(self) -> None:
        metadata = self._call(lambda: self.spreadsheet.fetch_sheet_metadata(), "read the spreadsheet")
        self._sheets = {
            sheet["properties"]["title"]: sheet["properties"] for sheet in metadata.get("sheets", [])
        }

    def sheet_id(self, tab_name: str) -> int:
        if tab_name not in self._sheets:
            self.refresh_metadata()
        try:
            return self._sheets[tab_name]["sheetId"]
        except KeyError:
            raise TabProblem(f"The spreadsheet has no tab {tab_name}; run `python app.py init`.") from None

    def tab_names(self) -> list[str]:
        return list(self._sheets)

    # reading ---------------------------------------------------------------

    def fetch(
        self, full: Sequence[str], header_only: Sequence[str] = ()
    ) -> dict[str, list[list[Any]] | None]:
        """Raw rows of tabs in one values:batchGet; None for a tab that does not exist."""
        wanted = [name for name in full if name in self._sheets]
        heads = [name for name in header_only if name in self._sheets and name not in wanted]
        ranges = [quote_tab(name) for name in wanted]
        ranges += [f"{quote_tab(name)}!1:{HEADER_SEARCH_ROWS}" for name in heads]
        result: dict[str, list[list[Any]] | None] = dict.fromkeys((*full, *header_only))
        if not ranges:
            return result
        try:
            answer = self._call(
                lambda: self.spreadsheet.values_batch_get(ranges, params=READ_PARAMS),
                "read",
            )
        except SheetError as error:
            if "Unable to parse range" not in str(error):
                raise
            # A tab was renamed or deleted since the metadata was read.
            self.refresh_metadata()
            return self.fetch(full, header_only)
        for name, value_range in zip([*wanted, *heads], answer.get("valueRanges", []), strict=True):
            result[name] = value_range.get("values", [])
        return result

    def read_tables(self, tabs: Sequence[Tab]) -> dict[str, Table]:
        rows = self.fetch([tab.name for tab in tabs])
        return {tab.name: read_table(tab, rows[tab.name] or []) for tab in tabs}

    def raw_rows(self, tab_name: str) -> list[list[Any]]:
        return self.fetch([tab_name])[tab_name] or []

    # writing ---------------------------------------------------------------

    @contextmanager
    def session(self, tabs: Sequence[Tab]) -> Iterator[Session]:
        with self._write_lock:
            yield GoogleSession(self, [tab.name for tab in tabs])

    def batch_update(self, requests: list[dict], response_ranges: Sequence[str] = ()) -> dict:
        body: dict[str, Any] = {"requests": requests}
        if response_ranges:
            body.update(
                includeSpreadsheetInResponse=True,
                responseRanges=list(response_ranges),
                responseIncludeGridData=True,
            )
        return self._call(lambda: self.spreadsheet.batch_update(body), "save", ambiguous_ok=True)

    def _call(self, action, what: str, ambiguous_ok: bool = False):
        try:
            return action()
        except AmbiguousWrite:
            if ambiguous_ok:
                raise
            raise SheetUnavailable(
                f"Google Sheets did not answer; could not {what}. Try again in a minute."
            ) from None
        except GoogleFailure as error:
            raise SheetUnavailable(
                f"{error} after {error.attempts} tries; could not {what}. Nothing was changed: try again in a minute."
            ) from None
        except APIError as error:
            if error.response.status_code in (401, 403, 404):
                raise explain(error, "the service account", self.spreadsheet.id) from None
            raise SheetError(
                f"Google Sheets refused to {what}: {error.error.get('message', error)}"
            ) from None

    # init ------------------------------------------------------------------

    def ensure_tabs(self, tabs: Sequence[Tab]) -> InitReport:
        self.refresh_metadata()
        heads = self.fetch([], [tab.name for tab in tabs])
        requests, report = plan_init(tabs, self._sheets, heads)
        if requests:
            self.batch_update(requests)
            self.refresh_metadata()
        return report


@dataclass
class _Resolved:
    """A plan turned into cell positions against one read of the sheet."""

    requests: list[dict] = field(default_factory=list)
    response_ranges: list[str] = field(default_factory=list)
    # (tab, row index) -> (("key", key parts) or ("row", cells as read), {column index: value written})
    written_rows: dict[tuple[str, int], tuple[Any, dict[int, Any]]] = field(default_factory=dict)
    headers: dict[str, Header] = field(default_factory=dict)


class GoogleSession(Session):
    def __init__(self, backend: GoogleBackend, full_tabs: list[str]) -> None:
        self.backend = backend
        self.full = set(full_tabs)
        self.rows = backend.fetch(full_tabs, header_only=list(backend.tab_names()))
        self._tables: dict[str, Table] = {}

    # reading ---------------------------------------------------------------

    def _ensure_full(self, names: Sequence[str]) -> None:
        missing = [name for name in names if name not in self.full]
        if missing:
            log.debug("reading %s in an extra request: declare it in the transaction", missing)
            self.rows.update(self.backend.fetch(missing))
            self.full.update(missing)
            for name in missing:
                self._tables.pop(name, None)

    def header(self, tab: Tab) -> Header | None:
        return find_header(tab, self.rows.get(tab.name) or [])

    def table(self, tab: Tab) -> Table:
        self._ensure_full([tab.name])
        if tab.name not in self._tables:
            self._tables[tab.name] = read_table(tab, self.rows.get(tab.name) or [])
        return self._tables[tab.name]

    def find(self, tab: Tab, key: Key) -> Record | None:
        table = self.table(tab)
        record = table.get(key)
        if record is None:
            parts = (key,) if isinstance(key, str) else tuple(key)
            for issue in table.issues:
                if issue.row is not None and self._key_at(tab, issue.row - 1) == parts:
                    raise SheetError(f"{issue} — fix the row in the sheet first.")
        return record

    def _key_at(self, tab: Tab, row_index: int) -> tuple[str, ...] | None:
        header, rows = self.header(tab), self.rows.get(tab.name) or []
        if header is None or not header.complete_key or row_index >= len(rows):
            return None
        return raw_key(header, rows[row_index])

    def rows_without_id(self, tab: Tab) -> list[tuple[int, tuple[Any, ...]]]:
        if tab.name not in self.full:
            return []  # only rows this session has read are given IDs (no extra request)
        rows = self.rows.get(tab.name) or []
        return [(row, tuple(rows[row - 1])) for row in self.table(tab).rows_without_id]

    # committing ------------------------------------------------------------

    def commit(self, plan: WritePlan) -> None:
        failure: SheetError | None = None
        for _round in range(WRITE_ROUNDS):
            resolved = self._resolve(plan)
            if not resolved.requests:
                return
            try:
                answer = self.backend.batch_update(resolved.requests, resolved.response_ranges)
            except AmbiguousWrite as error:
                log.warning(
                    "save to Google Sheets unconfirmed (%s); checking what landed",
                    error,
                )
                failure = WriteNotConfirmed(
                    f"{error}, and saving could not be confirmed after {WRITE_ROUNDS} tries; "
                    "reload to see whether the change is there."
                )
            else:
                moved = self._verify(resolved, answer)
                if not moved:
                    return
                log.warning(
                    "rows moved in %s while saving; putting them back and retrying",
                    sorted(moved),
                )
                self._repair(resolved, answer, moved)
                failure = RowsMoved(
                    f"Rows in {', '.join(sorted(moved))} kept moving while saving; nothing was changed. Try again."
                )
            self._reread(plan)
            plan = self._still_to_do(plan)
        if plan:
            raise failure or SheetError("saving failed")

    def _reread(self, plan: WritePlan) -> None:
        names = sorted(plan.tabs | self.full)
        self.rows.update(self.backend.fetch(names, header_only=list(self.backend.tab_names())))
        self.full.update(names)
        self._tables.clear()

    def _header_for(self, tab: Tab, columns: Sequence[str]) -> Header:
        header = self.header(tab)
        if header is None:
            raise TabProblem(f"The {tab.name} tab is missing or has no header row; run `python app.py init`.")
        missing = [name for name in columns if name not in header.index]
        if missing:
            raise TabProblem(
                f"The {tab.name} tab has no column {', '.join(missing)}; run `python app.py init`."
            )
        return header

    def _resolve(self, plan: WritePlan) -> _Resolved:
        resolved = _Resolved()
        keys: dict[str, dict[tuple[str, ...], list[int]]] = {}
        for update in plan.updates:
            header = self._header_for(update.tab, [*update.tab.key, *update.cells])
            if update.tab.name not in keys:
                self._ensure_full([update.tab.name])
                keys[update.tab.name] = index_keys(header, self.rows[update.tab.name] or [])
            found = keys[update.tab.name].get(update.key, [])
            if not found:
                raise SheetError(
                    f"{update.tab.name} no longer has {'/'.join(update.key)}; nothing was saved."
                )
            if len(found) > 1:
                raise DuplicateKey(
                    update.tab.name,
                    "/".join(update.key),
                    [index + 1 for index in found],
                )
            cells = {header.index[name]: value for name, value in update.cells.items()}
            self._write_row(resolved, update.tab, header, found[0], ("key", update.key), cells)
        for assignment in plan.id_assignments:
            self._resolve_id(resolved, assignment)
        for tab_name, appends in _by_tab(plan.appends).items():
            tab = appends[0].tab
            header = self._header_for(tab, tab.key)
            width = max(header.width, max(header.index.values()) + 1)
            rows = []
            for append in appends:
                cells = [{}] * width
                for name, value in append.cells.items():
                    if name in header.index:
                        cells[header.index[name]] = cell_data(value)
                rows.append({"values": cells})
            resolved.requests.append(
                {
                    "appendCells": {
                        "sheetId": self.backend.sheet_id(tab_name),
                        "rows": rows,
                        "fields": "userEnteredValue",
                    }
                }
            )
        return resolved

    def _resolve_id(self, resolved: _Resolved, assignment: IdAssignment) -> None:
        header = self._header_for(assignment.tab, assignment.tab.key)
        rows = self.rows.get(assignment.tab.name) or []
        index = assignment.row - 1
        if index >= len(rows) or not same_row(rows[index], assignment.fingerprint):
            matches = [i for i, row in enumerate(rows) if same_row(row, assignment.fingerprint)]
            if len(matches) != 1:
                return  # the row changed or went away; it gets an ID on a later write
            index = matches[0]
        if raw_key(header, rows[index]) is not None:
            return  # someone gave it an ID meanwhile
        cells = {header.key_indexes[0]: assignment.new_id}
        self._write_row(resolved, assignment.tab, header, index, ("row", tuple(rows[index])), cells)

    def _write_row(
        self,
        resolved,
        tab: Tab,
        header: Header,
        index: int,
        expected,
        cells: dict[int, Any],
    ) -> None:
        sheet_id = self.backend.sheet_id(tab.name)
        for column, value in sorted(cells.items()):
            resolved.requests.append(
                {
                    "updateCells": {
                        "range": {
                            "sheetId": sheet_id,
                            "startRowIndex": index,
                            "endRowIndex": index + 1,
                            "startColumnIndex": column,
                            "endColumnIndex": column + 1,
                        },
                        "rows": [{"values": [cell_data(value)]}],
                        "fields": "userEnteredValue",
                    }
                }
            )
        resolved.written_rows[(tab.name, index)] = (expected, cells)
        resolved.headers[tab.name] = header
        resolved.response_ranges.append(row_range(tab.name, index))
        header_range = row_range(tab.name, header.row_index)
        if header_range not in resolved.response_ranges:
            resolved.response_ranges.insert(0, header_range)

    def _answer_rows(self, resolved: _Resolved, answer: dict) -> dict[tuple[str, int], list[Any]]:
        """(tab, row index) -> cells, from the updatedSpreadsheet Google sent back."""
        found: dict[tuple[str, int], list[Any]] = {}
        for sheet in (answer.get("updatedSpreadsheet") or {}).get("sheets", []):
            title = sheet["properties"]["title"]
            for grid in sheet.get("data", []):
                start = grid.get("startRow", 0)
                for offset, cells in enumerate(grid_rows(grid)):
                    found[(title, start + offset)] = cells
        return found

    def _verify(self, resolved: _Resolved, answer: dict) -> set[str]:
        """Tabs where a written row or the header is not what the plan was resolved against."""
        rows = self._answer_rows(resolved, answer)
        moved = set()
        for name, header in resolved.headers.items():
            before = self.rows[name][header.row_index]
            if not same_row(rows.get((name, header.row_index), []), before):
                moved.add(name)
        for (name, index), ((kind, expected), cells) in resolved.written_rows.items():
            now = rows.get((name, index), [])
            if kind == "key" and raw_key(resolved.headers[name], now) != expected:
                moved.add(name)
            if kind == "row" and not _same_except(now, expected, set(cells)):
                moved.add(name)
        return moved

    def _repair(self, resolved: _Resolved, answer: dict, moved: set[str]) -> None:
        """Put back what the write changed in rows that were not the ones meant."""
        rows = self._answer_rows(resolved, answer)
        fixes = []
        for (name, index), (_expected, cells) in resolved.written_rows.items():
            if name not in moved:
                continue
            original = self._original_of(name, rows.get((name, index), []), set(cells))
            if original is None:
                log.error(
                    "could not restore row %d of %s after rows moved; check it by hand",
                    index + 1,
                    name,
                )
                continue
            sheet_id = self.backend.sheet_id(name)
            for column in cells:
                value = original[column] if column < len(original) else ""
                fixes.append(
                    {
                        "updateCells": {
                            "range": {
                                "sheetId": sheet_id,
                                "startRowIndex": index,
                                "endRowIndex": index + 1,
                                "startColumnIndex": column,
                                "endColumnIndex": column + 1,
                            },
                            "rows": [{"values": [cell_data(value)]}],
                            "fields": "userEnteredValue",
                        }
                    }
                )
        if fixes:
            self.backend.batch_update(fixes)

    def _original_of(self, name: str, now: list[Any], written: set[int]) -> list[Any] | None:
        """The row as the session read it, found by its unwritten cells."""
        candidates = [row for row in self.rows.get(name) or [] if _same_except(now, row, written)]
        return candidates[0] if len(candidates) == 1 else None

    def _still_to_do(self, plan: WritePlan) -> WritePlan:
        """What of `plan` has not landed yet, judged on a fresh read."""
        remaining = WritePlan(id_assignments=list(plan.id_assignments))
        for append in plan.appends:
            if not self._has_key(append.tab, append.key):
                remaining.appends.append(append)
        for update in plan.updates:
            if self._update_pending(update):
                remaining.updates.append(update)
        return remaining

    def _has_key(self, tab: Tab, key: tuple[str, ...]) -> bool:
        header = self.header(tab)
        return header is not None and key in index_keys(header, self.rows.get(tab.name) or [])

    def _update_pending(self, update: RowUpdate) -> bool:
        header = self._header_for(update.tab, [*update.tab.key, *update.cells])
        found = index_keys(header, self.rows[update.tab.name] or []).get(update.key, [])
        if len(found) != 1:
            return True  # _resolve reports the missing or doubled key
        row = padded(self.rows[update.tab.name][found[0]], header.width)
        pending = False
        for name, target in update.cells.items():
            current = row[header.index[name]] if header.index[name] < len(row) else ""
            if same_cell(current, target):
                continue
            if not same_cell(current, update.before.get(name)):
                raise ConflictError(
                    update.tab.name,
                    "/".join(update.key),
                    [(name, update.before.get(name), current)],
                )
            pending = True
        return pending


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
