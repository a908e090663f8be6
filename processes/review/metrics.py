"""The figures of the periodic process review, as pure functions of the tables.

Every function takes DataFrames (a tab's columns by name, as `Table.df`
gives them; a missing column reads as blank) and a Period, and returns plain
dataclasses holding each figure beside the previous period's. A moment that
cannot be read is skipped; a period without data says so (None, shown as
"no data"), never NaN.

What counts in a period:
- a stage, when it ended (the record entered the stage's target state);
- a ticket's deadline, when it was decided: met when the ticket was resolved
  by its due time, missed when its due time passed unresolved (resolved late
  or still open; a ticket waiting on the customer since before its due time
  is not decided yet);
- a first response, an order's shipping, a refund, a delivery from a
  supplier and a counted stocktake line, when they happened;
- a survey, when it was sent (answered or not);
- a record's start, when it entered its procedure's first state;
- an adopted suggestion, when it was adopted (the Audit says; the day it was
  submitted when the Audit does not).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy
import pandas as pd

from i18n import N_, _
from processes.aftersales.procedures import REFUND, RETURN
from processes.improvement.procedure import ADOPTED, SUGGESTION
from processes.inventory.procedures import STOCKTAKE, TRANSFER
from processes.orders.procedure import ORDER
from processes.procedure import Procedure
from processes.procurement.procedures import PURCHASE_ORDER, PURCHASE_REQUEST
from processes.service.procedure import TICKET
from sheets.settings import BY_KEY
from sheets.tabs import (
    AUDIT,
    ORDERS,
    PURCHASE_ORDERS,
    RECEIPTS,
    RETURNS,
    STOCK_COUNTS,
    SUGGESTIONS,
    SUPPLIERS,
    SURVEYS,
    TICKETS,
)

from .figures import Figure, Period, mean, quantile, share
from .planning import PlanningFigures, planning_figures
from .timeline import Stage, column, entries, moments, stage_times, stages, status_changes

#: The procedures the review measures, in the order it shows them.
REVIEWED: tuple[Procedure, ...] = (
    ORDER,
    TICKET,
    RETURN,
    REFUND,
    PURCHASE_REQUEST,
    PURCHASE_ORDER,
    STOCKTAKE,
    TRANSFER,
)
SCORES = (1, 2, 3, 4, 5)

Tables = Mapping[str, pd.DataFrame]


# --- what the review holds -----------------------------------------------------


@dataclass(frozen=True)
class StageFigures:
    stage: Stage
    count: Figure  # stages ended in the period
    median: Figure  # hours
    p90: Figure  # hours

    @property
    def measured(self) -> bool:
        return bool(self.count.value or self.count.previous)


@dataclass(frozen=True)
class ProcedureFigures:
    name: str
    started: Figure  # records that entered a first state
    stages: list[StageFigures]

    @property
    def measured(self) -> list[StageFigures]:
        """The stages with data in the period or the previous one."""
        return [stage for stage in self.stages if stage.measured]

    @property
    def unmeasured(self) -> list[str]:
        return [stage.stage.name for stage in self.stages if not stage.measured]


@dataclass(frozen=True)
class ServiceLevels:
    tickets_resolved_in_time: Figure  # of the ticket deadlines decided, the share met
    first_response_in_time: Figure  # share answered within first_response_hours
    orders_shipped_in_time: Figure  # share shipped within paid_unshipped_hours of payment
    first_response_hours: float
    shipping_hours: float


@dataclass(frozen=True)
class StocktakeFigures:
    lines: Figure  # counted lines
    accuracy: Figure  # share of counted lines without variance
    absolute_variance: Figure  # units, summed over the lines


@dataclass(frozen=True)
class SupplierLine:
    supplier: str
    deliveries: int
    on_time: int

    @property
    def rate(self) -> float:
        return self.on_time / self.deliveries


@dataclass(frozen=True)
class SupplierFigures:
    on_time: Figure  # share of purchase orders first delivered by their expected day
    by_supplier: list[SupplierLine]  # in the period, the least punctual first


@dataclass(frozen=True)
class RefundFigures:
    count: Figure
    median: Figure  # hours from the return request to the refund
    p90: Figure


@dataclass(frozen=True)
class Satisfaction:
    average: Figure  # score 1 to 5
    response_rate: Figure
    sent: int
    answered: int
    distribution: dict[int, int]  # score -> answers, in the period


@dataclass(frozen=True)
class AdoptedSuggestion:
    suggestion_id: str
    author: str
    process: str
    text: str
    adopted_at: pd.Timestamp


@dataclass(frozen=True)
class Credit:
    author: str
    adopted: int


@dataclass(frozen=True)
class Suggestions:
    adopted: Figure
    items: list[AdoptedSuggestion]  # newest first
    credits: list[Credit]  # most adopted first


@dataclass(frozen=True)
class WeeklyVolumes:
    weeks: list[date]  # the Monday each week starts on
    started: dict[str, list[int]]  # procedure -> records started each week


@dataclass(frozen=True)
class Review:
    period: Period
    previous: Period
    procedures: list[ProcedureFigures]
    service_levels: ServiceLevels
    stocktake: StocktakeFigures
    suppliers: SupplierFigures
    refunds: RefundFigures
    satisfaction: Satisfaction
    suggestions: Suggestions
    weekly: WeeklyVolumes
    planning: PlanningFigures


# --- the whole review ------------------------------------------------------------


def review(
    tables: Tables, period: Period, settings: Mapping[str, Any] | None = None, now: datetime | None = None
) -> Review:
    """Every figure of the review for `period`, beside the period of the same length before it.

    `now` is when the review is made (default: the end of the period): a deadline still ahead is not decided.
    """
    settings = {key: setting.default for key, setting in BY_KEY.items()} | dict(settings or {})
    now_moment = pd.Timestamp(now) if now is not None else period.ends
    reviewed_tabs = {p.tab.name for p in REVIEWED} | {SUGGESTIONS.name}
    changes = status_changes(table(tables, AUDIT.name), reviewed_tabs)  # parsed once for every procedure
    timelines = {p.name: entries(p, table(tables, p.tab.name), changes) for p in REVIEWED}
    return Review(
        period=period,
        previous=period.previous(),
        procedures=[procedure_figures(p, timelines[p.name], period) for p in REVIEWED],
        service_levels=service_levels(tables, period, settings, now_moment),
        stocktake=stocktake(tables, period),
        suppliers=suppliers(tables, period),
        refunds=refunds(tables, period),
        satisfaction=satisfaction(tables, period),
        suggestions=suggestions(tables, period, changes),
        weekly=weekly_volumes(timelines, period),
        planning=planning_figures(tables, period),
    )


def table(tables: Tables, name: str) -> pd.DataFrame:
    """The tab's DataFrame, or an empty one when the review was given no such table."""
    frame = tables.get(name)
    return pd.DataFrame() if frame is None else frame.reset_index(drop=True)


