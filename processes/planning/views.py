"""What the planning pages show: the plan per product and location, one product's forecast, a suggestion.

The plan list reads the Forecast tab as the last cycle wrote it. A product's
page forecasts its series again (the same engine, the same choice of method
for the same history) to draw the forecast band; the purchase request form
works the plan out from the stock as it is this moment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from i18n import _
from processes.errors import ProcessError
from processes.export_files import write_csv
from processes.review import settings_from
from sheets.table import Table
from sheets.tabs import FORECAST, LOCATIONS, ORDER_LINES, ORDERS, PRODUCTS, SETTINGS
from sheets.workbook import Workbook

from .demand import daily_demand, dense_series
from .forecast import forecast_all
from .policy import PLAN_TABS, Settings, lead_times
from .run import forecast_columns_of, stock_rows

PAGE_SIZE = 50
#: The band drawn around a forecast: 80% of days should fall inside it.
BAND_Z = 1.2816
#: Days of history a product's chart shows.
CHART_HISTORY_DAYS = 120
SHOW_ALL, SHOW_BUY, SHOW_MOVE = "all", "buy", "move"
SORTABLE = (
    "sku",
    "location",
    "daily_demand",
    "days_of_cover",
    "projected",
    "reorder_point",
    "suggested_qty",
    "transfer_qty",
    "accuracy",
)


@dataclass(frozen=True)
class PlanQuery:
    search: str = ""
    location_id: str | None = None
    show: str = SHOW_ALL  # all, buy (something to buy), move (a transfer suggested)
    sort: str = "days_of_cover"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class PlanLine:
    sku: str
    name: str
    location_id: str
    location: str
    daily_demand: float | None
    days_of_cover: float | None
    projected: int | None
    reorder_point: int | None
    safety_stock: float | None
    suggested_qty: int
    transfer_from: str | None
    transfer_from_name: str | None
    transfer_qty: int
    method: str | None
    accuracy: float | None
    baseline_accuracy: float | None
    lead_time_days: int | None
    history_days: int | None
    note: str | None


@dataclass(frozen=True)
class PlanPage:
    lines: list[PlanLine]
    total: int
    to_buy: int  # lines (of all, not just this page) with something to buy
    to_move: int  # lines with a transfer suggested
    computed_at: datetime | None
    page: int = 1
    pages: int = 1


def plan_lines(workbook: Workbook) -> tuple[list[PlanLine], datetime | None]:
    """Every line of the Forecast tab, with product and location names, and when the forecast was computed."""
    return lines_of(workbook.tables(FORECAST, PRODUCTS, LOCATIONS))


def lines_of(tables: Mapping[str, Table]) -> tuple[list[PlanLine], datetime | None]:
    """The plan lines of tables already read (Forecast, Products, Locations)."""
    products = {row.sku: row.name or row.sku for row in tables[PRODUCTS.name].records()}
    locations = {row.location_id: row.name or row.location_id for row in tables[LOCATIONS.name].records()}
    return [
        PlanLine(
            sku=row.sku,
            name=products.get(row.sku, row.sku),
            location_id=row.location_id,
            location=locations.get(row.location_id, row.location_id),
            daily_demand=row.daily_demand,
            days_of_cover=row.days_of_cover,
            projected=row.projected,
            reorder_point=row.reorder_point,
            safety_stock=row.safety_stock,
            suggested_qty=row.suggested_qty or 0,
            transfer_from=row.transfer_from,
            transfer_from_name=locations.get(row.transfer_from, row.transfer_from)
            if row.transfer_from
            else None,
            transfer_qty=row.transfer_qty or 0,
            method=row.method,
            accuracy=row.accuracy,
            baseline_accuracy=row.baseline_accuracy,
            lead_time_days=row.lead_time_days,
            history_days=row.history_days,
            note=row.note,
        )
        for row in tables[FORECAST.name].records()
    ], max((row.computed_at for row in tables[FORECAST.name].records() if row.computed_at), default=None)


def plan_page(workbook: Workbook, query: PlanQuery) -> PlanPage:
    """The plan lines matching `query`, sorted, one page of them."""
    lines, computed_at = plan_lines(workbook)
    chosen = [line for line in lines if _matches(line, query)]
    chosen.sort(key=_sort_key(query.sort), reverse=query.descending)
    pages = max(1, math.ceil(len(chosen) / PAGE_SIZE))
    page = min(max(query.page, 1), pages)
    return PlanPage(
        lines=chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(chosen),
        to_buy=sum(line.suggested_qty > 0 for line in lines),
        to_move=sum(line.transfer_qty > 0 for line in lines),
        computed_at=computed_at,
        page=page,
        pages=pages,
    )


def _matches(line: PlanLine, query: PlanQuery) -> bool:
    if query.location_id and line.location_id != query.location_id:
        return False
    if query.show == SHOW_BUY and not line.suggested_qty:
        return False
    if query.show == SHOW_MOVE and not line.transfer_qty:
        return False
    needle = query.search.strip().casefold()
    return not needle or needle in f"{line.sku} {line.name} {line.location}".casefold()


def _sort_key(column: str):
    if column not in SORTABLE:
        column = "days_of_cover"

    def key(line: PlanLine):
        value = getattr(line, column)
        if value is None:  # blanks last, whichever way
            return (1, 0)
        return (0, value.casefold() if isinstance(value, str) else value)

    return key


EXPORT_COLUMNS = (
    "sku",
    "name",
    "location_id",
    "location",
    "daily_demand",
    "days_of_cover",
    "projected",
    "reorder_point",
    "safety_stock",
    "suggested_qty",
    "transfer_from",
    "transfer_qty",
    "method",
    "accuracy",
    "baseline_accuracy",
    "lead_time_days",
    "history_days",
    "note",
)


def plan_csv(workbook: Workbook, query: PlanQuery) -> bytes:
    """Every line matching `query` (all pages) as CSV, sorted as the page sorts them.

    Written by the export's own writer: formula-like text is kept as text.
    """
    lines, _computed = plan_lines(workbook)
    chosen = sorted((line for line in lines if _matches(line, query)), key=_sort_key(query.sort))
    if query.descending:
        chosen.reverse()
    return write_csv([EXPORT_COLUMNS, *([getattr(line, name) for name in EXPORT_COLUMNS] for line in chosen)])


# one product ------------------------------------------------------------------------


@dataclass(frozen=True)
class LocationForecast:
    location_id: str
    location: str
    days: list[str]  # ISO dates: the history shown, then the forecast
    history: list[float | None]  # units sold per day (None over the forecast)
    forecast: list[float | None]  # forecast per day (None over the history)
    low: list[float | None]  # the band
    high: list[float | None]
    method: str
    accuracy: float | None
    baseline_accuracy: float | None
    daily_demand: float
    history_days: int
    line: PlanLine | None = None  # the plan line of the Forecast tab, if any


@dataclass(frozen=True)
class ProductForecast:
    sku: str
    name: str
    locations: list[LocationForecast] = field(default_factory=list)


def product_forecast(workbook: Workbook, sku: str, now: datetime | None = None) -> ProductForecast:
    """History and forecast band of one product at each location it sold at."""
    tables = workbook.tables(ORDERS, ORDER_LINES, SETTINGS, *PLAN_TABS)
    product = tables[PRODUCTS.name].get(sku)
    if product is None:
        raise ProcessError(_("There is no product {sku!r} in Products.", sku=sku))
    moment = now or workbook.clock()
    today = moment.date()
    frames = {name: table.df.reset_index(drop=True) for name, table in tables.items()}
    demand = daily_demand(frames[ORDERS.name], frames[ORDER_LINES.name], today)
    demand = demand[demand["sku"] == sku]
    settings = Settings.of(settings_from(frames[SETTINGS.name]))
    lead = lead_times(frames, settings.default_lead_time).get(sku, settings.default_lead_time)
    horizon = lead + settings.review_days
    series = dense_series(demand, today)
    result = forecast_all(series, horizon) if len(series) else None
    lines, _computed = lines_of(tables)
    plan = {line.location_id: line for line in lines if line.sku == sku}
    locations = {row.location_id: row.name or row.location_id for row in tables[LOCATIONS.name].records()}
    charts = []
    for item in result.series if result else []:
        history = series[series["unique_id"] == f"{sku}@{item.location_id}"].tail(CHART_HISTORY_DAYS)
        charts.append(_chart(item, history, today, locations, plan.get(item.location_id)))
    return ProductForecast(sku, product.name or sku, charts)


def _chart(item, history: pd.DataFrame, today, locations, line: PlanLine | None) -> LocationForecast:
    past = [day.date().isoformat() for day in history["ds"]]
    future = [(today + timedelta(days=offset)).isoformat() for offset in range(len(item.path))]
    spread = BAND_Z * item.error_sd
    blank_past, blank_future = [None] * len(past), [None] * len(future)
    path = [round(float(value), 2) for value in item.path]
    return LocationForecast(
        location_id=item.location_id,
        location=locations.get(item.location_id, item.location_id),
        days=past + future,
        history=[float(value) for value in history["y"]] + blank_future,
        forecast=blank_past + path,
        low=blank_past + [round(max(value - spread, 0.0), 2) for value in path],
        high=blank_past + [round(value + spread, 2) for value in path],
        method=item.method,
        accuracy=item.accuracy,
        baseline_accuracy=item.baseline_accuracy,
        daily_demand=item.daily_demand,
        history_days=item.history_days,
        line=line,
    )


# the purchase request form ------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """What the plan says about buying a product for a location, this moment."""

    daily_demand: float
    days_of_cover: float | None
    projected: int
    reorder_point: int
    suggested_qty: int
    method: str | None
    note: str | None
    transfer_from: str | None
    transfer_from_name: str | None
    transfer_qty: int


def suggestion_for(workbook: Workbook, sku: str, location_id: str) -> Suggestion | None:
    """The forecast and the quantity to buy for `sku` at `location_id`; None when nothing is planned there."""
    tables = workbook.tables(SETTINGS, *PLAN_TABS)
    frames = {name: table.df.reset_index(drop=True) for name, table in tables.items()}
    settings = Settings.of(settings_from(frames[SETTINGS.name]))
    rows = stock_rows(frames, forecast_columns_of(frames[FORECAST.name]), settings)
    if (sku, location_id) not in rows.index:
        return None
    row = {name: (None if _blank(value) else value) for name, value in rows.loc[(sku, location_id)].items()}
    source = row["transfer_from"]
    place = tables[LOCATIONS.name].get(source) if source else None
    return Suggestion(
        daily_demand=float(row["daily_demand"] or 0.0),
        days_of_cover=row["days_of_cover"],
        projected=int(row["projected"] or 0),
        reorder_point=int(row["reorder_point"] or 0),
        suggested_qty=int(row["suggested_qty"] or 0),
        method=row["method"],
        note=row["note"],
        transfer_from=source,
        transfer_from_name=(place.name or source) if place is not None else source,
        transfer_qty=int(row["transfer_qty"] or 0),
    )


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))
