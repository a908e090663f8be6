"""The periodic process review: stage cycle times, service levels, volumes and credits, from the record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from processes.archive.lookup import archived_tables
from processes.archive.rules import ARCHIVED_TABS
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
from .reading import read_frames
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

#: Every tab the review reads (the small ones in one request).
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
    """The review of the days from `start` to `end` (default: the last 30 days).

    The small tabs are read in one request; of a big tab on Google, what the period and
    the one before it need (processes/review/reading.py).
    """
    now = workbook.clock()
    period = period_from(start, end, now.date())
    since = period.previous().begins
    frames = with_archived(read_frames(workbook, REVIEWED_TABS, since), since)
    return review(frames, period, settings_from(frames[SETTINGS.name]), now)


def with_archived(frames: dict[str, pd.DataFrame], since: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The live frames and, for a period reaching back into archived years, the archive's rows too.

    A record live and archived at once (an archive run under way) counts once, as it is live.
    """
    merged = dict(frames)
    for tab in ARCHIVED_TABS:
        if tab.name not in frames:
            continue
        older = [table.df for table in archived_tables(tab, since.to_pydatetime())]
        older = [frame for frame in older if len(frame)]
        parts = [frame for frame in (frames[tab.name], *older) if len(frame)]
        if len(parts) > 1:
            whole = pd.concat(parts)
            merged[tab.name] = whole[~whole.index.duplicated(keep="first")]
        elif parts:
            merged[tab.name] = parts[0]
    return merged


def settings_from(settings: pd.DataFrame) -> dict[str, Any]:
    """The value in force of every declared setting, from the Settings tab's DataFrame."""
    if settings.empty:
        return {key: setting.default for key, setting in BY_KEY.items()}
    values = dict(zip(settings["key"], settings["value"], strict=True))
    return {key: read_setting(setting, values.get(key))[0] for key, setting in BY_KEY.items()}
