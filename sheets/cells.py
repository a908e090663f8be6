"""One cell's value, in and out.

A raw cell is what both backends hold: None or "" (empty), str, int, float or
bool. People type numbers as text ("1,200", "$12.50"), dates as spreadsheet
serial numbers or ISO text, yes/no for booleans; all of that reads. What cannot
be read raises CellError with a reason a person understands.

Writing turns typed values back into raw cells: numbers stay numbers, dates
and times become ISO text, everything else is text, written RAW so it never
becomes a formula.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from sheets.schema import Kind

#: Day zero of spreadsheet serial dates (Google Sheets and Excel agree after 1900-03-01).
SERIAL_EPOCH = datetime(1899, 12, 30)
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"

_TRUE = {"true", "yes", "y", "1", "x", "✓", "on", "是"}
_FALSE = {"false", "no", "n", "0", "", "off", "否"}
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CURRENCY = "$€£¥￥"


class CellError(ValueError):
    """A cell's content cannot be read as its column's type."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def parse_cell(kind: Kind, raw: Any) -> Any:
    """The typed value of a non-blank raw cell; raises CellError."""
    return _PARSERS[kind](raw)


def _text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise CellError("expected a number, found TRUE/FALSE")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise CellError("expected a number")
        return float(raw)
    text = str(raw).strip().lstrip(_CURRENCY).replace(" ", "").replace("\u00a0", "")
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"expected a number, found {_quote(raw)}") from None
    if not math.isfinite(value):
        raise CellError(f"expected a number, found {_quote(raw)}")
    return value


def _int(raw: Any) -> int:
    try:
        value = _number(raw)
    except CellError:
        raise CellError(f"expected a whole number, found {_quote(raw)}") from None
    if not value.is_integer():
        raise CellError(f"expected a whole number, found {_quote(raw)}")
    return int(value)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"expected yes or no, found {_quote(raw)}")


def _datetime(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not 0 < raw < 2958466:  # serial of 9999-12-31
            raise CellError(f"expected a date, found the number {raw}")
        return (SERIAL_EPOCH + timedelta(days=float(raw))).replace(microsecond=0)
    text = _text(raw).replace("/", "-")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CellError(f"expected a date like 2026-11-25, found {_quote(raw)}") from None
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(microsecond=0)


def _date(raw: Any) -> date:
    return _datetime(raw).date()


_PARSERS = {
    Kind.TEXT: _text,
    Kind.INT: _int,
    Kind.NUMBER: _number,
    Kind.BOOL: _bool,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
}


def to_cell(kind: Kind, value: Any) -> Any:
    """The raw cell the app writes for a typed value (None clears the cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind in (Kind.INT, Kind.NUMBER):
        number = _number(value)
        return int(number) if kind is Kind.INT or number.is_integer() else round(number, 6)
    if kind is Kind.BOOL:
        return _bool(value)
    if kind is Kind.DATETIME:
        return _datetime(value).strftime(DATETIME_FORMAT)
    if kind is Kind.DATE:
        return _date(value).strftime(DATE_FORMAT)
    return _text(value) if not isinstance(value, str) else value


def same_cell(a: Any, b: Any) -> bool:
    """Whether two raw cells hold the same value (5 == 5.0 == "5"; blank == None)."""
    if is_blank(a) or is_blank(b):
        return is_blank(a) and is_blank(b)
    if a == b and type(a) is type(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return _text(a).casefold() == _text(b).casefold()
    try:
        return _number(a) == _number(b)
    except CellError:
        return _text(a) == _text(b)


def _quote(raw: Any) -> str:
    text = str(raw)
    return repr(text if len(text) <= 40 else text[:37] + "...")
