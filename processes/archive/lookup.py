"""Finding archived records: by ID, by a column's value, and whole tabs for a period that reaches back.

Pages and rules look here when a record is not in the live sheet. What is
found is read-only: every change goes through the live sheet, where an
archived record no longer is, and `read_only_message` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from i18n import _
from sheets.schema import Tab
from sheets.table import Key, Record, Table

from .rules import ARCHIVED_NAMES
from .store import Archives, in_use


@dataclass(frozen=True)
class ArchivedRecord:
    record: Record
    year: int


def _archives(archives: Archives | None) -> Archives | None:
    return archives if archives is not None else in_use()


def archived(tab: Tab, key: Key, archives: Archives | None = None) -> ArchivedRecord | None:
    """The archived record of `tab` with `key` (newest archive first), or None."""
    found = _archives(archives)
    if found is None or tab.name not in ARCHIVED_NAMES:
        return None
    for year in reversed(found.years()):
        record = found.workbook(year).table(tab).get(key)
        if record is not None:
            return ArchivedRecord(record, year)
    return None


def archived_where(tab: Tab, column: str, value: str, archives: Archives | None = None) -> list[Record]:
    """The archived records of `tab` whose `column` holds `value` (an archived order's lines), every year."""
    found = _archives(archives)
    if found is None or tab.name not in ARCHIVED_NAMES:
        return []
    out = []
    for year in found.years():
        table = found.workbook(year).table(tab)
        cells = table.columns.get(column, [])
        out += [table.record_at(index) for index, cell in enumerate(cells) if cell == value]
    return out


def archived_tables(tab: Tab, since: datetime, archives: Archives | None = None) -> list[Table]:
    """The archive's tables of `tab` for every year from `since` on (a review period reaching back)."""
    found = _archives(archives)
    if found is None or tab.name not in ARCHIVED_NAMES:
        return []
    return [found.workbook(year).table(tab) for year in found.years() if year >= since.year]


def read_only_message(tab: Tab, key: Key, year: int) -> str:
    """Why an archived record cannot be changed, in the reader's language."""
    return _(
        "{record} is archived (closed records of {year}) and can only be read; nothing can be changed in it.",
        record=key if isinstance(key, str) else "/".join(key),
        year=year,
    )
