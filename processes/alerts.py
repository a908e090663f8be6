"""Alerts the scheduled checks raise: listing them, and acknowledging one (managers only)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from i18n import _
from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from sheets.table import Record
from sheets.tabs import ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_RESOLVED, ALERTS
from sheets.workbook import Workbook


def acknowledge(workbook: Workbook, alert_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Mark an open alert as seen by a manager; it resolves itself when its condition clears."""
    require(by, Permission.ACKNOWLEDGE_ALERTS)
    with workbook.transaction(ALERTS, user=by.name, action="acknowledge alert") as tx:
        alert = tx.require(ALERTS, alert_id)
        if alert.status != ALERT_OPEN:
            raise ProcessError(
                _(
                    "Alert {alert_id} is {status}, not open: only an open alert is acknowledged.",
                    alert_id=alert_id,
                    status=alert.status,
                )
            )
        return tx.update(alert, {"status": ALERT_ACKNOWLEDGED}, base=base)


PER_PAGE = 50
_STATUS_ORDER = {ALERT_OPEN: 0, ALERT_ACKNOWLEDGED: 1, ALERT_RESOLVED: 2}
_SEVERITY_ORDER = {"breach": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class AlertQuery:
    status: str = ALERT_OPEN
    severity: str = "all"
    owner_role: str = "all"
    search: str = ""
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class AlertPage:
    alerts: list[Record]
    total: int  # alerts matching
    page: int
    pages: int
    unreadable: int  # rows of the tab that cannot be read (listed under Data issues)


def _matches(alert: Record, query: AlertQuery, needle: str) -> bool:
    if query.status != "all" and (alert.status or ALERT_OPEN) != query.status:
        return False
    if query.severity != "all" and (alert.severity or "warning") != query.severity:
        return False
    if query.owner_role != "all" and (alert.owner_role or "manager") != query.owner_role:
        return False
    if needle:
        text = " ".join(str(alert[name] or "") for name in ("alert_id", "kind", "ref", "message", "key"))
        return needle in text.casefold()
    return True


def _order(alert: Record) -> tuple[int, int, float]:
    last_seen = alert.last_seen or alert.first_seen or datetime.min
    return (
        _STATUS_ORDER.get(alert.status or ALERT_OPEN, 3),
        _SEVERITY_ORDER.get(alert.severity or "warning", 3),
        -last_seen.timestamp() if last_seen != datetime.min else math.inf,
    )


def alert_page(workbook: Workbook, query: AlertQuery) -> AlertPage:
    """One page of alerts matching `query`: open first, breaches first, most recently seen first."""
    table = workbook.table(ALERTS)
    needle = query.search.strip().casefold()
    matching = sorted((a for a in table.records() if _matches(a, query, needle)), key=_order)
    per_page = max(1, query.per_page)
    pages = max(1, math.ceil(len(matching) / per_page))
    page = min(max(1, query.page), pages)
    start = (page - 1) * per_page
    return AlertPage(matching[start : start + per_page], len(matching), page, pages, len(table.issues))
