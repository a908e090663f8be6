"""Alerts the scheduled checks raise: acknowledging one (managers only)."""

from __future__ import annotations

from processes.errors import ProcessError
from processes.permissions import Actor, Permission, require
from sheets.table import Record
from sheets.tabs import ALERTS
from sheets.workbook import Workbook


def acknowledge(workbook: Workbook, alert_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """Mark an open alert as seen by a manager; it resolves itself when its condition clears."""
    require(by, Permission.ACKNOWLEDGE_ALERTS)
    with workbook.transaction(ALERTS, user=by.name, action="acknowledge alert") as tx:
        alert = tx.require(ALERTS, alert_id)
        if alert.status != "open":
            raise ProcessError(
                f"Alert {alert_id} is {alert.status}, not open: only an open alert is acknowledged."
            )
        return tx.update(alert, {"status": "acknowledged"}, base=base)
