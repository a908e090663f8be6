"""Looking at the record: counts per tab, one page of a tab, the data issues.

Search, sort and paging happen here on the server, so a page ships one page
of rows to the browser however large the tab is. On a big tab the backend reads by
its rows (Google), the grid's first pages in sheet order read only the rows they show
and the tab's count from its key column; a search, a sort, a filter or a page further
on reads the tab whole (and the cache keeps it), which the page says while it reads.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import pandas as pd

import i18n
from i18n import _, formatting
from processes.permissions import Actor, require_read
from processes.stock import ledger_issues
from sheets.schema import Column, Kind, Tab
from sheets.table import DataIssue, Key, Table
from sheets.tabs import ALERT_OPEN, ALERTS, ALL_TABS, OUTBOX, OUTBOX_QUEUED, SECTIONS, tab_named
from sheets.workbook import Workbook

PAGE_SIZES = (25, 50, 100)
#: How far into a big tab a page of the grid's default view reads only its rows (the first pages).
NEAR_ROWS = 1_000


def tab_names() -> list[str]:
    return [tab.name for tab in ALL_TABS]


def column_anywhere(name: str) -> Column | None:
    """The first tab's column called `name` (a step's input named after the cell it fills), or None."""
    return next((tab.column(name) for tab in ALL_TABS if tab.has_column(name)), None)


def tabs_by_section() -> dict[str, tuple[str, ...]]:
    """Each part of the company (in the navigation's order) and the tabs that hold its records."""
    return {section: tuple(tab.name for tab in ALL_TABS if tab.section == section) for section in SECTIONS}


@dataclass(frozen=True)
class TabCount:
    name: str
    description: str
    records: int | None  # None: a big tab not counted on every view
    issues: int


def tab_counts(workbook: Workbook) -> list[TabCount]:
    """Records and data issues per tab, from one read of every tab."""
    return counts_in(workbook.tables(*ALL_TABS))


def counts_in(tables: Mapping[str, Table], totals: Mapping[str, int | None] | None = None) -> list[TabCount]:
    """Records and data issues per tab of `tables` (read already); `totals` counts a tab read in part."""
    totals = totals or {}
    return [
        TabCount(
            tab.name,
            tab.description,
            totals.get(tab.name, len(tables[tab.name])),
            len(tables[tab.name].issues),
        )
        for tab in ALL_TABS
        if tab.name in tables
    ]


@dataclass(frozen=True)
class Attention:
    open_alerts: int
    breaches: int
    messages_waiting: int


def attention(workbook: Workbook) -> Attention:
    """What the dashboard points at: open alerts (breaches among them) and messages not yet sent."""
    return attention_in(workbook.tables(ALERTS, OUTBOX))


def attention_in(tables: Mapping[str, Table]) -> Attention:
    """Open alerts, breaches among them, and queued messages in `tables` (read already)."""
    open_alerts = [a for a in tables[ALERTS.name].records() if a.status == ALERT_OPEN]
    waiting = sum(1 for m in tables[OUTBOX.name].records() if m.status == OUTBOX_QUEUED)
    return Attention(len(open_alerts), sum(1 for a in open_alerts if a.severity == "breach"), waiting)


def data_issues(workbook: Workbook) -> list[DataIssue]:
    """Every data issue, the ledger's disagreements with Stock included, without changing anything."""
    return workbook.check(assign_ids=False) + ledger_issues(workbook)


@dataclass(frozen=True)
class PageRequest:
    search: str = ""
    sort_by: str | None = None
    descending: bool = False
    page: int = 1
    per_page: int = 50
    filter_column: str | None = None  # keep rows whose shown value in this column contains filter_text
    filter_text: str = ""


@dataclass
class Page:
    tab: Tab
    columns: list[str]
    rows: list[dict[str, str]]
    total: int  # rows matching the search
    page: int
    pages: int
    issues: list[DataIssue] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)  # each row's key, in the order of `rows`
    records: int = 0  # records in the whole tab


