"""Tabs and rows as the API names and shows them: addresses, keys, filters, JSON values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from processes.declarations import PROCEDURES
from processes.procedure import Procedure
from sheets.errors import InvalidValue
from sheets.schema import Tab
from sheets.table import Key, Record
from sheets.tabs import ALL_TABS
from sheets.transaction import coerce

from .errors import ApiError, not_found

#: Query parameters that are not filters.
PAGING = ("limit", "offset")
DEFAULT_LIMIT, MOST_ROWS = 100, 1000
#: A composite key (Stock: sku and location) is written with this between its parts.
KEY_SEPARATOR = "/"
ETAG_SEPARATOR = "~"

TABS_BY_SLUG: dict[str, Tab] = {tab.slug: tab for tab in ALL_TABS if tab.keyed}


def tab_of(slug: str) -> Tab:
    tab = TABS_BY_SLUG.get(slug.lower())
    if tab is None:
        raise not_found(f"There is no tab {slug!r}; the tabs are: {', '.join(TABS_BY_SLUG)}.")
    return tab


def procedures_on(tab: Tab) -> list[Procedure]:
    return [procedure for procedure in PROCEDURES if procedure.tab.name == tab.name]


def key_of(tab: Tab, text: str) -> Key:
    """The key of a row as written in an address: "PO-1", or "KIT-001/LOC-1" for Stock."""
    if len(tab.key) == 1:
        return text
    parts = tuple(text.split(KEY_SEPARATOR))
    if len(parts) != len(tab.key):
        raise not_found(f"A row of {tab.name} is named by {KEY_SEPARATOR.join(tab.key)}, not {text!r}.")
    return parts


def key_text(key: Key) -> str:
    return key if isinstance(key, str) else KEY_SEPARATOR.join(key)


def as_json(record: Record) -> dict[str, Any]:
    """A row as JSON: every declared column, dates and times in ISO 8601, blanks as null."""
    return {column.name: _json_value(record[column.name]) for column in record.schema.columns}


def etag(record: Record) -> str:
    """The row's version: its updated_at and a digest of every cell, quoted as HTTP wants an ETag."""
    cells = json.dumps(as_json(record), sort_keys=True, default=str)
    stamp = record["updated_at"].isoformat() if record.schema.has_stamps and record["updated_at"] else ""
    return f'"{stamp}{ETAG_SEPARATOR}{hashlib.sha256(cells.encode()).hexdigest()[:16]}"'


def version_in(if_match: str) -> tuple[str, str | None]:
    """(updated_at, digest or None) from an If-Match header: an ETag of ours, or a plain updated_at."""
    seen = if_match.strip().removeprefix("W/").strip('"')
    stamp, _, digest = seen.partition(ETAG_SEPARATOR)
    return stamp, digest or None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def filters(tab: Tab, query: Mapping[str, str]) -> dict[str, Any]:
    """The query's filters as typed values; 422 naming an unknown column or a value that does not fit it."""
    wanted = {}
    for name, text in query.items():
        if name in PAGING:
            continue
        if not tab.has_column(name):
            raise ApiError(422, "invalid", f"{tab.name} has no column {name!r} to filter on.", name)
        try:
            wanted[name] = coerce(tab, tab.column(name), text)
        except InvalidValue as error:
            raise ApiError(422, "invalid", str(error), name) from None
    return wanted


def matching(records: Iterable[Record], wanted: Mapping[str, Any]) -> list[Record]:
    return [record for record in records if all(_same(record[name], value) for name, value in wanted.items())]


def _same(cell: Any, wanted: Any) -> bool:
    if isinstance(cell, str) and isinstance(wanted, str):
        return cell.casefold() == wanted.casefold()
    return cell == wanted


def paging(query: Mapping[str, str]) -> tuple[int, int]:
    """(limit, offset) from the query: a whole number each, the limit at most MOST_ROWS."""
    numbers = {}
    for name, default, most in (("limit", DEFAULT_LIMIT, MOST_ROWS), ("offset", 0, None)):
        text = query.get(name, str(default))
        if not text.isdigit() or (most is not None and not 1 <= int(text) <= most):
            bound = f"from 1 to {most}" if most else "0 or more"
            raise ApiError(422, "invalid", f"{name} must be a whole number {bound}, not {text!r}.", name)
        numbers[name] = int(text)
    return numbers["limit"], numbers["offset"]