def compare(period: Period, measure: Callable[[Period], float | None], unit: str, basis=None) -> Figure:
    """`measure` of the period beside `measure` of the previous one."""
    return Figure(measure(period), measure(period.previous()), unit, basis(period) if basis else "")


# --- stages -----------------------------------------------------------------------


def procedure_figures(procedure: Procedure, events: pd.DataFrame, period: Period) -> ProcedureFigures:
    """Records started and the time each declared stage took, for the stages that ended in the period."""
    times = stage_times(procedure, events)
    previous = period.previous()
    times["period"] = pd.Categorical.from_codes(
        numpy.select([period.holds(times["ended"]), previous.holds(times["ended"])], [0, 1], -1),
        categories=["now", "before"],
    )
    hours = times.dropna(subset=["period"]).groupby(["stage", "period"], observed=True)["hours"]
    counts, medians, p90s = hours.size(), hours.quantile(0.5), hours.quantile(0.9)

    def figure(values: pd.Series, stage: Stage, unit: str) -> Figure:
        def of(which: str) -> float | None:
            key = (stage.name, which)
            return float(values[key]) if key in values.index else (0 if unit == "count" else None)

        return Figure(of("now"), of("before"), unit)

    starts = events["at"][events["state"].isin(procedure.first_states)]
    return ProcedureFigures(
        procedure.name,
        started=compare(period, lambda p: int(p.holds(starts).sum()), "count"),
        stages=[
            StageFigures(
                stage,
                count=figure(counts, stage, "count"),
                median=figure(medians, stage, "hours"),
                p90=figure(p90s, stage, "hours"),
            )
            for stage in stages(procedure)
        ],
    )


