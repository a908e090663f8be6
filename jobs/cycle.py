"""One cycle of the scheduled checks: snapshot (one read) -> every check -> effects applied in one write."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sheets.workbook import Workbook

from .checks import run_checks
from .effects import OpenAlert, apply_effects
from .snapshot import take_snapshot
from .summary import summarise


@dataclass(frozen=True)
class CycleReport:
    opened: int  # new alert rows
    refreshed: int  # alert rows whose message, severity or owner changed
    resolved: int  # alerts whose condition cleared
    created: int  # records the checks raised (automatic purchase requests)
    summary_rows: int  # Summary figures written
    requests: int  # calls to the record: the snapshot's read, and a transaction's read and write if any
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.opened} alerts opened, {self.refreshed} refreshed, {self.resolved} resolved, "
            f"{self.created} records created, {self.summary_rows} summary figures written "
            f"({self.requests} requests, {self.seconds:.2f} s)"
        )


def run_cycle(workbook: Workbook, now: datetime | None = None) -> CycleReport:
    """Run every check once against the workbook as it is at `now` (default: the workbook's clock)."""
    started = time.perf_counter()
    snapshot = take_snapshot(workbook, now or workbook.clock())
    effects = run_checks(snapshot)
    effects.append(summarise(snapshot, [item for item in effects if isinstance(item, OpenAlert)]))
    applied = apply_effects(workbook, snapshot, effects)
    return CycleReport(
        opened=applied.opened,
        refreshed=applied.refreshed,
        resolved=applied.resolved,
        created=applied.created,
        summary_rows=applied.summary_rows,
        requests=1 + applied.requests,
        seconds=time.perf_counter() - started,
    )
