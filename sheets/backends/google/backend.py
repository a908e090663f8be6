"""The workbook on Google Sheets, through gspread.

Request budget (rule 7): one values:batchGet reads any number of tabs; one
spreadsheets:batchUpdate applies a whole write plan atomically (Google applies
all of its requests or none). A write session reads the tabs it works on
fresh, plus the header rows of all the others, in that one read.

Rows are found by key in that fresh read and the write is checked against
the rows Google sends back (sheets/backends/google/writer.py), so a sort or
an inserted row in between never leaves a value on the wrong record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import gspread
from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError

from sheets.backends.base import Backend, InitReport, RawAnswer, RawBlock, Session
from sheets.backends.google.cells import quote_tab
from sheets.backends.google.connect import explain
from sheets.backends.google.http import AmbiguousWrite, GoogleFailure
from sheets.backends.google.init import header_format_requests, plan_init
from sheets.backends.google.raw import extents, prepare_requests, raw_answer, reset_validation, write_body
from sheets.backends.google.writer import Writer
from sheets.errors import GridChanged, SetupError, SheetError, SheetUnavailable, TabProblem
from sheets.locate import raw_key
from sheets.plan import WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, read_table
from sheets.schema import Tab
from sheets.table import Key, Record, Table
from sheets.tabs import TABS_BY_NAME

log = logging.getLogger(__name__)

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}


def read_params() -> dict[str, str]:
    """A fresh copy of READ_PARAMS for one request: gspread writes the request's ranges into the dict it
    is given, so a shared one would let two threads reading at once send each other's ranges."""
    return dict(READ_PARAMS)