def weekly_volumes(timelines: Mapping[str, pd.DataFrame], period: Period) -> WeeklyVolumes:
    """Records started per week of the period, per procedure (weeks start on Monday)."""
    first_monday = pd.Timestamp(period.start) - pd.Timedelta(days=period.start.weekday())
    weeks = list(pd.date_range(first_monday, pd.Timestamp(period.end), freq="7D"))
    started = {}
    for procedure in REVIEWED:
        events = timelines[procedure.name]
        at = events["at"][events["state"].isin(procedure.first_states) & period.holds(events["at"])]
        monday = at.dt.normalize() - pd.to_timedelta(at.dt.day_of_week, unit="D")
        counts = monday.value_counts()
        started[procedure.name] = [int(counts.get(week, 0)) for week in weeks]
    return WeeklyVolumes([week.date() for week in weeks], started)


# --- service levels -------------------------------------------------------------------


def service_levels(
    tables: Tables, period: Period, settings: Mapping[str, Any], now: pd.Timestamp | None = None
) -> ServiceLevels:
    """Tickets resolved by their deadline, first replies in time, orders shipped in time after payment.

    A ticket or an order exactly at its limit is in time. A ticket past its
    deadline and still open counts as missed from its due time (by `now`,
    default the end of the period), as one resolved late does.
    """
    tickets = table(tables, TICKETS.name)
    opened, answered = moments(column(tickets, "opened_at")), moments(column(tickets, "first_response_at"))
    decided, met = ticket_deadlines(tickets, period.ends if now is None else now)
    response_hours = float(settings["first_response_hours"])
    orders = table(tables, ORDERS.name)
    paid, shipped = moments(column(orders, "paid_at")), moments(column(orders, "shipped_at"))
    shipping_hours = float(settings["paid_unshipped_hours"])

    def in_time(done: pd.Series, deadline: pd.Series, noun: str) -> Figure:
        def measured(p: Period) -> pd.Series:
            counted = p.holds(done) & deadline.notna()
            return (done <= deadline)[counted]

        return compare(period, lambda p: share(measured(p)), "share", lambda p: _of(measured(p), noun))

    def deadlines_met(p: Period) -> pd.Series:
        return met[p.holds(decided)]

    return ServiceLevels(
        tickets_resolved_in_time=compare(
            period, lambda p: share(deadlines_met(p)), "share", lambda p: _of(deadlines_met(p), N_("tickets"))
        ),
        first_response_in_time=in_time(
            answered, opened + pd.Timedelta(hours=response_hours), N_("first replies")
        ),
        orders_shipped_in_time=in_time(
            shipped, paid + pd.Timedelta(hours=shipping_hours), N_("orders shipped")
        ),
        first_response_hours=response_hours,
        shipping_hours=shipping_hours,
    )


