"""What the checks ask for, and applying it: every change of a cycle in one transaction.

A check returns effects; it never writes. `apply_effects` compares them with
the record and writes only the difference, in ONE transaction (one
batchUpdate on Google, applied atomically):

- `OpenAlert`: one open row per key. A key without an open or acknowledged
  row gets a new row; an existing one is refreshed (message, severity...,
  and `last_seen`) only when something changed; an acknowledged one stays
  acknowledged. A resolved row is never reopened: the condition coming back
  is a new row.
- An open or acknowledged alert whose key no check that ran produced is resolved.
- `CreateRecord`: a record the checks raise themselves (an automatic
  purchase request); on the local backend not created when an equal one
  appeared since the snapshot (on Google see the window below).
- `WriteSummary`: the managers' Summary figures, written where they changed.
- `WriteLease`: the runner's lease row in the Summary tab (jobs/lease.py).
- `WriteForecast`: the Forecast tab's rows that changed, and a Forecast Runs
  row when the forecast was computed (jobs/planning.py).
- `FillCells`: blank cells of a record the app fills in (the SLA clock of a
  ticket added by hand); a cell a person filled since the snapshot is kept.
- `NameRows`: the rows of a tab a person typed without an ID get their ID
  (rule 3), so the next cycle can fill them in.

Only alerts the cycle's checks speak for (`covers`, from the areas that ran)
are compared: the alerts of a check skipped this cycle are neither resolved
nor refreshed.

The difference is worked out against the snapshot: when there is none no
transaction is opened (no request at all).

On Google the transaction starts from the snapshot's own rows (its seed)
instead of reading Alerts, Summary and the tabs it adds records to again, so
a changing cycle costs one read and one write. The window in which a
person's edit is not seen is therefore the time between the snapshot's read
and the write: the time the checks take (about a second at 100k orders: the
`window` figure of `python -m bench.jobs_cycle`). What an edit in that window
can do:

- Rows inserted, deleted above or sorted in Alerts or Summary: the write is
  aimed at the row positions of the snapshot, but the writer checks every
  written row's key in the answer to the write; cells that landed on another
  row are put back and written again on the row found by key (a fault path:
  it reads again).
- An alert acknowledged in the window: a refresh writes message, severity,
  owner and last_seen only, so the acknowledgement stays; a resolve sets
  `resolved`, which is where an acknowledged alert whose condition cleared
  goes anyway.
- A cell of an alert the cycle rewrites typed over in the window (the message
  say): the cycle's value wins, as it would have a moment later.
- An active alert row deleted in the window: the write fails (the key is gone),
  what landed of it is put back, and the next cycle reads afresh.
- A purchase request a person enters in the window for a product the cycle
  reorders: both are kept (the next cycle counts both and asks for no more).

On the local backend the transaction reads fresh (a local read costs no
request), and also respects edits made in that window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sheets.schema import Tab
from sheets.table import Key, Record, Table
from sheets.tabs import ALERT_ACTIVE, ALERT_OPEN, ALERT_RESOLVED, ALERTS, FORECAST, FORECAST_RUNS, SUMMARY
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from .lease import WriteLease, write_lease
from .planning import WriteForecast, needs_writing, write_forecast
from .snapshot import Snapshot
from .summary import WriteSummary, summary_changes, write_summary

#: The name the checks write under (Audit, updated_by).
JOBS_USER = "scheduled checks"

#: An alert still standing, seen or not: one row per key.
ACTIVE = ALERT_ACTIVE
ALERT_FIELDS = ("kind", "severity", "ref", "message", "owner_role")


@dataclass(frozen=True)
class OpenAlert:
    """A condition that holds now; `key` (`area.condition:ref`) names it across cycles."""

    key: str
    kind: str
    severity: str  # info, warning, breach
    ref: str
    message: str
    owner_role: str  # staff or manager


@dataclass(frozen=True)
class CreateRecord:
    """A record to add; `match` (column -> accepted values) says what an equal record looks like."""

    tab: Tab
    values: Mapping[str, Any]
    dedupe_key: str  # one record per key per cycle
    match: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class FillCells:
    """Cells of the record `key` of `tab` to set where they are still blank."""

    tab: Tab
    key: Key
    values: Mapping[str, Any]


@dataclass(frozen=True)
class NameRows:
    """Give the rows of `tab` a person typed without an ID their ID."""

    tab: Tab


Effect = OpenAlert | CreateRecord | WriteSummary | WriteLease | WriteForecast | FillCells | NameRows


def every_key(key: str) -> bool:
    return True


def no_key(key: str) -> bool:
    """For a write that is not about alerts (a lease claim): every alert row is left alone."""
    return False


def alert(kind: str, ref: str, severity: str, message: str, owner_role: str) -> OpenAlert:
    """An OpenAlert keyed `kind:ref`."""
    return OpenAlert(f"{kind}:{ref}", kind, severity, ref, message, owner_role)


@dataclass
class AppliedReport:
    opened: int = 0
    refreshed: int = 0
    resolved: int = 0
    created: int = 0
    filled: int = 0  # records whose blank cells were filled in
    named: int = 0  # rows given their ID
    summary_rows: int = 0
    forecast_rows: int = 0  # Forecast rows added, changed or removed
    forecast_computed: bool = False  # a Forecast Runs row was written
    lease_written: bool = False
    read: bool = False  # whether the transaction read the record again (not when seeded by the snapshot)
    committed: bool = False  # whether it wrote anything

    @property
    def requests(self) -> int:
        """Calls to the record this apply made: the transaction's own read if any, and its one write."""
        return int(self.read) + int(self.committed)