class GoogleBackend(Backend):
    kind = "google"

    def __init__(self, spreadsheet: gspread.Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self._sheets: dict[str, dict[str, Any]] = {}
        self._write_lock = threading.Lock()
        self.tails: dict[str, int] = {}  # tab -> rows up to its last one with data, as last seen
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
        self, full: Sequence[str], header_only: Sequence[str] = (), *, retried: bool = False
    ) -> dict[str, list[list[Any]] | None]:
        """Raw rows of tabs in one values:batchGet; None for a tab that does not exist.

        A header-only tab that is only ever appended to (Audit) also sends its first
        column while its length is unknown, so the write can look for its new rows
        where they land (`tails`) instead of reading the whole tab back.
        """
        wanted = [name for name in full if name in self._sheets]
        heads = [name for name in header_only if name in self._sheets and name not in wanted]
        lengths = [name for name in heads if name not in self.tails and _appended_only(name)]
        ranges = [quote_tab(name) for name in wanted]
        ranges += [f"{quote_tab(name)}!1:{HEADER_SEARCH_ROWS}" for name in heads]
        ranges += [f"{quote_tab(name)}!A:A" for name in lengths]
        result: dict[str, list[list[Any]] | None] = dict.fromkeys((*full, *header_only))
        if not ranges:
            return result
        try:
            answer = self._call(
                lambda: self.spreadsheet.values_batch_get(ranges, params=read_params()),
                "read",
            )
        except SheetError as error:
            if retried or "Unable to parse range" not in str(error):
                raise
            # A tab was renamed or deleted since the metadata was read.
            self.refresh_metadata()
            return self.fetch(full, header_only, retried=True)
        value_ranges = answer.get("valueRanges", [])
        for name, value_range in zip([*wanted, *heads], value_ranges, strict=False):
            result[name] = value_range.get("values", [])
        for name in wanted:
            self.tails[name] = len(result[name] or [])
        for name, value_range in zip(lengths, value_ranges[len(wanted) + len(heads) :], strict=True):
            self.tails[name] = len(value_range.get("values", []))
        return result

    def read_tables(self, tabs: Sequence[Tab]) -> dict[str, Table]:
        rows = self.fetch([tab.name for tab in tabs])
        return {tab.name: read_table(tab, rows[tab.name]) for tab in tabs}

    def read_for_writing(self, tabs: Sequence[Tab]) -> tuple[dict[str, Table], Seed]:
        """Tables for `tabs` and the header rows of every other tab, in one values:batchGet."""
        names = [tab.name for tab in tabs]
        rows = self.fetch(names, header_only=self.tab_names())
        return {tab.name: read_table(tab, rows[tab.name]) for tab in tabs}, Seed(rows, frozenset(names))

    def raw_rows(self, tab_name: str) -> list[list[Any]]:
        return self.fetch([tab_name])[tab_name] or []

    # raw bulk access (copying a workbook) ----------------------------------

    @property
    def location(self) -> str:
        return f"the Google spreadsheet {self.spreadsheet.id}"

    def read_raw(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        self.refresh_metadata()
        rows = self.fetch(list(tab_names))
        return {name: rows[name] or [] for name in tab_names}

    def prepare_raw(
        self,
        *,
        create: Sequence[str] = (),
        clear: Sequence[str] = (),
        sizes: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.refresh_metadata()
        requests = prepare_requests(self._sheets, create, clear, sizes or {})
        if requests:
            with self._write_lock:
                self._send_repeatable(lambda: self.spreadsheet.batch_update({"requests": requests}), "save")
            self.refresh_metadata()

    def write_raw(self, blocks: Sequence[RawBlock]) -> RawAnswer:
        if not any(block.rows for block in blocks):
            return {}
        try:
            return self._write_raw(blocks)
        except GridChanged:
            # A person deleted columns or rows since the grid was sized, and Google refused
            # the whole batch: size the grid again and send it once more.
            self.prepare_raw(sizes=extents(blocks))
            return self._write_raw(blocks)

    def _write_raw(self, blocks: Sequence[RawBlock]) -> RawAnswer:
        body, spans = write_body(blocks, self._sheets)
        with self._write_lock:
            answer = self._send_repeatable(lambda: self.spreadsheet.values_batch_update(body), "copy rows")
        found = raw_answer([response.get("updatedData") for response in answer.get("responses", [])], spans)
        if found is None:
            # Google left a range out of its answer: read them all, in one request. Cells
            # move with their columns, so a later look still shows where each one stands.
            log.debug("copy: the write's answer lacks ranges; reading them")
            ranges = [span.range for span in spans]
            read = self._call(lambda: self.spreadsheet.values_batch_get(ranges, params=read_params()), "read")
            found = raw_answer(read.get("valueRanges", []), spans) or {}
        return found

    def format_raw(self, heads: dict[str, list[list[Any]]]) -> None:
        # `init` put the header in row 1 and the drop-downs under the declared columns. A
        # copied header elsewhere (a title row above it, columns in another order) moves
        # them: the old rules are cleared and set again where that header puts them.
        requests = []
        for name, rows in heads.items():
            tab = TABS_BY_NAME.get(name)
            header = find_header(tab, rows) if tab else None
            if tab is None or header is None or name not in self._sheets:
                continue
            cells = rows[header.row_index]
            if header.row_index == 0 and list(cells) == tab.column_names:
                continue
            sheet_id = self._sheets[name]["sheetId"]
            requests += [
                reset_validation(sheet_id),
                *header_format_requests(tab, sheet_id, header.row_index, cells),
            ]
        if requests:
            with self._write_lock:
                self._send_repeatable(lambda: self.spreadsheet.batch_update({"requests": requests}), "save")

    def _send_repeatable(self, action, what: str, tries: int = 3):
        """Send a write that lands the same however often it is sent, again after an unclear failure."""
        for attempt in range(tries):
            try:
                return self._call(action, what, ambiguous_ok=True)
            except AmbiguousWrite as error:
                if attempt == tries - 1:
                    raise SheetUnavailable(
                        f"{error}; could not {what}. Run the same command again to go on from there."
                    ) from None
                log.warning("Google Sheets: %s; sending the same write again", error)
        raise AssertionError("unreachable")

    # writing ---------------------------------------------------------------

    @contextmanager
    def session(self, tabs: Sequence[Tab]) -> Iterator[Session]:
        with self._write_lock:
            yield GoogleSession(self, [tab.name for tab in tabs])

    @contextmanager
    def seeded_session(self, tabs: Sequence[Tab], seed: Seed) -> Iterator[Session]:
        """A session over rows read earlier: no read of its own (the Writer still checks every row it writes)."""
        with self._write_lock:
            yield GoogleSession(self, [tab.name for tab in tabs], seed=seed)

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
        except GoogleAuthError as error:
            raise SetupError(
                f"Google refused the service account's credentials ({error}); create a new key."
            ) from None
        except APIError as error:
            if error.response.status_code in (401, 403, 404):
                email = getattr(self.spreadsheet.client.auth, "service_account_email", "the service account")
                raise explain(error, email, self.spreadsheet.id) from None
            message = error.error.get("message", str(error))
            if "exceeds grid limits" in message:
                raise GridChanged(f"Google Sheets refused to {what}: {message}") from None
            raise SheetError(f"Google Sheets refused to {what}: {message}") from None

    # init ------------------------------------------------------------------

    def ensure_tabs(self, tabs: Sequence[Tab], language: str = "en") -> InitReport:
        self.refresh_metadata()
        heads = self.fetch([], [tab.name for tab in tabs])
        requests, report = plan_init(tabs, self._sheets, heads, language)
        if requests:
            self.batch_update(requests)
            self.refresh_metadata()
        return report


def _appended_only(tab_name: str) -> bool:
    tab = TABS_BY_NAME.get(tab_name)
    return tab is not None and tab.append_only


@dataclass(frozen=True)
class Seed:
    """Raw rows read in one request: `full` tabs whole, every other tab's header rows."""

    rows: dict[str, list[list[Any]] | None]
    full: frozenset[str]


class GoogleSession(Session):
    def __init__(self, backend: GoogleBackend, full_tabs: list[str], seed: Seed | None = None) -> None:
        self.backend = backend
        self._tables: dict[str, Table] = {}
        if seed is None:
            self.full = set(full_tabs)
            self.rows = backend.fetch(full_tabs, header_only=list(backend.tab_names()))
        else:
            self.full = set(seed.full)
            self.rows = dict(seed.rows)  # the Writer updates its copy when it reads again
            self._ensure_full(full_tabs)  # a tab the seed lacks costs one more read (logged)

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
        def read(names: Sequence[str]) -> dict[str, list[list[Any]] | None]:
            self.full.update(names)
            self._tables.clear()
            return self.backend.fetch(names, header_only=self.backend.tab_names())

        writer = Writer(
            self.rows,
            read,
            self.backend.batch_update,
            self.backend.sheet_id,
            full=self.full,
            tails=self.backend.tails,
        )
        writer.land(plan)
