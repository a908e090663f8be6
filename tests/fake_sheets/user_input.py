"""How written values become stored cell values (valueInputOption and ExtendedValue).

RAW stores exactly what was sent: a string stays a string even if it reads "=SUM(A1)"
or "42". USER_ENTERED behaves like typing into the grid: "=..." becomes a formula,
numeric-looking text becomes a number, TRUE/FALSE become booleans, and a leading
apostrophe forces text. Those conversions are what tests use to prove the app
never writes with USER_ENTERED.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import invalid, not_implemented
from .grid import CellValue, Formula

INPUT_OPTIONS = ("RAW", "USER_ENTERED")

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")


def check_input_option(option: str | None) -> str:
    """valueInputOption is required and must be one Google knows."""
    if not option:
        raise invalid("'valueInputOption' is required but not specified")
    if option not in INPUT_OPTIONS:
        raise invalid(f"Invalid value at 'value_input_option' ({option})")
    return option


def parse_input(raw: Any, option: str, where: str) -> CellValue:
    """One element of a ValueRange being written (callers skip JSON nulls first)."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)):
        return raw
    if not isinstance(raw, str):
        kind = "list_value" if isinstance(raw, list) else "struct_value"
        raise invalid(f"Invalid values{where}: {kind}")
    if raw == "":
        return None
    return parse_typed(raw) if option == "USER_ENTERED" else raw


def parse_typed(text: str) -> CellValue:
    """Text as if a person typed it into a cell."""
    if text == "":
        return None
    if text.startswith("'"):
        return text[1:] or None
    if text.startswith("=") and len(text) > 1:
        return Formula(text)
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE"
    return _as_number(text.strip())


def _as_number(text: str) -> CellValue:
    if _NUMBER.match(text) or _GROUPED_NUMBER.match(text):
        number = float(text.replace(",", ""))
        is_whole = number.is_integer() and "." not in text and "e" not in text.lower()
        return int(number) if is_whole else number
    if _PERCENT.match(text):
        return float(text[:-1]) / 100
    return text


def from_extended_value(value: dict[str, Any] | None, where: str) -> CellValue:
    """A userEnteredValue from batchUpdate: stringValue is ALWAYS stored literally."""
    if not value:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise invalid(f"Invalid {where}: an ExtendedValue holds exactly one of its fields")
    ((kind, content),) = value.items()
    expected = _EXTENDED_TYPES.get(kind)
    if expected is None:
        raise not_implemented(f"ExtendedValue.{kind}")
    if not isinstance(content, expected) or (kind == "numberValue" and isinstance(content, bool)):
        raise invalid(f"Invalid {where}.userEnteredValue.{kind}: {content!r}")
    if kind == "stringValue":
        return content if content != "" else None
    if kind == "formulaValue":
        return Formula(content)
    return content


_EXTENDED_TYPES: dict[str, type | tuple[type, ...]] = {
    "stringValue": str,
    "numberValue": (int, float),
    "boolValue": bool,
    "formulaValue": str,
}
