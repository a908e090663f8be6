"""What the surveys say: average score and response rate by week and by procedure, and the latest comments.

A survey counts in the week it was sent (weeks start on Monday); its
procedure comes from its ref (ORD-: delivery, TCK-: ticket). A survey
without a sent time was never sent and does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sheets.table import Record
from sheets.tabs import SURVEYS
from sheets.workbook import Workbook

from .surveys import procedure_of

LATEST_COMMENTS = 10


@dataclass(frozen=True)
class Figures:
    """One group of surveys: how many were sent and answered, the response rate and the average score."""

    sent: int
    answered: int
    average: float | None  # None while nobody answered

    @property
    def response_rate(self) -> float:
        return self.answered / self.sent if self.sent else 0.0


@dataclass(frozen=True)
class WeekFigures:
    week: date  # the Monday the week starts on
    procedure: str  # delivery, ticket, other, or "all"
    figures: Figures


@dataclass(frozen=True)
class Comment:
    answered_at: datetime
    procedure: str
    ref: str
    score: int
    text: str


@dataclass(frozen=True)
class SurveyAnalysis:
    overall: Figures
    by_procedure: dict[str, Figures]
    by_week: list[WeekFigures]  # oldest week first, each procedure and "all"
    comments: list[Comment]  # newest first

    @property
    def weeks(self) -> list[date]:
        return sorted({row.week for row in self.by_week})


def survey_analysis(workbook: Workbook) -> SurveyAnalysis:
    """The analysis of every survey in the workbook (one read)."""
    return analyse(workbook.table(SURVEYS).records())


def analyse(surveys: Iterable[Record], latest: int = LATEST_COMMENTS) -> SurveyAnalysis:
    """The analysis of `surveys` (Survey records)."""
    sent = [survey for survey in surveys if survey.sent_at is not None]
    groups: dict[tuple[date, str], list[Record]] = {}
    by_procedure: dict[str, list[Record]] = {}
    for survey in sent:
        procedure = procedure_of(survey.ref)
        week = week_of(survey.sent_at)
        groups.setdefault((week, procedure), []).append(survey)
        groups.setdefault((week, "all"), []).append(survey)
        by_procedure.setdefault(procedure, []).append(survey)
    comments = [
        Comment(s.answered_at, procedure_of(s.ref), s.ref, s.score, s.comment)
        for s in sent
        if _answered(s) and s.comment
    ]
    comments.sort(key=lambda c: c.answered_at or datetime.min, reverse=True)
    return SurveyAnalysis(
        overall=figures(sent),
        by_procedure={name: figures(group) for name, group in sorted(by_procedure.items())},
        by_week=[
            WeekFigures(week, procedure, figures(group))
            for (week, procedure), group in sorted(groups.items())
        ],
        comments=comments[:latest],
    )


def figures(surveys: list[Record]) -> Figures:
    scores = [survey.score for survey in surveys if _answered(survey)]
    average = round(sum(scores) / len(scores), 2) if scores else None
    return Figures(sent=len(surveys), answered=len(scores), average=average)


def week_of(moment: datetime | date) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def _answered(survey: Record) -> bool:
    return survey.score is not None and 1 <= survey.score <= 5