def page_of(workbook: Workbook, tab_name: str, request: PageRequest, *, by: Actor) -> Page:
    """One page of `tab_name`'s rows for the grid; refused unless `by` may read the tab."""
    tab = tab_named(tab_name)
    require_read(by, tab.name)
    if workbook.selects_rows(tab) and _by_rows(tab, request):
        page = _first_pages(workbook, tab, request)
        if page is not None:
            return page
    return slice_table(workbook.table(tab), request)


def reads_whole(workbook: Workbook, tab_name: str, request: PageRequest) -> bool:
    """Whether this page of a big tab (read in part by default) reads the whole tab: a search, sort,
    filter or far page. Asks the backend nothing."""
    tab = tab_named(tab_name)
    return workbook.selects_rows(tab) and not _by_rows(tab, request)


def _by_rows(tab: Tab, request: PageRequest) -> bool:
    """Whether `request` is the grid's default view (in sheet order), on one of its first pages."""
    return (
        not request.search.strip()
        and not (request.filter_column in tab.column_names and request.filter_text.strip())
        and request.sort_by not in tab.column_names
        and max(1, request.page) * _per_page(request) <= NEAR_ROWS
    )


def _first_pages(workbook: Workbook, tab: Tab, request: PageRequest) -> Page | None:
    """A first page of a big tab from its first rows and its count; None when a whole read must tell."""
    wanted = max(1, request.page) * _per_page(request)
    selection = workbook.selected(tab, {}, first=wanted)
    table = selection.table
    if selection.complete:
        return slice_table(table, request)
    if table.issues or len(table) < min(wanted, selection.total):
        return None  # blank or unreadable rows among the first: only a whole read places and counts them
    page = slice_table(table, request)
    pages = max(1, math.ceil(selection.total / _per_page(request)))
    return replace(page, total=selection.total, pages=pages, records=selection.total)


def _per_page(request: PageRequest) -> int:
    return request.per_page if request.per_page in PAGE_SIZES else PAGE_SIZES[1]


def slice_table(table: Table, request: PageRequest) -> Page:
    frame = table.df
    if request.search.strip():
        frame = frame[
            table.search_text.str.contains(request.search.strip().casefold(), regex=False).to_numpy()
        ]
    if request.filter_column in table.tab.column_names and request.filter_text.strip():
        column, needle = request.filter_column, request.filter_text.strip().casefold()
        shown = frame[column].map(lambda value: display(table.tab, column, value).casefold())
        frame = frame[shown.str.contains(needle, regex=False).to_numpy()]
    if request.sort_by and request.sort_by in table.tab.column_names:
        frame = frame.sort_values(
            request.sort_by, ascending=not request.descending, na_position="last", kind="stable"
        )
    per_page = _per_page(request)
    pages = max(1, math.ceil(len(frame) / per_page))
    page = min(max(1, request.page), pages)
    window = frame.iloc[(page - 1) * per_page : page * per_page]
    columns = table.tab.column_names
    rows = [
        {name: display(table.tab, name, value) for name, value in zip(columns, values, strict=True)}
        for values in window[columns].itertuples(index=False, name=None)
    ]
    key_parts = window[list(table.tab.key)].itertuples(index=False, name=None) if table.tab.key else ()
    keys: list[Key] = [parts[0] if len(parts) == 1 else tuple(map(str, parts)) for parts in key_parts]
    return Page(table.tab, columns, rows, len(frame), page, pages, table.issues, keys, len(table))


def display(tab: Tab, column: str, value: Any) -> str:
    """How a typed value is shown in a list."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    declared = tab.column(column)
    kind = declared.kind
    if kind is Kind.DATETIME and isinstance(value, (datetime, pd.Timestamp)):
        return formatting.when(pd.Timestamp(value).to_pydatetime())
    if kind is Kind.DATE and isinstance(value, (date, pd.Timestamp)):
        return formatting.when(pd.Timestamp(value).date())
    if kind is Kind.BOOL:
        return _("yes") if value else _("no")
    if declared.choices:
        return i18n.value(str(value))
    if kind is Kind.NUMBER:
        return f"{float(value):,.2f}"
    return str(value)
