"""Dates, numbers and money written the way the reader's language writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_currency, format_decimal

from i18n import LOCALES, current


def _locale(language: str | None) -> str:
    return LOCALES.get(language or current(), LOCALES["en"])


def when(value: datetime | date | None, language: str | None = None) -> str:
    """'2026-11-25 14:05' / '2026年11月25日 14:05'; a date alone without the time; '' for nothing."""
    if value is None:
        return ""
    locale = _locale(language)
    if isinstance(value, datetime):
        return babel_datetime(value, _DATETIME[locale], locale=locale)
    return babel_date(value, _DATE[locale], locale=locale)


# English keeps the unambiguous ISO order an operations team sorts and types by;
# minutes, not seconds: nobody in the shop needs the seconds of a timestamp.
_DATETIME = {"en_GB": "yyyy-MM-dd HH:mm", "zh_CN": "y年M月d日 HH:mm"}
_DATE = {"en_GB": "yyyy-MM-dd", "zh_CN": "y年M月d日"}


def number(value: float | int | Decimal | None, language: str | None = None, decimals: int = 0) -> str:
    """A quantity with the locale's grouping: '1,234' (or '1,234.50' with two decimals)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def money(
    value: float | int | Decimal | None, currency: str | None = None, language: str | None = None
) -> str:
    """An amount with two decimals, and the currency's symbol when one is configured ('¥1,234.50')."""
    if value is None:
        return ""
    if currency:
        return format_currency(value, currency.upper(), locale=_locale(language))
    return number(value, language, decimals=2)
