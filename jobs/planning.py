"""Demand planning in the cycle: the forecast once a day, the stock plan every cycle, the Forecast tab kept.

Before the checks run, `refresh_plan` brings the Forecast tab up to date in
the cycle's snapshot: the forecast columns are computed again when the last
computation (the newest Forecast Runs row) is `forecast_interval_hours` old (processes/planning/run.py), the
stock columns (projected stock, what to buy, what to move) follow the stock
as it is now. The checks read the plan from that tab (stock: the automatic
purchase requests; locations: the transfer suggestions), and `WriteForecast`
writes the rows whose cells changed in the cycle's one transaction: a quiet
cycle writes nothing. Rows are compared column by column, so a cycle over
tens of thousands of Stock rows stays cheap.

A forecast that fails (a library error on odd data) is logged and the last
forecast stays in force; the plan is still worked out from it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from processes.planning.policy import Settings
from processes.planning.run import compute, forecast_columns_of, forecast_due, stock_rows
from sheets.schema import Kind
from sheets.table import Record, Table
from sheets.tabs import FORECAST, FORECAST_RUNS, PURCHASE_REQUESTS
from sheets.transaction import Transaction

from .snapshot import Snapshot

log = logging.getLogger(__name__)

Pair = tuple[str, str]
NUMERIC = (Kind.INT, Kind.NUMBER)


@dataclass(frozen=True)
class WriteForecast:
    """The Forecast tab as it should read: every column, one row per (sku, location_id) of the index."""

    rows: pd.DataFrame
    run: Mapping[str, Any] | None = None  # a Forecast Runs row when the forecast was computed

    def less_requested(self, requested: Mapping[Pair, int]) -> WriteForecast:
        """The rows once the purchase requests this cycle raises are open: their quantity is asked for."""
        rows = self.rows
        pairs = [pair for pair in requested if pair in rows.index]
        if pairs:
            rows = rows.copy()
            asked = pd.Series({pair: requested[pair] for pair in pairs})
            rows.loc[pairs, "suggested_qty"] = (rows.loc[pairs, "suggested_qty"] - asked).clip(lower=0)
        return WriteForecast(worth_a_row(rows), self.run)


@dataclass
class ForecastChanges:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[Record, dict[str, Any]]] = field(default_factory=list)
    deletes: list[Record] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates or self.deletes)


def refresh_plan(snapshot: Snapshot) -> tuple[Snapshot, WriteForecast]:
    """The snapshot with its Forecast tab as it should read now, and the write that makes the sheet so."""
    frames = {name: table.df.reset_index(drop=True) for name, table in snapshot.tables.items()}
    settings = Settings.of(snapshot.settings)
    current = snapshot.df(FORECAST).reset_index(drop=True)
    forecast = forecast_columns_of(current)
    run = None
    runs = snapshot.df(FORECAST_RUNS)
    if forecast_due(runs, snapshot.now, float(snapshot.setting("forecast_interval_hours"))):
        try:
            computed = compute(frames, settings, snapshot.now)
        except Exception:  # a forecast must never stop the checks: the last one stays in force
            log.exception("the demand forecast failed; the last forecast stays in force")
        else:
            forecast, run = computed.rows, computed.run
    rows = worth_a_row(stock_rows(frames, forecast, settings))
    planned = replace(snapshot, tables={**snapshot.tables, FORECAST.name: table_of(rows)})
    return planned, WriteForecast(rows, run)


def worth_a_row(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows the Forecast tab keeps: a forecast, or something to buy, move or say.

    A Stock row that sold nothing for a year and needs nothing has no row: a shop with
    thousands of dormant rows keeps its sheet (and each cycle's read) small.
    """
    keep = (
        rows["computed_at"].notna()
        | rows["suggested_qty"].gt(0)
        | rows["transfer_qty"].fillna(0).gt(0)
        | rows["note"].notna()
    )
    return rows[keep]


def requested_in(effects: Sequence[object]) -> dict[Pair, int]:
    """The quantity per product and location of the purchase requests among `effects`."""
    requested: dict[Pair, int] = {}
    for effect in effects:
        if getattr(effect, "tab", None) is PURCHASE_REQUESTS:
            pair = (effect.values["sku"], effect.values["location_id"])
            requested[pair] = requested.get(pair, 0) + int(effect.values["qty"])
    return requested


