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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import gspread
from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError

from sheets.backends.base import Backend, InitReport, RawAnswer, RawBlock, Session
from sheets.backends.google.cells import column_letters, column_range, quote_tab, row_range
from sheets.backends.google.connect import explain
from sheets.backends.google.http import AmbiguousWrite, GoogleFailure
from sheets.backends.google.init import header_format_requests, plan_init
from sheets.backends.google.lookups import RowLookups
from sheets.backends.google.raw import extents, prepare_requests, raw_answer, reset_validation, write_body
from sheets.backends.google.targeted import (
    Positions,
    SparseRows,
    columns_read,
    positions_of,
    rows_from_columns,
)
from sheets.backends.google.writer import Writer
from sheets.errors import GridChanged, RequestTooLarge, SetupError, SheetError, SheetUnavailable, TabProblem
from sheets.locate import raw_key
from sheets.plan import WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, find_header, read_table
from sheets.request_size import MAX_BODY_BYTES, appends_in_parts, body_bytes
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
        self.positions: dict[str, Positions] = {}  # a tab that grows -> where its records stood
        self.layouts: dict[str, list[int]] = {}  # a tab that grows -> its key and lookup columns, last seen
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
        self,
        full: Sequence[str],
        header_only: Sequence[str] = (),
        *,
        rows: Mapping[str, Sequence[int]] | None = None,
        found: dict[str, dict[int, list[Any]]] | None = None,
        retried: bool = False,
    ) -> dict[str, list[list[Any]] | None]:
        """Raw rows of tabs in one values:batchGet; None for a tab that does not exist.

        A header-only tab that is only ever appended to (Audit) or that grows (Orders)
        also sends its first column while its length is unknown, so the write can look
        for its new rows where they land (`tails`) instead of reading the whole tab back.
        """
        wanted = [name for name in full if name in self._sheets]
        heads = [name for name in header_only if name in self._sheets and name not in wanted]
        # A growing tab whose records' places are not known yet sends its key and lookup columns,
        # where its header last put them (or `init` did): read with it, they tell those places.
        learning = {name: self._layout(name) for name in heads if _grows(name) and name not in self.positions}
        lengths = [
            name
            for name in heads
            if name not in self.tails and name not in learning and (_appended_only(name) or _grows(name))
        ]
        ranges = [quote_tab(name) for name in wanted]
        ranges += [f"{quote_tab(name)}!1:{HEADER_SEARCH_ROWS}" for name in heads]
        ranges += [f"{quote_tab(name)}!A:A" for name in lengths]
        ranges += [column_range(name, p, p) for name, layout in learning.items() for p in layout]
        wanted_rows = [
            (name, index)
            for name, indexes in (rows or {}).items()
            if name in self._sheets
            for index in indexes
        ]
        ranges += [row_range(name, index) for name, index in wanted_rows]
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
            return self.fetch(full, header_only, rows=rows, found=found, retried=True)
        value_ranges = answer.get("valueRanges", [])
        for name, value_range in zip([*wanted, *heads], value_ranges, strict=False):
            result[name] = value_range.get("values", [])
        for name in wanted:
            self.tails[name] = len(result[name] or [])
        after_heads = value_ranges[len(wanted) + len(heads) :]
        for name, value_range in zip(lengths, after_heads, strict=False):
            self.tails[name] = len(value_range.get("values", []))
        columns = iter(after_heads[len(lengths) :])
        for name, layout in learning.items():
            self._learn_from(
                name, result[name] or [], {p: next(columns, {}).get("values", []) for p in layout}
            )
        for (name, index), value_range in zip(wanted_rows, columns, strict=False):
            if found is not None:
                found.setdefault(name, {})[index] = _first_row(value_range)
        return result

    def _layout(self, tab_name: str) -> list[int]:
        """Where a growing tab's key and lookup columns were last seen (else where `init` puts them)."""
        if tab_name in self.layouts:
            return self.layouts[tab_name]
        tab = TABS_BY_NAME[tab_name]
        return sorted(tab.column_names.index(name) for name in {*tab.key, *tab.lookups})

    def _learn_from(self, tab_name: str, head: list[list[Any]], cells: dict[int, list[list[Any]]]) -> None:
        """Positions (and length) of a growing tab from its columns read with its header, if they were the right ones."""
        tab = TABS_BY_NAME[tab_name]
        header = find_header(tab, head)
        if header is None or not header.complete_key:
            return
        self.layouts[tab_name] = columns_read(tab, header)
        self.tails[tab_name] = max([len(column) for column in cells.values()] + [header.row_index + 1])
        if self.layouts[tab_name] == sorted(cells):
            self.positions[tab_name] = positions_of(tab, header, rows_from_columns(cells))
        # Otherwise a person moved those columns: the places are read when first needed.

    def learn_positions(self, tab: Tab, header: Header) -> Positions:
        """Where every record of `tab` stands now, from one read of its key and lookup columns."""
        columns = columns_read(tab, header)
        ranges = [column_range(tab.name, position, position) for position in columns]
        answer = self._call(lambda: self.spreadsheet.values_batch_get(ranges, params=read_params()), "read")
        cells = {
            position: value_range.get("values", [])
            for position, value_range in zip(columns, answer.get("valueRanges", []), strict=False)
        }
        positions = positions_of(tab, header, rows_from_columns(cells))
        self.tails[tab.name] = max(positions.length, header.row_index + 1)
        self.layouts[tab.name] = columns
        return positions

    def read_rows(
        self, tab_name: str, indexes: Sequence[int], tail_from: int | None, width: int
    ) -> dict[int, list[Any]]:
        """Rows by 0-based index, and every row from `tail_from` to the end, in one values:batchGet."""
        ranges = [row_range(tab_name, index) for index in indexes]
        if tail_from is not None:
            # From the last row known to exist (a range past the grid's end is refused) to the end.
            tail_from = max(tail_from - 1, 0)
            columns = self._sheets.get(tab_name, {}).get("gridProperties", {}).get("columnCount", width)
            last = column_letters(max(min(width + TAIL_MARGIN, columns), 1) - 1)
            ranges.append(f"{quote_tab(tab_name)}!A{tail_from + 1}:{last}")
        answer = self._call(lambda: self.spreadsheet.values_batch_get(ranges, params=read_params()), "read")
        value_ranges = answer.get("valueRanges", [])
        found = {
            index: _first_row(value_range) for index, value_range in zip(indexes, value_ranges, strict=False)
        }
        if tail_from is not None and len(value_ranges) > len(indexes):
            tail = value_ranges[len(indexes)].get("values", [])
            found.update({tail_from + offset: list(row) for offset, row in enumerate(tail)})
            self.tails[tab_name] = max(self.tails.get(tab_name, 0), tail_from + len(tail))
        return found

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
        refuse_if_too_large(body)
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
        refuse_if_too_large(body)
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

    def parts_of(self, plan: WritePlan) -> list[WritePlan]:
        """A plan of new rows too big for one request (a demo shop seeded at once) goes in parts."""
        return appends_in_parts(plan)

    # init ------------------------------------------------------------------

    def ensure_tabs(self, tabs: Sequence[Tab], language: str = "en") -> InitReport:
        self.refresh_metadata()
        present = [tab.name for tab in tabs if tab.name in self._sheets]
        heads, extents = self._read_extents(present)
        requests, report = plan_init(tabs, self._sheets, heads, language, extents)
        if requests:
            self.batch_update(requests)
            self.refresh_metadata()
        return report

    def _read_extents(
        self, names: Sequence[str]
    ) -> tuple[dict[str, list[list[Any]] | None], dict[str, tuple[int, int]]]:
        """Each tab's first rows, and its rows and columns up to the last cell holding anything.

        One read of the tabs whole, formulas as formulas: a formula whose result is empty
        still holds something, and `init` never trims it away.
        """
        if not names:
            return {}, {}
        params = {**read_params(), "valueRenderOption": "FORMULA"}
        answer = self._call(
            lambda: self.spreadsheet.values_batch_get([quote_tab(name) for name in names], params=params),
            "read",
        )
        heads: dict[str, list[list[Any]] | None] = {}
        extents: dict[str, tuple[int, int]] = {}
        for name, value_range in zip(names, answer.get("valueRanges", []), strict=False):
            rows = value_range.get("values", [])
            heads[name] = rows[:HEADER_SEARCH_ROWS]
            filled = [i for i, row in enumerate(rows) if any(cell not in (None, "") for cell in row)]
            width = max((_filled_width(row) for row in rows), default=0)
            extents[name] = ((filled[-1] + 1) if filled else 0, width)
        return heads, extents


