"""The periodic process review: cycle times, SLA figures and volumes per procedure.

Anyone logged in may open it: the review meeting is for everyone who runs
the procedures, the figures are about the process rather than any customer,
and the suggestions it credits were made to be seen. Everything shown is
computed in processes/review; the page reads it off the event loop.
"""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import attempt, when
from pages.frame import frame
from processes import review as reviewing
from processes import runtime
from processes.review import Figure, Review
from processes.review.metrics import ProcedureFigures
from processes.review.timeline import Stage

MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"


def register() -> None:
    @ui.page("/review")
    async def review_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Review", actor):
            page = ReviewPage()
            page.build()
            await page.show()


class ReviewPage:
    """The date range, the export buttons, and the figures of the chosen period below them."""

    review: Review | None = None

    def build(self) -> None:
        default = reviewing.last_days(runtime.workbook().clock().date())
        with ui.row().classes("items-end gap-4"):
            self.start = _date_input(_("From"), default.start.isoformat())
            self.end = _date_input(_("To"), default.end.isoformat())
            ui.button(_("Show"), on_click=self.show)
            ui.space()
            self.exports = ui.row().classes("gap-2")
            with self.exports:
                ui.button(_("Markdown"), icon="download", on_click=self.download_markdown).props("outline")
                ui.button(_("HTML"), icon="download", on_click=self.download_html).props("outline")
        self.body = ui.column().classes("w-full gap-4")

    async def show(self) -> None:
        found = await attempt(reviewing.review_of, runtime.workbook(), self.start.value, self.end.value)
        if found is None:
            return
        self.review = found
        self.body.clear()
        with self.body:
            show_review(found)

    def download_markdown(self) -> None:
        if self.review is not None:
            text = reviewing.render_markdown(self.review)
            ui.download.content(text.encode(), f"review-{_dates(self.review)}.md", MARKDOWN)

    def download_html(self) -> None:
        if self.review is not None:
            text = reviewing.render_html(self.review)
            ui.download.content(text.encode(), f"review-{_dates(self.review)}.html", HTML)


def _dates(review: Review) -> str:
    return f"{review.period.start.isoformat()}-to-{review.period.end.isoformat()}"


def _date_input(label: str, value: str) -> ui.input:
    """A date typed as 2026-03-01, or picked from a calendar."""
    with ui.input(label, value=value).props("dense").classes("w-40") as field:
        with ui.menu().props("no-parent-event") as menu:
            ui.date(mask="YYYY-MM-DD").bind_value(field)
        with field.add_slot("append"):
            ui.icon("edit_calendar").on("click", menu.open).classes("cursor-pointer")
    return field


# --- the figures -------------------------------------------------------------------


def show_review(review: Review) -> None:
    ui.label(
        _(
            "{period} ({days} days), compared with {previous}. Times are the median (p50) and 90th percentile (p90) of the stages that ended in the period.",
            period=review.period,
            days=review.period.days,
            previous=review.previous,
        )
    ).classes("text-sm text-slate-600")
    _service_levels(review)
    ui.label(_("Cycle times per procedure")).classes("text-lg font-semibold")
    for procedure in review.procedures:
        _procedure(procedure)
    _volumes(review)
    _planning(review)
    _suppliers(review)
    _satisfaction(review)
    _suggestions(review)


def _service_levels(review: Review) -> None:
    levels = review.service_levels
    cards = (
        (N_("Tickets resolved by their deadline"), levels.tickets_resolved_in_time),
        (
            ngettext(
                "First reply within {count:g} hour",
                "First reply within {count:g} hours",
                levels.first_response_hours,
            ),
            levels.first_response_in_time,
        ),
        (
            ngettext(
                "Orders shipped within {count:g} hour of payment",
                "Orders shipped within {count:g} hours of payment",
                levels.shipping_hours,
            ),
            levels.orders_shipped_in_time,
        ),
        (N_("Supplier deliveries by the expected day"), review.suppliers.on_time),
        (N_("Stocktake lines counted exactly"), review.stocktake.accuracy),
        (N_("Stocktake units off, in all"), review.stocktake.absolute_variance),
        (N_("Return request to refund (median)"), review.refunds.median),
        (N_("Return request to refund (p90)"), review.refunds.p90),
        (N_("Satisfaction (average of 5)"), review.satisfaction.average),
        (N_("Surveys answered"), review.satisfaction.response_rate),
        (N_("Suggestions adopted"), review.suggestions.adopted),
    )
    with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-3"):
        for title, figure in cards:
            _figure_card(title, figure)


