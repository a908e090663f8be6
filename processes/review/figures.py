"""The building blocks of the review: a period, and a figure with its previous value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from i18n import N_, _
from processes.errors import ProcessError

NO_DATA = N_("no data")
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def begins(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)

    @property
    def ends(self) -> pd.Timestamp:
        """The first moment after the period (the end day counts whole)."""
        return pd.Timestamp(self.end + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def holds(self, moments: pd.Series) -> pd.Series:
        """Which of `moments` fall in the period (False where there is none)."""
        return moments.notna() & (moments >= self.begins) & (moments < self.ends)

    def __str__(self) -> str:
        return _("{start} to {end}", start=self.start.isoformat(), end=self.end.isoformat())


def last_days(today: date, days: int = DEFAULT_DAYS) -> Period:
    """The last `days` days up to and including `today`."""
    return Period(today - timedelta(days=days - 1), today)


def period_from(start: str | date | None, end: str | date | None, today: date) -> Period:
    """The period typed on the review page; ProcessError says how to fix what cannot be used."""
    default = last_days(today)
    first = _day(start, "start") or default.start
    last = _day(end, "end") or default.end
    if first > last:
        raise ProcessError(
            _(
                "The start date {first} is after the end date {last}: swap them or pick another.",
                first=first,
                last=last,
            )
        )
    return Period(first, last)


def _day(value: str | date | None, which: str) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ProcessError(
            _(
                "The {which} date {text!r} is not a date: type it as year-month-day, like 2026-03-01.",
                which=which,
                text=text,
            )
        ) from None


@dataclass(frozen=True)
class Figure:
    """A figure of the period beside the same figure of the previous period.

    `value` is None when the period has no data for it: shown as "no data",
    never as NaN. `unit` is "hours", "share" (0 to 1), "score" or "count".
    """

    value: float | None
    previous: float | None
    unit: str = "count"
    basis: str = ""  # what it was measured on, like "45 of 50 tickets"

    @property
    def change(self) -> float | None:
        """The change against the previous period: relative, or in points for a share."""
        if self.value is None or self.previous is None:
            return None
        if self.unit == "share":
            return self.value - self.previous
        if self.previous == 0:
            return None
        return (self.value - self.previous) / self.previous

    @property
    def shown(self) -> str:
        return show(self.value, self.unit)

    @property
    def shown_previous(self) -> str:
        return show(self.previous, self.unit)

    @property
    def shown_change(self) -> str:
        change = self.change
        if change is None:
            return "—"
        if self.unit == "share":
            return _("{change} pts", change=_signed(change * 100))
        return f"{_signed(change * 100)}%"


def show(value: float | None, unit: str) -> str:
    """A value as people read it: 18 h, 3.5 d, 92%, 4.2, 1,204 — or "no data"."""
    if value is None:
        return _(NO_DATA)
    if unit == "hours":
        return _("{days:.1f} d", days=value / 24) if value >= 72 else _("{hours:.1f} h", hours=value)
    if unit == "share":
        return f"{value:.0%}"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def _signed(number: float) -> str:
    rounded = round(number)
    if rounded == 0:
        return "±0"
    return f"+{rounded}" if rounded > 0 else f"−{-rounded}"


def quantile(values: pd.Series, q: float) -> float | None:
    """The q-quantile of `values` (linear between neighbours), None when there are none."""
    values = values.dropna()
    return None if values.empty else float(values.quantile(q))


def mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return None if values.empty else float(values.mean())


def share(met: pd.Series) -> float | None:
    """The share of True in `met`, None when it is empty."""
    return None if met.empty else float(met.mean())