@dataclass
class AlertChanges:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    refreshes: list[tuple[Record, dict[str, Any]]] = field(default_factory=list)
    resolves: list[Record] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.refreshes or self.resolves)


def alert_changes(
    alerts: Table, wanted: Sequence[OpenAlert], now: datetime, covers: Callable[[str], bool] = every_key
) -> AlertChanges:
    """What turns the Alerts rows into exactly one active row per wanted key, and no other active row.

    Rows whose key `covers` says no for (a check that did not run) are left as they are.
    """
    by_key = {item.key: item for item in wanted}
    current: dict[str, Record] = {}
    changes = AlertChanges()
    for row in alerts.records():
        if (row.status or ALERT_OPEN) not in ACTIVE or not covers(row.key or ""):
            continue
        if row.key in by_key and row.key not in current:
            current[row.key] = row
        else:  # the condition is gone, or a second active row for the same key
            changes.resolves.append(row)
    for key, item in by_key.items():
        row = current.get(key)
        values = {name: getattr(item, name) for name in ALERT_FIELDS}
        if row is None:
            changes.inserts.append(
                {"key": key, **values, "status": ALERT_OPEN, "first_seen": now, "last_seen": now}
            )
            continue
        changed = {name: value for name, value in values.items() if (row[name] or "") != value}
        if changed:
            changes.refreshes.append((row, {**changed, "last_seen": now}))
    return changes


def still_active(alerts: Table, covers: Callable[[str], bool]) -> list[OpenAlert]:
    """The active alerts no check of this cycle speaks for, as they stand (one per key): for the Summary."""
    found: dict[str, OpenAlert] = {}
    for row in alerts.records():
        key = row.key or ""
        if (row.status or ALERT_OPEN) in ACTIVE and not covers(key) and key not in found:
            found[key] = OpenAlert(key, *(row[name] or "" for name in ALERT_FIELDS))
    return list(found.values())


def records_to_create(
    creates: Sequence[CreateRecord], before: Table | None, now: Table | None
) -> list[CreateRecord]:
    """The creations still wanted: one per dedupe key, none when an equal record appeared since `before`."""
    unique = list({item.dedupe_key: item for item in creates}.values())
    if before is None or now is None:
        return unique
    seen_before = set(before.keys())
    appeared = [row for row in now.records() if row.id not in seen_before]
    return [
        item
        for item in unique
        if not any(all(row[name] in accepted for name, accepted in item.match.items()) for row in appeared)
    ]


@dataclass
class Wanted:
    """A cycle's effects, sorted by what they do."""

    alerts: list[OpenAlert]
    creates: list[CreateRecord]
    summary: WriteSummary | None
    lease: WriteLease | None
    covers: Callable[[str], bool]
    forecast: WriteForecast | None = None
    fills: list[FillCells] = field(default_factory=list)
    names: list[NameRows] = field(default_factory=list)


