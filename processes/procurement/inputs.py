"""What people type into the procurement forms, read as typed values or refused with a clear message."""

from __future__ import annotations

from datetime import date
from typing import Any

from i18n import _
from processes.errors import ProcessError
from sheets.cells import CellError, is_blank, parse_cell
from sheets.schema import Kind


def text(raw: Any) -> str:
    """Typed text without surrounding spaces ('' for nothing)."""
    return "" if raw is None else str(raw).strip()


def required_text(raw: Any, what: str) -> str:
    value = text(raw)
    if not value:
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    return value


def whole_number(raw: Any, what: str, *, minimum: int = 0, default: int | None = None) -> int:
    """A whole number of at least `minimum`; blank gives `default` (or is refused when there is none)."""
    if is_blank(raw):
        if default is None:
            raise ProcessError(_("{what} must be filled in.", what=_(what)))
        return default
    try:
        value = parse_cell(Kind.INT, raw)
    except CellError:
        raise ProcessError(
            _("{what} must be a whole number, not {text!r}.", what=_(what), text=text(raw))
        ) from None
    if value < minimum:
        raise ProcessError(
            _("{what} must be at least {minimum}, not {value}.", what=_(what), minimum=minimum, value=value)
        )
    return value


def amount(raw: Any, what: str) -> float:
    """A positive amount of money."""
    if is_blank(raw):
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    try:
        value = parse_cell(Kind.NUMBER, raw)
    except CellError:
        raise ProcessError(
            _("{what} must be a number, not {text!r}.", what=_(what), text=text(raw))
        ) from None
    if value <= 0:
        raise ProcessError(_("{what} must be more than 0.", what=_(what)))
    return value


def day(raw: Any, what: str, *, not_before: date) -> date:
    """A date (ISO text or a date) that is not earlier than `not_before`."""
    if is_blank(raw):
        raise ProcessError(_("{what} must be filled in.", what=_(what)))
    try:
        value = parse_cell(Kind.DATE, raw)
    except CellError:
        raise ProcessError(
            _(
                "{what} must be a date like {isoformat}, not {text!r}.",
                what=_(what),
                isoformat=not_before.isoformat(),
                text=text(raw),
            )
        ) from None
    if value < not_before:
        raise ProcessError(
            _(
                "{what} is already past ({isoformat}); give {isoformat2} or later.",
                what=_(what),
                isoformat=value.isoformat(),
                isoformat2=not_before.isoformat(),
            )
        )
    return value