def _figure_card(title: str, figure: Figure) -> None:
    with ui.card().classes("gap-0"):
        ui.label(_(title)).classes("text-sm text-slate-500")
        ui.label(figure.shown).classes("text-2xl font-semibold").mark(f"figure {title}")
        ui.label(
            _(
                "previous {shown_previous} · {shown_change}",
                shown_previous=figure.shown_previous,
                shown_change=figure.shown_change,
            )
        ).classes("text-sm")
        if figure.basis:
            ui.label(figure.basis).classes("text-xs text-slate-500")


STAGE_COLUMNS = (
    ("stage", N_("Stage")),
    ("role", N_("Who")),
    ("done", N_("Done")),
    ("p50", N_("p50")),
    ("p50_previous", N_("previous")),
    ("p50_change", N_("change")),
    ("p90", N_("p90")),
    ("p90_previous", N_("previous")),
    ("p90_change", N_("change")),
)


def _procedure(procedure: ProcedureFigures) -> None:
    started = procedure.started
    with ui.card().classes("w-full gap-2"):
        with ui.row().classes("items-baseline gap-4"):
            ui.label(_(procedure.name)).classes("text-base font-semibold")
            ui.label(
                _(
                    "started {shown} (previous {shown_previous}, {shown_change})",
                    shown=started.shown,
                    shown_previous=started.shown_previous,
                    shown_change=started.shown_change,
                )
            ).classes("text-sm text-slate-600")
        measured = procedure.measured
        if not measured:
            ui.label(_("No stage ended in this period or the previous one: no data.")).classes(
                "text-sm text-slate-500"
            )
            return
        ui.table(
            columns=[
                {"name": n, "label": _(label), "field": n, "align": "left"} for n, label in STAGE_COLUMNS
            ],
            rows=[
                {
                    "stage": stage_label(s.stage),
                    "role": _(s.stage.role),
                    "done": s.count.shown,
                    "p50": s.median.shown,
                    "p50_previous": s.median.shown_previous,
                    "p50_change": s.median.shown_change,
                    "p90": s.p90.shown,
                    "p90_previous": s.p90.shown_previous,
                    "p90_change": s.p90.shown_change,
                }
                for s in measured
            ],
            row_key="stage",
        ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]").classes("w-full").mark(
            f"stages {procedure.name}"
        )
        _stage_chart(procedure)
        if procedure.unmeasured:
            unmeasured = [stage_label(s.stage) for s in procedure.stages if not s.measured]
            ui.label(_("No data for: {join}.", join=_(", ").join(unmeasured))).classes(
                "text-xs text-slate-500"
            )


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def stage_label(stage: Stage) -> str:
    """A stage as its states read in the reader's language: "已发货 → 已送达"."""
    return f"{i18n.value(stage.source)} → {i18n.value(stage.target)}"


def _stage_chart(procedure: ProcedureFigures) -> None:
    measured = procedure.measured
    ui.echart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"top": 30, "bottom": 24, "left": 10, "right": 50, "containLabel": True},
            "xAxis": {"type": "value", "name": _("hours")},
            "yAxis": {"type": "category", "data": [stage_label(s.stage) for s in measured], "inverse": True},
            "series": [
                {"name": "p50", "type": "bar", "data": [_hours(s.median.value) for s in measured]},
                {"name": "p90", "type": "bar", "data": [_hours(s.p90.value) for s in measured]},
                {
                    "name": _("previous p50"),
                    "type": "scatter",
                    "data": [_hours(s.median.previous) for s in measured],
                },
            ],
        }
    ).classes("w-full").style(f"height: {90 + 50 * len(measured)}px").mark(f"chart {procedure.name}")


def _volumes(review: Review) -> None:
    weekly = review.weekly
    ui.label(_("Records started per week")).classes("text-lg font-semibold")
    ui.echart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"type": "scroll"},
            "xAxis": {"type": "category", "data": [week.isoformat() for week in weekly.weeks]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": _(name), "type": "line", "data": counts} for name, counts in weekly.started.items()
            ],
        }
    ).classes("w-full h-72").mark("chart volumes")