def ticket_deadlines(tickets: pd.DataFrame, now: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """When each ticket's deadline was decided (NaT: not yet, or no deadline), and whether it was met.

    Met: resolved by its due time, decided then. Missed: its due time passed
    before `now` without a resolution by then, decided at the due time. A
    ticket waiting on the customer since before its due time is undecided:
    its due time moves when the customer answers.
    """
    due, resolved = moments(column(tickets, "due_at")), moments(column(tickets, "resolved_at"))
    paused = moments(column(tickets, "paused_since"))
    met = resolved.notna() & due.notna() & (resolved <= due)
    waiting = resolved.isna() & paused.notna() & (paused <= due)
    missed = due.notna() & ~met & ~waiting & (due < now)
    decided = resolved.where(met, due).where(met | missed)
    return decided, met


def _of(met: pd.Series, noun: str) -> str:
    if not len(met):
        return _("no {things}", things=_(noun))
    return _("{met} of {total} {things}", met=int(met.sum()), total=len(met), things=_(noun))


# --- stocktake, suppliers, refunds -----------------------------------------------------


def stocktake(tables: Tables, period: Period) -> StocktakeFigures:
    """Counted stocktake lines (rejected counts left out): how many, how many exact, units off in all."""
    counts = table(tables, STOCK_COUNTS.name)
    counted_at = moments(column(counts, "counted_at"))
    counted = pd.to_numeric(column(counts, "counted_qty"), errors="coerce")
    book = pd.to_numeric(column(counts, "book_qty"), errors="coerce")
    variance = pd.to_numeric(column(counts, "variance"), errors="coerce").fillna(counted - book)
    not_rejected = column(counts, "status").ne(STOCKTAKE.transition("reject").target)
    usable = counted.notna() & variance.notna() & not_rejected

    def lines(p: Period) -> pd.Series:
        return variance[usable & p.holds(counted_at)].astype(float)

    return StocktakeFigures(
        lines=compare(period, lambda p: len(lines(p)), "count"),
        accuracy=compare(
            period, lambda p: share(lines(p).eq(0)), "share", lambda p: _of(lines(p).eq(0), N_("lines exact"))
        ),
        absolute_variance=compare(
            period, lambda p: float(lines(p).abs().sum()) if len(lines(p)) else None, "count"
        ),
    )


def suppliers(tables: Tables, period: Period) -> SupplierFigures:
    """Purchase orders whose first delivery came by the expected day (that day counts as on time)."""
    receipts = table(tables, RECEIPTS.name)
    arrived = pd.DataFrame(
        {"po_id": column(receipts, "po_id"), "received_at": moments(column(receipts, "received_at"))}
    ).dropna()
    first = arrived.groupby("po_id")["received_at"].min()
    orders = table(tables, PURCHASE_ORDERS.name)
    deliveries = pd.DataFrame(
        {
            "po_id": column(orders, "po_id"),
            "supplier_id": column(orders, "supplier_id"),
            "expected": moments(column(orders, "expected_at")).dt.normalize(),
        }
    )
    deliveries["received_at"] = first.reindex(deliveries["po_id"]).to_numpy()
    deliveries = deliveries.dropna(subset=["expected", "received_at"])
    deliveries["on_time"] = deliveries["received_at"].dt.normalize() <= deliveries["expected"]

    def delivered(p: Period) -> pd.DataFrame:
        return deliveries[p.holds(deliveries["received_at"])]

    names = _names(table(tables, SUPPLIERS.name), "supplier_id")
    current = delivered(period)
    by_supplier = [
        SupplierLine(names.get(supplier, supplier), len(group), int(group["on_time"].sum()))
        for supplier, group in current.groupby("supplier_id")
    ]
    by_supplier.sort(key=lambda line: (line.rate, line.supplier))
    return SupplierFigures(
        on_time=compare(
            period,
            lambda p: share(delivered(p)["on_time"]),
            "share",
            lambda p: _of(delivered(p)["on_time"], N_("deliveries on time")),
        ),
        by_supplier=by_supplier,
    )


def refunds(tables: Tables, period: Period) -> RefundFigures:
    """Time from a return's request to its refund, for the refunds paid in the period."""
    returns = table(tables, RETURNS.name)
    requested, refunded = moments(column(returns, "requested_at")), moments(column(returns, "refunded_at"))
    hours = (refunded - requested).dt.total_seconds() / 3600

    def paid(p: Period) -> pd.Series:
        return hours[p.holds(refunded) & hours.notna()]

    return RefundFigures(
        count=compare(period, lambda p: len(paid(p)), "count"),
        median=compare(period, lambda p: quantile(paid(p), 0.5), "hours"),
        p90=compare(period, lambda p: quantile(paid(p), 0.9), "hours"),
    )


# --- satisfaction and suggestions --------------------------------------------------------


def satisfaction(tables: Tables, period: Period) -> Satisfaction:
    """Surveys sent in the period: the average score of the answers, the response rate, the spread."""
    surveys = table(tables, SURVEYS.name)
    sent_at = moments(column(surveys, "sent_at"))
    scores = pd.to_numeric(column(surveys, "score"), errors="coerce")
    scores = scores.where(scores.isin(SCORES))

    def sent(p: Period) -> pd.Series:
        return scores[p.holds(sent_at)]

    current = sent(period)
    answers = current.dropna().astype(int).value_counts()
    return Satisfaction(
        average=compare(period, lambda p: mean(sent(p)), "score"),
        response_rate=compare(
            period,
            lambda p: share(sent(p).notna()),
            "share",
            lambda p: _of(sent(p).notna(), N_("surveys answered")),
        ),
        sent=len(current),
        answered=int(current.notna().sum()),
        distribution={score: int(answers.get(score, 0)) for score in SCORES},
    )


def suggestions(tables: Tables, period: Period, changes: pd.DataFrame | None = None) -> Suggestions:
    """Suggestions adopted in the period, each credited to the person who made it."""
    frame = table(tables, SUGGESTIONS.name)
    rows = pd.DataFrame(
        {name: column(frame, name) for name in ("suggestion_id", "submitted_by", "process", "text", "status")}
    )
    rows["submitted_at"] = moments(column(frame, "submitted_at"))
    rows = rows[rows["status"].eq(ADOPTED)]
    # Adopted when the Audit saw it adopted; a row typed in the sheet, when it was submitted.
    if changes is None:
        changes = status_changes(table(tables, AUDIT.name))
    decided = _adopted_at(changes).reindex(rows["suggestion_id"])
    adopted_at = pd.to_datetime(pd.Series(decided.to_numpy(), index=rows.index))
    rows["adopted_at"] = adopted_at.where(adopted_at.notna(), rows["submitted_at"])

    def adopted(p: Period) -> pd.DataFrame:
        return rows[p.holds(rows["adopted_at"])]

    items = [
        AdoptedSuggestion(
            str(row.suggestion_id),
            str(row.submitted_by or "someone") if pd.notna(row.submitted_by) else "someone",
            "" if pd.isna(row.process) else str(row.process),
            "" if pd.isna(row.text) else str(row.text),
            row.adopted_at,
        )
        for row in adopted(period).sort_values("adopted_at", ascending=False).itertuples()
    ]
    authors = pd.Series([item.author for item in items], dtype="object").value_counts()
    credits = sorted(
        (Credit(str(author), int(n)) for author, n in authors.items()), key=lambda c: (-c.adopted, c.author)
    )
    return Suggestions(compare(period, lambda p: len(adopted(p)), "count"), items, credits)


def _adopted_at(changes: pd.DataFrame) -> pd.Series:
    """Suggestion ID -> when the Audit last saw it adopted."""
    state_changes = changes["tab"].eq(SUGGESTIONS.name) & changes["column"].eq(SUGGESTION.status_column)
    adopted = changes[state_changes & changes["new"].eq(ADOPTED)]
    return adopted.dropna(subset=["record", "at"]).groupby("record")["at"].max()


def _names(frame: pd.DataFrame, key: str) -> dict[str, str]:
    return {k: (v or k) for k, v in zip(column(frame, key), column(frame, "name"), strict=True) if k}
