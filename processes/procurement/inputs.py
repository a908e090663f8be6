"""What people type into the procurement forms, read as typed values or refused with a clear message."""

from __future__ import annotations

from datetime import date
from typing import Any

from processes.errors import ProcessError
from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind


def text(raw: Any) -> str:
    """Typed text without surrounding spaces ('' for nothing)."""
    return "" if raw is None else str(raw).strip()


def required_text(raw: Any, what: str) -> str:
    value = text(raw)
    if not value:
        raise ProcessError(f"{what} is required.")
    return value


def whole_number(raw: Any, what: str, *, minimum: int = 0, default: int | None = None) -> int:
    """A whole number of at least `minimum`; blank gives `default` (or is refused when there is none)."""
    if is_blank(raw):
        if default is None:
            raise ProcessError(f"{what} is required.")
        return default
    try:
        value = parse_cell(Kind.INT, raw)
    except CellError:
        raise ProcessError(f"{what} must be a whole number, not {text(raw)!r}.") from None
    if value < minimum:
        raise ProcessError(f"{what} must be at least {minimum}, not {value}.")
    return value


def amount(raw: Any, what: str) -> float:
    """A positive amount of money."""
    if is_blank(raw):
        raise ProcessError(f"{what} is required.")
    try:
        value = parse_cell(Kind.NUMBER, raw)
    except CellError:
        raise ProcessError(f"{what} must be a number, not {text(raw)!r}.") from None
    if value <= 0:
        raise ProcessError(f"{what} must be more than 0.")
    return value


def day(raw: Any, what: str, *, not_before: date) -> date:
    """A date (ISO text or a date) that is not earlier than `not_before`."""
    if is_blank(raw):
        raise ProcessError(f"{what} is required.")
    try:
        value = parse_cell(Kind.DATE, raw)
    except CellError:
        raise ProcessError(
            f"{what} must be a date like {not_before.isoformat()}, not {text(raw)!r}."
        ) from None
    if value < not_before:
        raise ProcessError(
            f"{what} is already past ({value.isoformat()}); give {not_before.isoformat()} or later."
        )
    return value
