"""Satisfaction: the analysis for staff (/surveys) and the public survey a customer answers (/public/survey/{token}).

The public page needs no login: the token in the link is all the customer
has. An unknown token gets the same words as a survey that does not exist,
loads and answers are rate limited per address, and the page sends only
the score and the comment it shows.
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from i18n import N_, _
from pages.auth import signed_in
from pages.common import attempt
from pages.frame import frame
from pages.public import PUBLIC_LIMIT, SURVEY, TOO_MANY, client_address, public_frame, public_path
from processes import runtime, service
from processes.service import SurveyAnalysis

from .common import shown, table

SCORE_OPTIONS = {
    5: N_("5 · excellent"),
    4: N_("4 · good"),
    3: N_("3 · fair"),
    2: N_("2 · poor"),
    1: N_("1 · very poor"),
}
PROCEDURES = ("delivery", "ticket")
#: What a survey asks about, by what it follows.
ABOUT = {
    "delivery": N_("How satisfied are you with your delivery?"),
    "ticket": N_("How satisfied are you with how we handled your request?"),
}
#: The card, the chart series and the table name each kind of survey by what it follows.
AFTER = {"delivery": N_("After delivery"), "ticket": N_("After ticket"), "all": N_("All surveys")}
SCORE_AFTER = {"delivery": N_("score after delivery"), "ticket": N_("score after ticket")}
THANKS = N_("Thank you! Your answer has been saved.")


def register() -> None:
    @ui.page("/surveys")
    async def analysis_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Satisfaction", actor):
            analysis = await attempt(service.survey_analysis, runtime.workbook())
            if analysis is not None:
                show_analysis(analysis)

    @ui.page(public_path("survey/{token}"))
    async def survey_page(token: str, request: Request) -> None:
        address = client_address(request)
        with public_frame("Your opinion"):
            if not PUBLIC_LIMIT.allow(address, page=SURVEY):
                ui.label(_(TOO_MANY)).mark("message")
                return
            survey = await attempt(service.public_survey, runtime.workbook(), token)
            if survey is None:
                ui.label(_(service.NO_SUCH_SURVEY)).mark("message")
            elif survey.answered:
                ui.label(_(service.ALREADY_ANSWERED)).mark("message")
            else:
                SurveyForm(token, address, survey.procedure).build()


class SurveyForm:
    def __init__(self, token: str, address: str, procedure: str) -> None:
        self.token, self.address, self.procedure = token, address, procedure

    def build(self) -> None:
        about = ABOUT.get(self.procedure, N_("How satisfied are you with us?"))
        self.body = ui.column().classes("w-full gap-3")
        with self.body:
            ui.label(_(about)).classes("text-lg")
            self.score = ui.radio({score: _(label) for score, label in SCORE_OPTIONS.items()}).props("inline")
            self.comment = ui.textarea(_("Comment (optional)")).classes("w-full")
            self.comment.props(f"maxlength={service.COMMENT_LIMIT} counter")
            ui.button(_("Send"), on_click=self.send)

    async def send(self) -> None:
        if not PUBLIC_LIMIT.allow(self.address, page=SURVEY):
            ui.notify(_(TOO_MANY), type="negative")
            return
        if self.score.value is None:
            ui.notify(_("Please choose a score from 1 (poor) to 5 (excellent)."), type="warning")
            return
        answered = await attempt(
            service.answer_survey, runtime.workbook(), self.token, self.score.value, self.comment.value or ""
        )
        if answered is None:
            return
        self.body.clear()
        with self.body:
            ui.label(_(THANKS)).classes("text-lg").mark("message")


def show_analysis(analysis: SurveyAnalysis) -> None:
    overall = analysis.overall
    if not overall.sent:
        ui.label(
            _(
                "No survey has been sent yet. A survey goes out by itself when an order is delivered "
                "or a ticket is resolved."
            )
        ).classes("text-slate-500")
        return
    with ui.row().classes("gap-4"):
        _figure_card("All surveys", overall)
        for name in PROCEDURES:
            if name in analysis.by_procedure:
                _figure_card(AFTER[name], analysis.by_procedure[name])
    _chart(analysis)
    ui.label(_("By week sent")).classes("text-base font-semibold")
    table(
        [
            ("week", N_("Week of")),
            ("procedure", N_("Procedure")),
            ("sent", N_("Sent")),
            ("answered", N_("Answered")),
            ("rate", N_("Response rate")),
            ("average", N_("Average score")),
        ],
        [
            {
                "key": f"{row.week}-{row.procedure}",
                "week": row.week,
                "procedure": _(AFTER.get(row.procedure, row.procedure)),
                "sent": row.figures.sent,
                "answered": row.figures.answered,
                "rate": f"{row.figures.response_rate:.0%}",
                "average": _average(row.figures.average),
            }
            for row in reversed(analysis.by_week)
        ],
        "key",
    ).mark("weeks")
    ui.label(_("Latest comments")).classes("text-base font-semibold")
    if not analysis.comments:
        ui.label(_("No comments yet.")).classes("text-slate-500")
    for comment in analysis.comments:
        with ui.column().classes("gap-0 border-l-4 pl-2"):
            ui.label(
                _(
                    "{shown} · {procedure} {ref} · {score} of 5",
                    shown=shown(comment.answered_at),
                    procedure=_(AFTER.get(comment.procedure, comment.procedure)),
                    ref=comment.ref,
                    score=comment.score,
                )
            ).classes("text-xs text-slate-500")
            ui.label(comment.text).classes("whitespace-pre-wrap").mark("comment")


def _figure_card(title: str, figures: service.Figures) -> None:
    with ui.card().classes("gap-0 min-w-48"):
        ui.label(_(title)).classes("text-sm text-slate-500")
        ui.label(_("{average} average", average=_average(figures.average))).classes(
            "text-xl font-semibold"
        ).mark(f"average {title}")
        ui.label(
            _(
                "{response_rate:.0%} answered ({answered} of {sent})",
                response_rate=figures.response_rate,
                answered=figures.answered,
                sent=figures.sent,
            )
        ).mark(f"rate {title}")


def _average(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _chart(analysis: SurveyAnalysis) -> None:
    weeks = analysis.weeks
    cells = {(row.week, row.procedure): row.figures for row in analysis.by_week}

    def series(procedure: str, value) -> list:
        return [value(cells[(week, procedure)]) if (week, procedure) in cells else None for week in weeks]

    ui.echart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {},
            "xAxis": {"type": "category", "data": [week.isoformat() for week in weeks]},
            "yAxis": [
                {"type": "value", "name": _("average score"), "min": 0, "max": 5},
                {"type": "value", "name": _("response rate %"), "min": 0, "max": 100},
            ],
            "series": [
                *(
                    {"name": _(SCORE_AFTER[name]), "type": "bar", "data": series(name, lambda f: f.average)}
                    for name in PROCEDURES
                ),
                {
                    "name": _("response rate"),
                    "type": "line",
                    "yAxisIndex": 1,
                    "data": series("all", lambda f: round(f.response_rate * 100)),
                },
            ],
        }
    ).classes("w-full h-72").mark("chart")