def table_of(rows: pd.DataFrame) -> Table:
    """A Forecast Table holding `rows`, as the sheet will once they are written."""
    columns = {column.name: _values(rows[column.name], column.kind) for column in FORECAST.columns}
    return Table(FORECAST, columns, list(range(2, len(rows) + 2)))


def _values(series: pd.Series, kind: Kind) -> list[Any]:
    """A column's cells as the record layer types them (plain Python values), None for a blank."""
    if kind is Kind.DATETIME:
        typed = pd.to_datetime(series)
    elif kind in NUMERIC:
        typed = pd.to_numeric(series, errors="coerce")
        typed = typed.round().astype("Int64") if kind is Kind.INT else typed
    else:
        typed = series
    return typed.astype(object).where(typed.notna(), None).tolist()


def forecast_changes(table: Table, wanted: WriteForecast) -> ForecastChanges:
    """What turns the Forecast rows of `table` into `wanted`: cells that differ, rows to add and remove."""
    changes = ForecastChanges()
    wanted_keys = set(wanted.rows.index)
    positions: dict[Pair, int] = {}
    for index, key in enumerate(zip(table.columns["sku"], table.columns["location_id"], strict=True)):
        if key in positions or key not in wanted_keys:  # a second row for a key, or a key no longer planned
            changes.deletes.append(table.record_at(index))
        else:
            positions[key] = index
    if positions:
        shared = list(positions)
        here = table.df.iloc[list(positions.values())]
        there = wanted.rows.loc[shared]
        differs = np.column_stack(
            [_differs(here[column.name], there[column.name], column.kind) for column in FORECAST.columns]
        )
        for number in np.flatnonzero(differs.any(axis=1)):
            names = [
                name for name, changed in zip(FORECAST.column_names, differs[number], strict=True) if changed
            ]
            values = there.iloc[number]
            record = table.record_at(positions[shared[number]])
            changes.updates.append((record, {name: _cell(values[name]) for name in names}))
    new = [key for key in wanted.rows.index if key not in positions]
    changes.inserts = [
        {name: _cell(value) for name, value in row.items()} for row in wanted.rows.loc[new].to_dict("records")
    ]
    return changes


def _differs(here: pd.Series, there: pd.Series, kind: Kind) -> np.ndarray:
    """Which cells differ, position by position; blanks equal blanks, numbers to the sixth decimal."""
    if kind in NUMERIC:
        left = pd.to_numeric(here, errors="coerce").to_numpy(dtype="float64")
        right = pd.to_numeric(there, errors="coerce").to_numpy(dtype="float64")
        return ~(np.isnan(left) & np.isnan(right)) & ~(np.abs(left - right) < 1e-6)
    if kind is Kind.DATETIME:
        left = pd.to_datetime(here).to_numpy(dtype="datetime64[ns]")
        right = pd.to_datetime(there).to_numpy(dtype="datetime64[ns]")
        return ~(np.isnat(left) & np.isnat(right)) & (left != right)
    blank = "\x00"  # no cell holds it
    left = here.astype(object).where(here.notna(), blank).to_numpy()
    right = there.astype(object).where(there.notna(), blank).to_numpy()
    return left != right


def _cell(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def write_forecast(tx: Transaction, wanted: WriteForecast) -> int:
    """Write the Forecast rows that changed (and the run, if any) in `tx`; the number of rows written."""
    changes = forecast_changes(tx.table(FORECAST), wanted)
    for record in changes.deletes:
        tx.delete(record)
    for record, values in changes.updates:
        tx.update(record, values)
    for values in changes.inserts:
        tx.insert(FORECAST, values)
    if wanted.run is not None:
        tx.insert(FORECAST_RUNS, dict(wanted.run))
    return len(changes.deletes) + len(changes.updates) + len(changes.inserts)


def needs_writing(snapshot_table: Table, wanted: WriteForecast) -> bool:
    return wanted.run is not None or bool(forecast_changes(snapshot_table, wanted))