def _planning(review: Review) -> None:
    """Forecast accuracy over time, and the stock-outs of the period."""
    figures = review.planning
    ui.label(_("Demand planning")).classes("text-lg font-semibold")
    with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-3"):
        _figure_card(N_("Forecast error in the backtest (WAPE)"), figures.accuracy)
        _figure_card(N_("Forecast error against what then sold (WAPE)"), figures.realised)
        _figure_card(N_("Stock-out days (demand, no stock)"), figures.stockout_days)
    if figures.points:
        ui.echart(
            {
                "tooltip": {"trigger": "axis"},
                "legend": {"top": 0},
                "grid": {"top": 30, "bottom": 24, "left": 10, "right": 20, "containLabel": True},
                "xAxis": {
                    "type": "category",
                    "data": [point.at.date().isoformat() for point in figures.points],
                },
                "yAxis": {"type": "value", "name": _("error (WAPE, %)"), "min": 0},
                "series": [
                    {
                        "name": _(name),
                        "type": "line",
                        "data": [_percent_value(getattr(p, field)) for p in figures.points],
                    }
                    for name, field in (
                        (N_("Forecast"), "accuracy"),
                        (N_("Seasonal naive"), "baseline"),
                        (N_("Against what sold"), "realised"),
                    )
                ],
            }
        ).classes("w-full h-64").mark("chart forecast accuracy")
    else:
        ui.label(_("No forecast was computed in this period: no data.")).classes("text-sm text-slate-500")
    if figures.stockouts:
        ui.table(
            columns=[
                {"name": "sku", "label": _("Product"), "field": "sku", "align": "left"},
                {"name": "location", "label": _("Location"), "field": "location", "align": "left"},
                {"name": "days", "label": _("Stock-out days"), "field": "days"},
                {"name": "units", "label": _("Units asked for"), "field": "units"},
            ],
            rows=[
                {
                    "key": f"{line.sku}@{line.location_id}",
                    "sku": line.sku,
                    "location": line.location_id,
                    "days": line.days,
                    "units": f"{line.units:g}",
                }
                for line in figures.stockouts
            ],
            row_key="key",
        ).props("dense flat bordered").classes("w-full").mark("stockouts")


def _percent_value(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _suppliers(review: Review) -> None:
    ui.label(_("Suppliers")).classes("text-lg font-semibold")
    lines = review.suppliers.by_supplier
    if not lines:
        ui.label(_("No delivery from a supplier in this period: no data.")).classes("text-sm text-slate-500")
        return
    ui.table(
        columns=[
            {"name": "supplier", "label": _("Supplier"), "field": "supplier", "align": "left"},
            {"name": "deliveries", "label": _("Deliveries"), "field": "deliveries"},
            {"name": "on_time", "label": _("On time"), "field": "on_time"},
            {"name": "rate", "label": _("Rate"), "field": "rate"},
        ],
        rows=[
            {
                "supplier": line.supplier,
                "deliveries": line.deliveries,
                "on_time": line.on_time,
                "rate": f"{line.rate:.0%}",
            }
            for line in lines
        ],
        row_key="supplier",
    ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]").mark("suppliers")


def _satisfaction(review: Review) -> None:
    seen = review.satisfaction
    ui.label(_("Satisfaction")).classes("text-lg font-semibold")
    if not seen.sent:
        ui.label(_("No survey was sent in this period: no data.")).classes("text-sm text-slate-500")
        return
    ui.label(
        _(
            "{answered} of {sent} surveys sent in the period were answered.",
            answered=seen.answered,
            sent=seen.sent,
        )
    ).classes("text-sm")
    if not seen.answered:
        return
    ui.echart(
        {
            "tooltip": {},
            "xAxis": {
                "type": "category",
                "data": [_("{score} of 5", score=score) for score in seen.distribution],
            },
            "yAxis": {"type": "value", "minInterval": 1, "name": _("answers")},
            "series": [{"name": _("answers"), "type": "bar", "data": list(seen.distribution.values())}],
        }
    ).classes("w-full h-56").mark("chart satisfaction")


def _suggestions(review: Review) -> None:
    adopted = review.suggestions
    ui.label(_("Adopted suggestions")).classes("text-lg font-semibold")
    if not adopted.items:
        ui.label(_("No suggestion was adopted in this period.")).classes("text-sm text-slate-500")
        return
    thanks = ", ".join(f"{credit.author} ({credit.adopted})" for credit in adopted.credits)
    ui.label(_("Thanks to {thanks}.", thanks=thanks)).mark("credits")
    for item in adopted.items:
        with ui.column().classes("gap-0 border-l-4 pl-2"):
            ui.label(f"{when(item.adopted_at)} · {item.author} · {_(item.process)}").classes(
                "text-xs text-slate-500"
            )
            ui.label(item.text).classes("whitespace-pre-wrap")
