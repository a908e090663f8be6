"""One cycle of the scheduled checks: snapshot (one read) -> the checks that are due -> effects in one write.

`run_cycle(workbook)` alone runs every check. A runner passes its
`CycleState`, which carries from one cycle to the next when each area's
checks last ran (so only the due ones run, see jobs/checks) and, on Google,
the runner's name for the lease that keeps a second machine's runner from
acting at the same time (jobs/lease.py).

Costs on Google (rule 7), whatever the number of rows: a cycle that changes
something makes one values:batchGet (the snapshot) and one batchUpdate (every
effect, a lease claim or renewal included); a quiet cycle only the read. Only
a person moving rows while the cycle writes costs more: the writer reads
again to put them right.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import i18n
from sheets.tabs import ALERTS, SUMMARY
from sheets.workbook import Workbook

from .checks import AREA_NAMES, covered_by, due_areas, run_areas
from .effects import JOBS_USER, OpenAlert, apply_effects, no_key, still_active
from .lease import (
    ACT,
    CLAIM,
    LEASE_CYCLES,
    LeaseDecision,
    decide,
    lease_key,
    new_holder,
    parse_lease,
    read_claims,
    this_host,
)
from .planning import refresh_plan, requested_in
from .snapshot import History, Snapshot, first_read, with_big_tabs
from .summary import summarise


@dataclass
class CycleState:
    """What a runner carries from one cycle to the next."""

    holder: str = field(default_factory=new_holder)
    seat: str = field(default_factory=this_host)  # names this machine's lease row
    last_ran: dict[str, datetime] = field(default_factory=dict)  # area -> the snapshot time it last ran
    uses_lease: bool = False  # set by the first cycle on Google
    lease: LeaseDecision | None = None  # the last cycle's
    history: History = field(default_factory=History)  # what it keeps of the big tabs (jobs/snapshot.py)

    def holds_lease(self, now: datetime) -> bool:
        """Whether this runner may act now: no lease in use, or ours as the last cycle left it."""
        if not self.uses_lease:
            return True
        until = self.lease.until if self.lease is not None else None
        return until is not None and now < until


@dataclass(frozen=True)
class CycleReport:
    opened: int  # new alert rows
    refreshed: int  # alert rows whose message, severity or owner changed
    resolved: int  # alerts whose condition cleared
    created: int  # records the checks raised (automatic purchase requests)
    summary_rows: int  # Summary figures written
    requests: int  # calls to the record: the snapshot's read, a transaction's read (not on Google) and write
    seconds: float
    ran: tuple[str, ...] = AREA_NAMES  # the areas whose checks ran
    lease: str = ""  # on Google: what this runner did about the lease
    #: From the snapshot's read to the write: the window in which a person's edit is not seen.
    checks_seconds: float = 0.0
    forecast_rows: int = 0  # Forecast rows added, changed or removed
    forecast_computed: bool = False  # the demand forecast was computed this cycle
    filled: int = 0  # records whose missing cells the checks filled in (a ticket's SLA clock)

    def __str__(self) -> str:
        if self.lease and not self.ran:
            return f"{self.lease} ({self.requests} requests, {self.seconds:.2f} s)"
        skipped = [area for area in AREA_NAMES if area not in self.ran]
        return (
            f"{self.opened} alerts opened, {self.refreshed} refreshed, {self.resolved} resolved, "
            f"{self.created} records created, {self.summary_rows} summary figures written"
            + (", forecast computed" if self.forecast_computed else "")
            + (f", {self.forecast_rows} forecast rows written" if self.forecast_rows else "")
            + (f", {self.filled} records filled in" if self.filled else "")
            + (f"; not due: {', '.join(skipped)}" if skipped else "")
            + (f"; {self.lease}" if self.lease else "")
            + f" ({self.requests} requests, {self.seconds:.2f} s)"
        )


def run_cycle(
    workbook: Workbook, now: datetime | None = None, *, state: CycleState | None = None
) -> CycleReport:
    """Run the due checks once against the workbook as it is at `now` (default: the workbook's clock).

    Without `state` every check runs and no lease is used (one-off runs, tests, benchmarks).
    """
    started = time.perf_counter()
    snapshot = first_read(workbook, now or workbook.clock())
    decision = None
    if state is not None and workbook.kind == "google":
        state.uses_lease = True
        decision = _lease_step(snapshot, state)
        if decision.step != ACT:
            state.lease = decision
            return _lease_only(workbook, snapshot, decision, started)
    snapshot = with_big_tabs(workbook, snapshot, state.history if state is not None else None)
    read_done = time.perf_counter()
    due = due_areas(snapshot, state.last_ran) if state is not None else AREA_NAMES
    with i18n.use_language(snapshot.setting("sheet_language")):  # alerts are written for the sheet's readers
        planned, forecast = refresh_plan(
            snapshot
        )  # the checks read the plan; the write compares with the sheet
        effects, areas = run_areas(planned, due)
    effects.append(forecast.less_requested(requested_in(effects)))
    covers = covered_by(areas, read_in_part=snapshot.partial)
    found = [item for item in effects if isinstance(item, OpenAlert)]
    effects.append(summarise(snapshot, found + still_active(snapshot.table(ALERTS), covers)))
    if decision is not None and decision.write is not None:
        effects.append(decision.write)  # the renewal rides with the effects
    checks_seconds = time.perf_counter() - read_done
    applied = apply_effects(workbook, snapshot, effects, covers)
    if state is not None:
        state.last_ran.update(dict.fromkeys(areas, snapshot.now))
        state.lease = decision
    return CycleReport(
        opened=applied.opened,
        refreshed=applied.refreshed,
        resolved=applied.resolved,
        created=applied.created,
        summary_rows=applied.summary_rows,
        requests=1 + applied.requests,
        seconds=time.perf_counter() - started,
        ran=areas,
        lease=_said(decision),
        checks_seconds=checks_seconds,
        forecast_rows=applied.forecast_rows,
        forecast_computed=applied.forecast_computed,
        filled=applied.filled,
    )


def _lease_step(snapshot: Snapshot, state: CycleState) -> LeaseDecision:
    length = timedelta(minutes=float(snapshot.setting("jobs_cycle_minutes")) * LEASE_CYCLES)
    return decide(read_claims(snapshot.table(SUMMARY)), state.holder, state.seat, snapshot.now, length)


def _lease_only(
    workbook: Workbook, snapshot: Snapshot, decision: LeaseDecision, started: float
) -> CycleReport:
    """A cycle that claims the lease, or waits for another runner's: no check runs."""
    applied = apply_effects(workbook, snapshot, [decision.write], no_key) if decision.write else None
    return CycleReport(
        opened=0,
        refreshed=0,
        resolved=0,
        created=0,
        summary_rows=0,
        requests=1 + (applied.requests if applied else 0),
        seconds=time.perf_counter() - started,
        ran=(),
        lease=_said(decision),
    )


def _said(decision: LeaseDecision | None) -> str:
    if decision is None:
        return ""
    if decision.step == CLAIM:
        return (
            f"lease claimed until {decision.write.until:%H:%M:%S}; checks run once the next cycle confirms it"
        )
    if decision.step != ACT:
        return f"another runner holds the lease ({decision.lease}); this one waits"
    if decision.write is not None:
        return f"lease renewed until {decision.write.until:%H:%M:%S}"
    return f"lease held until {decision.lease.until:%H:%M:%S}"


def release_lease(workbook: Workbook, state: CycleState) -> bool:
    """Blank the lease row if it still names this runner (on stop); True if it did."""
    if not state.uses_lease or state.lease is None or state.lease.step not in (ACT, CLAIM):
        return False
    with workbook.transaction(SUMMARY, user=JOBS_USER, action="scheduled checks stopped") as tx:
        record = tx.get(SUMMARY, lease_key(state.seat))
        if record is None or parse_lease(record.value).holder != state.holder:
            return False
        tx.update(record, {"value": "", "as_of": workbook.clock()})
    state.lease = None
    return True
