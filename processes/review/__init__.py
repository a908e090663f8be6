"""The periodic process review: stage cycle times, service levels, volumes and credits, from the record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from sheets.settings import BY_KEY, read_setting
from sheets.tabs import (
    AUDIT,
    FORECAST_RUNS,
    ORDER_LINES,
    ORDERS,
    PURCHASE_ORDERS,
    RECEIPTS,
    RETURNS,
    SETTINGS,
    STOCK_COUNTS,
    STOCK_MOVES,
    SUGGESTIONS,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
)
from sheets.workbook import Workbook

from .figures import NO_DATA, Figure, Period, last_days, period_from
from .metrics import REVIEWED, Review, review
from .report import render_html, render_markdown

__all__ = [
    "NO_DATA",
    "Figure",
    "Period",
    "REVIEWED_TABS",
    "Review",
    "last_days",
    "period_from",
    "render_html",
    "render_markdown",
    "review",
    "review_of",
]

#: Every tab the review reads, in one request.
REVIEWED_TABS = tuple(
    {
        tab.name: tab
        for tab in (
            *(procedure.tab for procedure in REVIEWED),
            ORDERS,
            ORDER_LINES,
            STOCK_MOVES,
            FORECAST_RUNS,
            TICKETS,
            RETURNS,
            PURCHASE_ORDERS,
            RECEIPTS,
            STOCK_COUNTS,
            SUPPLIERS,
            SURVEYS,
            SUGGESTIONS,
            SETTINGS,
            AUDIT,
        )
    }.values()
)


def review_of(workbook: Workbook, start: str | date | None = None, end: str | date | None = None) -> Review:
    """The review of the days from `start` to `end` (default: the last 30 days), read in one request."""
    now = workbook.clock()
    period = period_from(start, end, now.date())
    tables = workbook.tables(*REVIEWED_TABS)
    frames = {name: table.df for name, table in tables.items()}
    return review(frames, period, settings_from(frames[SETTINGS.name]), now)


def settings_from(settings: pd.DataFrame) -> dict[str, Any]:
    """The value in force of every declared setting, from the Settings tab's DataFrame."""
    if settings.empty:
        return {key: setting.default for key, setting in BY_KEY.items()}
    values = dict(zip(settings["key"], settings["value"], strict=True))
    return {key: read_setting(setting, values.get(key))[0] for key, setting in BY_KEY.items()}
