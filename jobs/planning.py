"""Demand planning in the cycle: the forecast once a day, the stock plan every cycle, the Forecast tab kept.

Before the checks run, `refresh_plan` brings the Forecast tab up to date in
the cycle's snapshot: the forecast columns are computed again when the last
computation is `forecast_interval_hours` old (processes/planning/run.py), the
stock columns (projected stock, what to buy, what to move) follow the stock
as it is now. The checks read the plan from that tab (stock: the automatic
purchase requests; locations: the transfer suggestions), and `WriteForecast`
writes the rows whose cells changed in the cycle's one transaction: a quiet
cycle writes nothing.

A forecast that fails (a library error on odd data) is logged and the last
forecast stays in force; the plan is still worked out from it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from processes.planning.policy import Settings
from processes.planning.run import compute, forecast_columns_of, forecast_due, stock_rows
from sheets.cells import same_cell, to_cell
from sheets.reading import read_table
from sheets.table import Record, Table
from sheets.tabs import FORECAST, FORECAST_RUNS, PURCHASE_REQUESTS
from sheets.transaction import Transaction

from .snapshot import Snapshot

log = logging.getLogger(__name__)

Pair = tuple[str, str]


@dataclass(frozen=True)
class WriteForecast:
    """The Forecast tab as it should read: one row per product and location."""

    rows: Mapping[Pair, Mapping[str, Any]]
    run: Mapping[str, Any] | None = None  # a Forecast Runs row when the forecast was computed

    def less_requested(self, requested: Mapping[Pair, int]) -> WriteForecast:
        """The rows once the purchase requests this cycle raises are open: their quantity is asked for."""
        rows = dict(self.rows)
        for pair, qty in requested.items():
            if pair in rows:
                left = int(rows[pair].get("suggested_qty") or 0) - qty
                rows[pair] = {**rows[pair], "suggested_qty": max(left, 0)}
        return WriteForecast(rows, self.run)


@dataclass
class ForecastChanges:
    inserts: list[Mapping[str, Any]] = field(default_factory=list)
    updates: list[tuple[Record, dict[str, Any]]] = field(default_factory=list)
    deletes: list[Record] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates or self.deletes)


def refresh_plan(snapshot: Snapshot) -> tuple[Snapshot, WriteForecast]:
    """The snapshot with its Forecast tab as it should read now, and the write that makes the sheet so."""
    frames = {name: table.df.reset_index(drop=True) for name, table in snapshot.tables.items()}
    settings = Settings.of(snapshot.settings)
    current = snapshot.df(FORECAST)
    forecast = forecast_columns_of(current)
    run = None
    if forecast_due(current, snapshot.now, float(snapshot.setting("forecast_interval_hours"))):
        try:
            computed = compute(frames, settings, snapshot.now)
        except Exception:  # a forecast must never stop the checks: the last one stays in force
            log.exception("the demand forecast failed; the last forecast stays in force")
        else:
            forecast, run = computed.rows, computed.run
    rows = stock_rows(frames, forecast, settings)
    table = table_of(rows)
    return replace(snapshot, tables={**snapshot.tables, FORECAST.name: table}), WriteForecast(rows, run)


def requested_in(effects: Sequence[object]) -> dict[Pair, int]:
    """The quantity per product and location of the purchase requests among `effects`."""
    requested: dict[Pair, int] = {}
    for effect in effects:
        if getattr(effect, "tab", None) is PURCHASE_REQUESTS:
            pair = (effect.values["sku"], effect.values["location_id"])
            requested[pair] = requested.get(pair, 0) + int(effect.values["qty"])
    return requested


def table_of(rows: Mapping[Pair, Mapping[str, Any]]) -> Table:
    """A Forecast Table holding `rows`, as the sheet will once they are written."""
    columns = FORECAST.columns
    grid = [[column.name for column in columns]]
    grid += [
        [to_cell(column.kind, values.get(column.name)) for column in columns] for values in rows.values()
    ]
    return read_table(FORECAST, grid)


def forecast_changes(table: Table, wanted: WriteForecast) -> ForecastChanges:
    """What turns the Forecast rows of `table` into `wanted`: cells that differ, rows to add and remove."""
    changes = ForecastChanges()
    seen: set[Pair] = set()
    for record in table.records():
        pair = (record.sku, record.location_id)
        values = wanted.rows.get(pair)
        if values is None or pair in seen:
            changes.deletes.append(record)
            continue
        seen.add(pair)
        changed = {
            column.name: values.get(column.name)
            for column in FORECAST.columns
            if not same_cell(
                to_cell(column.kind, values.get(column.name)), to_cell(column.kind, record[column.name])
            )
        }
        if changed:
            changes.updates.append((record, changed))
    changes.inserts = [values for pair, values in wanted.rows.items() if pair not in seen]
    return changes


def write_forecast(tx: Transaction, wanted: WriteForecast) -> int:
    """Write the Forecast rows that changed (and the run, if any) in `tx`; the number of rows written."""
    changes = forecast_changes(tx.table(FORECAST), wanted)
    for record in changes.deletes:
        tx.delete(record)
    for record, values in changes.updates:
        tx.update(record, values)
    for values in changes.inserts:
        tx.insert(FORECAST, dict(values))
    if wanted.run is not None:
        tx.insert(FORECAST_RUNS, dict(wanted.run))
    return len(changes.deletes) + len(changes.updates) + len(changes.inserts)


def needs_writing(snapshot_table: Table, wanted: WriteForecast) -> bool:
    return wanted.run is not None or bool(forecast_changes(snapshot_table, wanted))
