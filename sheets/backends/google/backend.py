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
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import gspread
from google.auth.exceptions import GoogleAuthError
from gspread.exceptions import APIError

from sheets.backends.base import (
    Backend,
    InitReport,
    Placed,
    RawAnswer,
    RawBlock,
    Selecting,
    Selection,
    Session,
)
from sheets.backends.google.cells import column_letters, column_range, quote_tab, row_range
from sheets.backends.google.connect import explain
from sheets.backends.google.grown import rows_after
from sheets.backends.google.http import AmbiguousWrite, GoogleFailure
from sheets.backends.google.init import header_format_requests, plan_init
from sheets.backends.google.placed import Again, read_again
from sheets.backends.google.raw import extents, prepare_requests, raw_answer, reset_validation, write_body
from sheets.backends.google.selecting import Wanted, read_selections, selected_names
from sheets.backends.google.session import GoogleSession, Seed
from sheets.backends.google.targeted import (
    Positions,
    columns_read,
    positions_of,
    rows_from_columns,
)
from sheets.errors import GridChanged, RequestTooLarge, SetupError, SheetError, SheetUnavailable, TabProblem
from sheets.plan import WritePlan
from sheets.reading import HEADER_SEARCH_ROWS, Header, convert_rows, find_header, read_table
from sheets.request_size import MAX_BODY_BYTES, appends_in_parts, body_bytes
from sheets.schema import Tab
from sheets.table import Table
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


#: Rows from which a growing tab is read by its rows in a write session (targeted.py).
SPARSE_FROM = 5_000
#: Blank rows a big tab's grid may hold past its last row (init leaves a few; appends grow it):
#: where its end is looked for when it was never read.
SPARE_ROWS_AT_MOST = 100


