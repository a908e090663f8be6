"""The archive workbooks, one per year, on the live workbook's backend.

Local: a SQLite file beside the live one, `archive-2025.sqlite3` in the data
folder, made when the archive first needs it. Google: a spreadsheet of its own
per year, its ID configured (FLOWSHEET_ARCHIVE_SPREADSHEETS="2025=1AbC…,2026=…")
and shared with the service account; the app does not create spreadsheets (a
service account's own Drive has no room for a shop's records, and nobody would
see them), so a year without an ID stops the archive with that advice.

The archive in use is set once by the entry point (`use`), like the runtime's
workbook, so pages and rules that look for archived records find it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

from sheets.errors import SetupError
from sheets.workbook import Workbook

from .rules import ARCHIVED_TABS

ARCHIVE_FILE = "archive-{year}.sqlite3"
SPREADSHEETS_VARIABLE = "FLOWSHEET_ARCHIVE_SPREADSHEETS"


class Archives:
    """The archive workbooks by year; each opened once and kept."""

    def __init__(self, kind: str, years: Callable[[], list[int]], opener: Callable[[int], Workbook]) -> None:
        self.kind = kind
        self._years = years
        self._opener = opener
        self._open: dict[int, Workbook] = {}
        self._lock = threading.Lock()

    def years(self) -> list[int]:
        """The years that have an archive workbook (Google: an ID configured), oldest first."""
        return sorted(set(self._years()) | set(self._open))

    def workbook(self, year: int) -> Workbook:
        """The archive workbook of `year`, its archived tabs created when missing; SetupError if it has none."""
        with self._lock:
            if year not in self._open:
                workbook = self._opener(year)
                present = set(workbook.backend.tab_names())
                missing = [tab for tab in ARCHIVED_TABS if tab.name not in present]
                if missing:
                    workbook.backend.ensure_tabs(missing)
                self._open[year] = workbook
            return self._open[year]

    def existing(self) -> list[Workbook]:
        """The archive workbooks that exist, newest first (where an archived record is looked for)."""
        return [self.workbook(year) for year in reversed(self.years())]

    def close(self) -> None:
        with self._lock:
            for workbook in self._open.values():
                workbook.backend.close()
            self._open.clear()


def local_archives(data_dir: Path | str) -> Archives:
    """Archive files beside the live workbook in `data_dir`."""
    from sheets.backends.local import LocalBackend

    folder = Path(data_dir)

    def years() -> list[int]:
        found = (
            re.fullmatch(r"archive-(\d{4})\.sqlite3", path.name) for path in folder.glob("archive-*.sqlite3")
        )
        return [int(match.group(1)) for match in found if match]

    def opener(year: int) -> Workbook:
        return Workbook(LocalBackend(folder, ARCHIVE_FILE.format(year=year)), cache_seconds=60)

    return Archives("local", years, opener)


def parse_spreadsheet_ids(text: str) -> dict[int, str]:
    """`2025=1AbC…,2026=1XyZ…` as {2025: "1AbC…", 2026: "1XyZ…"}; SetupError naming what is wrong."""
    ids: dict[int, str] = {}
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        year, sep, spreadsheet_id = part.partition("=")
        if not sep or not year.strip().isdigit() or len(year.strip()) != 4 or not spreadsheet_id.strip():
            raise SetupError(
                f"{SPREADSHEETS_VARIABLE}: {part!r} is not YEAR=SPREADSHEET_ID (for example 2025=1AbC…xyz)."
            )
        ids[int(year)] = spreadsheet_id.strip()
    return ids


def google_archives(ids: dict[int, str], open_spreadsheet_of: Callable[[str], Workbook]) -> Archives:
    """Archive spreadsheets by year from their configured IDs; `open_spreadsheet_of(id)` opens one."""

    def opener(year: int) -> Workbook:
        if year not in ids:
            raise SetupError(
                f"There is no archive spreadsheet for {year}: create an empty spreadsheet, share it with the "
                f"service account as Editor and add {year}=<its ID> to {SPREADSHEETS_VARIABLE}."
            )
        return open_spreadsheet_of(ids[year])

    return Archives("google", lambda: list(ids), opener)


# the archive in use ----------------------------------------------------------

_in_use: Archives | None = None


def use(archives: Archives | None) -> None:
    global _in_use
    _in_use = archives


def in_use() -> Archives | None:
    """The archive the app looks in for archived records; None when none is set up."""
    return _in_use
