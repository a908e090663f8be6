"""The Summary tab: a fixed set of figures for managers, rewritten where they changed.

Each figure is one row, section + figure + value + as_of: open alerts per
area and severity, the oldest breach, and today's orders, shipments and
tickets. The set of rows never changes (a figure with nothing to count says
0 or "none"), so no row ever has to be deleted: a cycle writes the value of
a figure that changed (and its `as_of`, the moment that value was found),
appends a figure's row if it is missing, and leaves every other cell alone —
rows a person added below included.

Summary rows are keyed by section + figure (`sheets.tabs.SUMMARY`), so each
figure is rewritten in place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from sheets.schema import Tab
from sheets.table import Record, Table
from sheets.tabs import ALERT_OPEN, ALERT_RESOLVED, ALERTS, ORDERS, SUMMARY, TICKETS
from sheets.transaction import Transaction

if TYPE_CHECKING:
    from .effects import OpenAlert
    from .snapshot import Snapshot

log = logging.getLogger(__name__)


#: Alert areas (the part of a key before the dot) in the order managers read them.
AREAS = ("stock", "location", "procurement", "order", "service", "aftersales", "data")
SEVERITIES = ("breach", "warning", "info")
OPEN_ALERTS, OLDEST_BREACH, TODAY = "Open alerts", "Oldest breach", "Today"


@dataclass(frozen=True)
class Figure:
    section: str
    figure: str
    value: str


@dataclass(frozen=True)
class WriteSummary:
    """The Summary figures as they are now."""

    figures: tuple[Figure, ...]


def summarise(snapshot: Snapshot, alerts: Sequence[OpenAlert]) -> WriteSummary:
    """The figures for `alerts` (every condition holding now) and today's work in `snapshot`."""
    figures = [
        Figure(OPEN_ALERTS, f"{area} {severity}", str(count))
        for (area, severity), count in _alert_counts(alerts).items()
    ]
    figures.append(Figure(OPEN_ALERTS, "total", str(len(alerts))))
    figures += _oldest_breach(snapshot, alerts)
    figures += _today(snapshot)
    return WriteSummary(tuple(figures))


def _alert_counts(alerts: Sequence[OpenAlert]) -> dict[tuple[str, str], int]:
    counts = {(area, severity): 0 for area in AREAS for severity in SEVERITIES}
    for item in alerts:
        area = item.kind.split(".", 1)[0]
        if (area, item.severity) in counts:
            counts[area, item.severity] += 1
    return counts


def _oldest_breach(snapshot: Snapshot, alerts: Sequence[OpenAlert]) -> list[Figure]:
    breaches = [item for item in alerts if item.severity == "breach"]
    if not breaches:
        return [Figure(OLDEST_BREACH, "alert", "none"), Figure(OLDEST_BREACH, "since", "")]
    first_seen: dict[str, datetime] = {}
    for row in snapshot.table(ALERTS).records():
        if (row.status or ALERT_OPEN) != ALERT_RESOLVED and row.first_seen and row.key not in first_seen:
            first_seen[row.key] = row.first_seen
    since, oldest = min((first_seen.get(item.key, snapshot.now), item.key) for item in breaches)
    message = next(item.message for item in breaches if item.key == oldest)
    return [
        Figure(OLDEST_BREACH, "alert", message),
        Figure(OLDEST_BREACH, "since", since.strftime("%Y-%m-%d %H:%M")),
    ]


def _today(snapshot: Snapshot) -> list[Figure]:
    start = pd.Timestamp(snapshot.now.date())
    end = start + pd.Timedelta(days=1)

    def count(tab: Tab, column: str) -> str:
        values = snapshot.df(tab)[column]
        return str(int(((values >= start) & (values < end)).sum()))

    return [
        Figure(TODAY, "orders received", count(ORDERS, "created_at")),
        Figure(TODAY, "orders shipped", count(ORDERS, "shipped_at")),
        Figure(TODAY, "tickets opened", count(TICKETS, "opened_at")),
        Figure(TODAY, "tickets resolved", count(TICKETS, "resolved_at")),
    ]


def summary_changes(table: Table, summary: WriteSummary) -> list[tuple[Figure, Record | None]]:
    """The figures whose row is missing or holds another value, with the row (None: to append)."""
    rows: dict[tuple[str, str], Record] = {}
    for row in table.records():
        rows.setdefault((row.section or "", row.figure or ""), row)
    changed = []
    for figure in summary.figures:
        row = rows.get((figure.section, figure.figure))
        if row is None or (row.value or "") != figure.value:
            changed.append((figure, row))
    return changed


def write_summary(tx: Transaction, summary: WriteSummary, now: datetime) -> int:
    """Write the changed figures in `tx`; the number of rows written.

    Nothing is written when a person left the Summary rows so that a figure's
    row cannot be told apart (the same section and figure twice, say): that
    shows as a data issue, and the figures are written again once it is fixed.
    """
    table = tx.table(SUMMARY)
    if table.issues:
        log.warning("Summary not rewritten: %s", table.issues[0])
        return 0
    changed = summary_changes(table, summary)
    if any(row is not None and tx.get(SUMMARY, row.id) is None for _, row in changed):
        log.warning("Summary not rewritten: its rows cannot be found by section and figure")
        return 0
    for figure, row in changed:
        if row is None:
            values = {"section": figure.section, "figure": figure.figure}
            tx.insert(SUMMARY, {**values, "value": figure.value, "as_of": now})
        else:
            tx.update(row, {"value": figure.value, "as_of": now})
    return len(changed)