class GoogleBackend(Backend):
    kind = "google"
    sparse_from = SPARSE_FROM

    def __init__(self, spreadsheet: gspread.Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self._sheets: dict[str, dict[str, Any]] = {}
        self._write_lock = threading.Lock()
        self.tails: dict[str, int] = {}  # tab -> rows up to its last one with data, as last seen
        self.positions: dict[str, Positions] = {}  # a tab that grows -> where its records stood
        self.layouts: dict[str, list[int]] = {}  # a tab that grows -> its key and lookup columns, last seen
        self.seen_columns: dict[str, dict[str, int]] = {}  # a tab that grows -> its header, last seen
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
        tails: Mapping[str, int] | None = None,
        found: dict[str, dict[int, list[Any]]] | None = None,
        learn: bool = True,
        places: bool | Collection[str] = True,
        retried: bool = False,
    ) -> dict[str, list[list[Any]] | None]:
        """Raw rows of tabs in one values:batchGet; None for a tab that does not exist.

        A header-only tab that is only ever appended to (Audit) or that grows (Orders)
        also sends its first column while its length is unknown, so the write can look
        for its new rows where they land (`tails`) instead of reading the whole tab back;
        with `learn` False the header rows come alone; with `places` False (or the tabs to learn them of),
        the lengths without the key columns of a big tab (a reader that finds nothing by key there).
        """
        wanted = [name for name in full if name in self._sheets]
        heads = [name for name in header_only if name in self._sheets and name not in wanted]
        # A growing tab whose records' places are not known yet sends its key and lookup columns,
        # where its header last put them (or `init` did): read with it, they tell those places.
        learning = {
            name: self._layout(name)
            for name in heads
            if learn
            and (places is True or (places and name in places))
            and self.reads_by_rows(name)
            and name not in self.positions
        }
        lengths = [
            name
            for name in heads
            if learn
            and name not in self.tails
            and name not in learning
            and (_appended_only(name) or _grows(name))
        ]
        for name in [name for name in lengths if self._grid_rows(name) >= SPARSE_FROM]:
            # A big tab's grid ends a few spare rows past its last row (appends grow it): its end
            # is taken from there rather than from a read of a column of a million cells.
            lengths.remove(name)
            self.tails[name] = max(self._grid_rows(name) - SPARE_ROWS_AT_MOST, 1)
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
        tails_from = {
            name: max(start - 1, 0) for name, start in (tails or {}).items() if name in self._sheets
        }
        ranges += [self._tail_range(name, start) for name, start in tails_from.items()]
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
            return self.fetch(
                full,
                header_only,
                rows=rows,
                tails=tails,
                found=found,
                learn=learn,
                places=places,
                retried=True,
            )
        value_ranges = answer.get("valueRanges", [])
        for name, value_range in zip([*wanted, *heads], value_ranges, strict=False):
            result[name] = value_range.get("values", [])
            if _grows(name):
                seen = find_header(TABS_BY_NAME[name], result[name] or [])
                if seen is not None:
                    self.seen_columns[name] = dict(seen.index)
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
        for (name, start), value_range in zip(tails_from.items(), columns, strict=False):
            tail = value_range.get("values", [])
            self.tails[name] = max(self.tails.get(name, 0), start + len(tail))
            if found is not None:
                found.setdefault(name, {}).update(
                    {start + offset: list(row) for offset, row in enumerate(tail)}
                )
        return result

    def _tail_range(self, tab_name: str, start: int, width: int | None = None) -> str:
        """Every row from 0-based `start` to the end of the tab, as wide as its grid (or `width` and a margin)."""
        columns = self._sheets.get(tab_name, {}).get("gridProperties", {}).get("columnCount", 26)
        if width is not None:
            columns = min(width + TAIL_MARGIN, columns)
        return f"{quote_tab(tab_name)}!A{start + 1}:{column_letters(max(columns, 1) - 1)}"

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

    def reads_by_rows(self, tab_name: str) -> bool:
        """Whether a write session reads `tab_name` by the rows it works on rather than whole.

        A tab that grows, once it holds `SPARSE_FROM` rows or more (as last seen, or as its
        grid is sized): below that, reading it whole costs little, and a write that struck
        a row a person moved in the instant can always be put back exactly from the read.
        """
        return _grows(tab_name) and self._big(tab_name)

    def _big(self, tab_name: str) -> bool:
        return max(self.tails.get(tab_name, 0), self._grid_rows(tab_name)) >= self.sparse_from

    def _grid_rows(self, tab_name: str) -> int:
        return self._sheets.get(tab_name, {}).get("gridProperties", {}).get("rowCount", 0)

    def selects_rows(self, tab: Tab) -> bool:
        return (tab.grows or tab.append_only) and self._big(tab.name)

    def read_selected(
        self,
        tab: Tab,
        where: Mapping[str, Collection[str]],
        recent: int,
        first: int = 0,
        limit: int | None = None,
    ) -> Selection:
        if not self.selects_rows(tab):
            return super().read_selected(tab, where, recent, first, limit)
        layout = self._selected_layout(tab, selected_names(tab, where, recent, first, limit))
        wanted = Wanted(tab, where, recent, layout, first=first, limit=limit)
        return read_selections([wanted], self._batch_get)[tab.name]

    def read_selections(self, wanted: Sequence[Selecting]) -> dict[str, Selection]:
        """Each big tab's selection in two values:batchGet however many (selecting.py); the others whole."""
        return {name: selection for name, (selection, _) in self.reselect(wanted, {}).items()}

    def reselect(
        self, wanted: Sequence[Selecting], placed: Mapping[str, Placed]
    ) -> dict[str, tuple[Selection, Placed | None]]:
        """Selections read again from where their rows stood (`placed`, placed.py) in one values:batchGet,
        those whose rows moved or were never placed afresh; and where the rows stand now."""
        again = [
            Again(tab, where, recent, placed[tab.name])
            for tab, where, recent in wanted
            if tab.name in placed and self.selects_rows(tab)
        ]
        found: dict[str, tuple[Selection, Placed | None]] = (
            {
                name: pair
                for name, pair in read_again(again, self._batch_get, self._tail_range).items()
                if pair
            }
            if again
            else {}
        )
        rest = [(tab, where, recent) for tab, where, recent in wanted if tab.name not in found]
        small = [item for item in rest if not self.selects_rows(item[0])]
        if small:
            found.update(
                {name: (selection, None) for name, selection in super().read_selections(small).items()}
            )
        newest = [(tab, recent) for tab, where, recent in rest if tab.append_only and not where]
        for tab, recent in newest:
            selection = self._newest_or_none(tab, recent) if self.selects_rows(tab) else None
            if selection is not None:
                found[tab.name] = (selection, None)
        rest = [item for item in rest if item[0].name not in found]
        big = [
            Wanted(tab, where, recent, self._selected_layout(tab, selected_names(tab, where, recent)))
            for tab, where, recent in rest
        ]
        big = [item for item in big if self.selects_rows(item.tab)]
        if big:
            selections = read_selections(big, self._batch_get)
            found.update({item.tab.name: (selections[item.tab.name], item.placed()) for item in big})
        return found

    def _selected_layout(self, tab: Tab, names: Sequence[str]) -> list[int]:
        """Where the columns `names` are expected: where the tab's header last put them."""
        layout = self.seen_columns.get(tab.name) or {name: tab.column_names.index(name) for name in names}
        return sorted({layout.get(name, tab.column_names.index(name)) for name in names})

    def _batch_get(self, ranges: list[str], major: str = "ROWS") -> list[dict[str, Any]]:
        """values:batchGet of `ranges`, by rows or (major "COLUMNS") by columns."""
        params = {**read_params(), "majorDimension": major}
        answer = self._call(lambda: self.spreadsheet.values_batch_get(ranges, params=params), "read")
        return answer.get("valueRanges", [])

    def read_grown(self, tab: Tab, known: Sequence[Sequence[Any]] | None) -> list[list[Any]]:
        grown = rows_after(tab, known, self.read_rows) if known and self.selects_rows(tab) else None
        if grown is None:
            grown = self.fetch([tab.name]).get(tab.name) or []
        return grown

    def read_newest(self, tab: Tab, rows: int) -> Selection:
        return self.read_newest_of({tab: rows})[tab.name]

    def read_newest_of(self, wanted: Mapping[Tab, int]) -> dict[str, Selection]:
        """Of each tab, every row from `rows` before its end (as last seen) to its end, with its header.

        One values:batchGet of two ranges a tab, whatever their sizes: no column is read whole.
        The tail range is open-ended, so rows appended since the end was last seen come too.
        """
        small = {tab: rows for tab, rows in wanted.items() if not self.selects_rows(tab)}
        found = super().read_newest_of(small) if small else {}
        starts, ranges = {}, []
        for tab, rows in wanted.items():
            if tab in small:
                continue
            length = self.tails.get(tab.name) or max(self._grid_rows(tab.name) - SPARE_ROWS_AT_MOST, 1)
            starts[tab] = max(length - rows, HEADER_SEARCH_ROWS)  # 0-based: the first row of the tail
            ranges += [
                f"{quote_tab(tab.name)}!1:{HEADER_SEARCH_ROWS}",
                self._tail_range(tab.name, starts[tab]),
            ]
        if not ranges:
            return found
        answer = self._call(lambda: self.spreadsheet.values_batch_get(ranges, params=read_params()), "read")
        value_ranges = answer.get("valueRanges", [])
        for number, (tab, start) in enumerate(starts.items()):
            pair = [*value_ranges[2 * number : 2 * number + 2], {}, {}]
            found[tab.name] = self._newest(tab, start, pair[0].get("values", []), pair[1].get("values", []))
        return found

    def _newest_or_none(self, tab: Tab, recent: int) -> Selection | None:
        """The `recent` newest rows of a tab only ever appended to (the Audit), from its end: no column
        of it is read (at a hundred thousand orders, its key column alone is megabytes). None when
        nothing stands there (a grid far longer than its rows, rows deleted): select it by its key."""
        try:
            selection = self.read_newest(tab, recent)
        except GridChanged:  # rows were deleted since the grid's size was read
            self.refresh_metadata()
            return None
        return selection if selection.complete or len(selection.table) else None

    def _newest(self, tab: Tab, start: int, head: list[list[Any]], tail: list[list[Any]]) -> Selection:
        if tail:
            self.tails[tab.name] = max(self.tails.get(tab.name, 0), start + len(tail))
        header = find_header(tab, head)
        if start <= HEADER_SEARCH_ROWS or header is None or not header.complete_key:
            # Every row (or a header problem, reported as a whole read reports it).
            table = read_table(tab, [*head, *([[]] * (start - len(head))), *tail])
            return Selection(table, len(table), complete=header is not None and start <= HEADER_SEARCH_ROWS)
        table = convert_rows(tab, header, tail, start + 1)  # only the tail's rows, by their sheet rows
        return Selection(table, len(table), complete=False)

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
            ranges.append(self._tail_range(tab_name, tail_from, width))
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
        # Where the records of a big tab stand is learned by the write that looks one up, if any.
        rows = self.fetch(names, header_only=self.tab_names(), places=False)
        return {tab.name: read_table(tab, rows[tab.name]) for tab in tabs}, Seed(rows, frozenset(names))

    def raw_rows(self, tab_name: str) -> list[list[Any]]:
        return self.fetch([tab_name])[tab_name] or []

    def header_rows(self, tab_names: Sequence[str]) -> dict[str, list[list[Any]]]:
        """The header rows of tabs alone, in one values:batchGet."""
        rows = self.fetch([], header_only=tab_names, learn=False)
        return {name: rows[name] or [] for name in tab_names}

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