def _filled_width(row: list[Any]) -> int:
    """Columns up to the last cell of `row` holding anything."""
    return next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i] not in (None, "")), 0)


def refuse_if_too_large(body: dict[str, Any]) -> None:
    """RequestTooLarge, before sending, for a body Google would refuse (rule: none above MAX_BODY_BYTES)."""
    size = body_bytes(body)
    if size > MAX_BODY_BYTES:
        raise RequestTooLarge(
            f"This change would be one request of {size / 1e6:.1f} MB, more than Google Sheets accepts "
            f"({MAX_BODY_BYTES / 1e6:.0f} MB at most); nothing was sent. Make it in smaller parts."
        )


#: Columns past the header's width that a read of a tab's last rows takes too.
TAIL_MARGIN = 10


def _first_row(value_range: dict[str, Any]) -> list[Any]:
    values = value_range.get("values", [])
    return list(values[0]) if values else []


def _grows(tab_name: str) -> bool:
    tab = TABS_BY_NAME.get(tab_name)
    return tab is not None and tab.grows


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
        self.rows: dict[str, Any] = {}
        self.sparse: set[str] = set()
        self.lookups = RowLookups(self.rows, backend.positions, backend.learn_positions, backend.read_rows)
        if seed is None:
            # A tab that grows is read by the rows its records stand in (targeted.py), not whole;
            # the first read waits for the first question, so the row it asks for comes with it.
            self.full = {name for name in full_tabs if not _grows(name)}
            self._growing = [name for name in full_tabs if _grows(name)]
            self._opened = False
        else:
            self.full = set(seed.full)
            self.rows.update(seed.rows)  # the Writer updates its copy when it reads again
            self._opened = True
            self._ensure_full(full_tabs)  # a tab the seed lacks costs one more read (logged)

    def _open(self, wanted: dict[str, list[int]] | None = None) -> None:
        """The session's read: whole tabs, every header, and rows of growing tabs already known to be wanted."""
        if self._opened:
            return
        self._opened = True
        found: dict[str, dict[int, list[Any]]] = {}
        self.rows.update(
            self.backend.fetch(
                sorted(self.full), header_only=list(self.backend.tab_names()), rows=wanted or {}, found=found
            )
        )
        for name in self._growing:
            if self.rows.get(name) is not None:
                self.sparse.add(name)
                self.rows[name] = SparseRows(self.rows[name], self.backend.tails.get(name, 0))
                for index, row in found.get(name, {}).items():
                    self.rows[name].add(index, row)

    # reading ---------------------------------------------------------------

    def _ensure_full(self, names: Sequence[str]) -> None:
        self._open()
        missing = [name for name in names if name not in self.full]
        if missing:
            log.debug("reading %s whole in an extra request", missing)
            self.rows.update(self.backend.fetch(missing))
            self.full.update(missing)
            self.sparse.difference_update(missing)
            for name in missing:
                self._tables.pop(name, None)

    def header(self, tab: Tab) -> Header | None:
        self._open()
        return find_header(tab, self.rows.get(tab.name) or [])

    def table(self, tab: Tab) -> Table:
        self._ensure_full([tab.name])
        if tab.name not in self._tables:
            self._tables[tab.name] = read_table(tab, self.rows.get(tab.name) or [])
        return self._tables[tab.name]

    def find(self, tab: Tab, key: Key) -> Record | None:
        if not self._opened and tab.name in self._growing:
            self._open(self._remembered(tab, key))
        if tab.name in self.sparse:
            return self.lookups.find(tab, key)
        table = self.table(tab)
        record = table.get(key)
        if record is None:
            parts = (key,) if isinstance(key, str) else tuple(key)
            for issue in table.issues:
                if issue.row is not None and self._key_at(tab, issue.row - 1) == parts:
                    raise SheetError(f"{issue} — fix the row in the sheet first.")
        return record

    def _remembered(self, tab: Tab, key: Key) -> dict[str, list[int]]:
        """The row `key` stood in when `tab` was last seen, to come with the session's read."""
        positions = self.backend.positions.get(tab.name)
        index = positions.keys.get((key,) if isinstance(key, str) else tuple(key)) if positions else None
        return {} if index is None else {tab.name: [index]}

    def where(self, tab: Tab, column: str, value: str) -> list[Record]:
        self._open()
        if tab.name in self.sparse and column in tab.lookups:
            return self.lookups.where(tab, column, value)
        return super().where(tab, column, value)

    def _key_at(self, tab: Tab, row_index: int) -> tuple[str, ...] | None:
        header, rows = self.header(tab), self.rows.get(tab.name) or []
        if header is None or not header.complete_key or row_index >= len(rows):
            return None
        return raw_key(header, rows[row_index])

    def rows_without_id(self, tab: Tab, whole: bool = False) -> list[tuple[int, tuple[Any, ...]]]:
        self._open()
        if whole:
            self._ensure_full([tab.name])
        if tab.name not in self.full:
            return []  # only rows this session has read are given IDs (no extra request)
        rows = self.rows.get(tab.name) or []
        return [(row, tuple(rows[row - 1])) for row in self.table(tab).rows_without_id]

    # committing ------------------------------------------------------------

    def commit(self, plan: WritePlan) -> None:
        self._open()

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
            sparse=self.sparse,
        )
        try:
            writer.land(plan)
        finally:
            self._remember_appended(writer.landed_at)
            for name in {delete.tab.name for delete in plan.deletes}:
                self.backend.positions.pop(name, None)  # the rows below moved up

    def _remember_appended(self, landed_at: dict[tuple[str, tuple[str, ...]], tuple[int, list[Any]]]) -> None:
        """Where the rows this write added to growing tabs landed, for the next step that looks for them."""
        for (name, _key), (index, cells) in landed_at.items():
            tab = TABS_BY_NAME.get(name)
            header = find_header(tab, self.rows.get(name) or []) if tab is not None and tab.grows else None
            if header is None:
                continue
            positions = self.backend.positions.setdefault(
                name, Positions(length=self.backend.tails.get(name, 0))
            )
            positions.learn_row(tab, header, index, cells)
