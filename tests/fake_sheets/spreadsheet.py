"""One fake spreadsheet: its tabs, properties, sharing, and range lookup."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .a1 import Bounds, resolve_a1
from .errors import unparseable_range
from .grid import DEFAULT_COLUMNS, DEFAULT_ROWS, CellValue, Sheet

if TYPE_CHECKING:
    from .person import Person


class FakeSpreadsheet:
    """A spreadsheet as the fake server holds it.

    The object keeps its identity for the whole test: atomic writes are applied to a
    clone and then adopted back, so references held by tests stay valid.
    """

    def __init__(
        self,
        spreadsheet_id: str,
        title: str,
        lock: threading.RLock,
        time_zone: str = "Etc/GMT",
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self.title = title
        self.locale = "en_US"
        self.time_zone = time_zone
        self.sheets: list[Sheet] = []
        self.shared_with: set[str] | None = None
        self.lock = lock
        self._sheets_created = 0

    # ----- tabs ----------------------------------------------------------------------

    def find_sheet(self, title: str) -> Sheet | None:
        """The tab with this title, or None."""
        return next((sheet for sheet in self.sheets if sheet.title == title), None)

    def sheet(self, title: str) -> Sheet:
        """The tab with this title (KeyError if there is none)."""
        found = self.find_sheet(title)
        if found is None:
            raise KeyError(f"no sheet titled {title!r} in {self.spreadsheet_id}")
        return found

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        """The tab with this sheetId, or None."""
        return next((sheet for sheet in self.sheets if sheet.sheet_id == sheet_id), None)

    def add_sheet(
        self,
        title: str,
        rows: Sequence[Sequence[CellValue]] | None = None,
        *,
        sheet_id: int | None = None,
        index: int | None = None,
        row_count: int = DEFAULT_ROWS,
        column_count: int = DEFAULT_COLUMNS,
    ) -> Sheet:
        """Add a tab, optionally seeded with literal values (row 0 first)."""
        sheet = Sheet(self._new_sheet_id(title) if sheet_id is None else sheet_id, title)
        rows = rows or []
        sheet.row_count = max(row_count, len(rows))
        sheet.column_count = max([column_count, *(len(row) for row in rows)])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.set_value(r, c, None if value == "" else value)
        position = len(self.sheets) if index is None else max(0, min(index, len(self.sheets)))
        self.sheets.insert(position, sheet)
        return sheet

    def remove_sheet(self, sheet: Sheet) -> None:
        """Delete a tab."""
        self.sheets.remove(sheet)

    def index_of(self, sheet: Sheet) -> int:
        """The tab's position (SheetProperties.index)."""
        return self.sheets.index(sheet)

    def _new_sheet_id(self, title: str) -> int:
        """Stable but arbitrary ids, so code never gets away with assuming sheetId 0."""
        self._sheets_created += 1
        seed = f"{self.spreadsheet_id}/{title}/{self._sheets_created}".encode()
        candidate = zlib.crc32(seed) % 2_000_000_000 + 1
        while self.sheet_by_id(candidate) is not None:
            candidate += 1
        return candidate

    # ----- ranges --------------------------------------------------------------------

    def resolve(self, range_text: str) -> tuple[Sheet, Bounds]:
        """The tab and cell rectangle an A1 range names (400 "Unable to parse range")."""
        titles = [sheet.title for sheet in self.sheets]
        try:
            title, bounds = resolve_a1(range_text, titles)
        except ValueError:
            raise unparseable_range(range_text) from None
        sheet = self.find_sheet(title)
        if sheet is None:
            raise unparseable_range(range_text)
        return sheet, bounds

    # ----- sharing -------------------------------------------------------------------

    def share_with(self, email: str) -> None:
        """Share with one account (after unshare(), only listed accounts get in)."""
        if self.shared_with is not None:
            self.shared_with.add(email)

    def unshare(self) -> None:
        """Share with nobody: every account gets 403 until share_with() lets one back in."""
        self.shared_with = set()

    @property
    def shared(self) -> bool:
        """True while anyone may open it (the default); set False to answer 403 to everyone."""
        return self.shared_with is None

    @shared.setter
    def shared(self, value: bool) -> None:
        self.shared_with = None if value else set()

    def is_shared_with(self, email: str | None) -> bool:
        """Whether this account may open the spreadsheet (default: everyone may)."""
        return self.shared_with is None or email in self.shared_with

    # ----- atomic updates ------------------------------------------------------------

    def clone(self) -> FakeSpreadsheet:
        """A draft copy that a write is applied to before it is adopted."""
        draft = FakeSpreadsheet(self.spreadsheet_id, self.title, self.lock, self.time_zone)
        draft.locale = self.locale
        draft.sheets = [sheet.clone() for sheet in self.sheets]
        draft.shared_with = None if self.shared_with is None else set(self.shared_with)
        draft._sheets_created = self._sheets_created
        return draft

    def adopt(self, draft: FakeSpreadsheet) -> None:
        """Make a fully applied draft the live state."""
        self.title = draft.title
        self.locale = draft.locale
        self.time_zone = draft.time_zone
        self.sheets = draft.sheets
        self._sheets_created = draft._sheets_created

    # ----- API shape / helpers -------------------------------------------------------

    def properties_json(self) -> dict[str, Any]:
        """SpreadsheetProperties as the API returns them."""
        return {
            "title": self.title,
            "locale": self.locale,
            "autoRecalc": "ON_CHANGE",
            "timeZone": self.time_zone,
        }

    @property
    def url(self) -> str:
        """The spreadsheetUrl Google reports."""
        return f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit"

    @property
    def person(self) -> Person:
        """Someone editing this spreadsheet by hand, between the app's requests."""
        from .person import Person

        return Person(self)