def apply_effects(
    workbook: Workbook,
    snapshot: Snapshot,
    effects: Sequence[Effect],
    covers: Callable[[str], bool] = every_key,
) -> AppliedReport:
    """Write what `effects` change, in one transaction; nothing at all when they change nothing.

    `covers` says which alert keys the cycle's checks speak for (default: all).
    """
    summaries = [item for item in effects if isinstance(item, WriteSummary)]
    leases = [item for item in effects if isinstance(item, WriteLease)]
    forecasts = [item for item in effects if isinstance(item, WriteForecast)]
    wanted = Wanted(
        alerts=[item for item in effects if isinstance(item, OpenAlert)],
        creates=[item for item in effects if isinstance(item, CreateRecord)],
        summary=summaries[-1] if summaries else None,
        lease=leases[-1] if leases else None,
        covers=covers,
        forecast=forecasts[-1] if forecasts else None,
        fills=[item for item in effects if isinstance(item, FillCells)],
        names=[item for item in effects if isinstance(item, NameRows)],
    )
    if not _anything_to_do(snapshot, wanted):
        return AppliedReport()
    written = (*wanted.creates, *wanted.fills, *wanted.names)
    tabs = {ALERTS.name: ALERTS, **{item.tab.name: item.tab for item in written}}
    if wanted.summary is not None or wanted.lease is not None:
        tabs[SUMMARY.name] = SUMMARY
    if wanted.forecast is not None:
        tabs[FORECAST.name] = FORECAST
        if wanted.forecast.run is not None:
            tabs[FORECAST_RUNS.name] = FORECAST_RUNS
    with workbook.transaction(
        *tabs.values(), user=JOBS_USER, action="scheduled checks", seed=snapshot.seed
    ) as tx:
        report = _apply(tx, snapshot, wanted)
    report.read = snapshot.seed is None
    report.committed = (
        report.lease_written
        or report.forecast_computed
        or bool(
            report.opened
            + report.refreshed
            + report.resolved
            + report.created
            + report.filled
            + report.named
            + report.summary_rows
            + report.forecast_rows
        )
    )
    return report


def _anything_to_do(snapshot: Snapshot, wanted: Wanted) -> bool:
    if wanted.creates or wanted.fills or wanted.names or wanted.lease is not None:
        return True
    if wanted.forecast is not None and needs_writing(snapshot.table(FORECAST), wanted.forecast):
        return True
    if alert_changes(snapshot.table(ALERTS), wanted.alerts, snapshot.now, wanted.covers):
        return True
    summary = wanted.summary
    return summary is not None and bool(summary_changes(snapshot.tables[SUMMARY.name], summary))


def _apply(tx: Transaction, snapshot: Snapshot, wanted: Wanted) -> AppliedReport:
    now = snapshot.now
    report = AppliedReport()
    changes = alert_changes(tx.table(ALERTS), wanted.alerts, now, wanted.covers)
    for values in changes.inserts:
        tx.insert(ALERTS, values)
    for row, values in changes.refreshes:
        tx.update(row, values)
    for row in changes.resolves:
        tx.update(row, {"status": ALERT_RESOLVED, "resolved_at": now, "last_seen": row.last_seen or now})
    report.opened, report.refreshed, report.resolved = (
        len(changes.inserts),
        len(changes.refreshes),
        len(changes.resolves),
    )
    by_tab: dict[str, list[CreateRecord]] = {}
    for item in wanted.creates:
        by_tab.setdefault(item.tab.name, []).append(item)
    for name, items in by_tab.items():
        tab = items[0].tab
        for item in records_to_create(items, snapshot.tables.get(name), tx.table(tab)):
            tx.insert(tab, dict(item.values))
            report.created += 1
    for fill in wanted.fills:
        report.filled += _fill(tx, fill)
    for item in wanted.names:
        report.named += tx.assign_missing_ids(item.tab, whole=True)
    if wanted.summary is not None:
        report.summary_rows = write_summary(tx, wanted.summary, now)
    if wanted.lease is not None:
        report.lease_written = write_lease(tx, wanted.lease, now)
    if wanted.forecast is not None:
        report.forecast_rows = write_forecast(tx, wanted.forecast)
        report.forecast_computed = wanted.forecast.run is not None
    return report


def _fill(tx: Transaction, fill: FillCells) -> int:
    """Set the cells of `fill` that are still blank in the record now; 1 if any was, else 0."""
    record = tx.get(fill.tab, fill.key)
    if record is None:  # deleted since the snapshot
        return 0
    blank = {name: value for name, value in fill.values.items() if record[name] is None}
    if blank:
        tx.update(record, blank)
    return int(bool(blank))
