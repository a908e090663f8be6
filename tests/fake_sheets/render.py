"""How stored cell values come back out of the API (values and CellData).

Google returns numbers as JSON numbers (whole floats as integers), booleans as JSON
booleans, formulas as their computed value unless FORMULA is asked for, and with
FORMATTED_VALUE everything as the string the grid displays.
"""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .grid import Cell, CellValue, Formula, Validation

RENDER_OPTIONS = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
JsonScalar = str | int | float | bool


def unformatted(value: CellValue) -> JsonScalar:
    """UNFORMATTED_VALUE: the underlying value; a formula's stand-in result; "" when empty."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return unformatted(value.result)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def formatted(value: CellValue) -> str:
    """FORMATTED_VALUE: the text the grid shows under the default (automatic) format."""
    plain = unformatted(value)
    if isinstance(plain, bool):
        return "TRUE" if plain else "FALSE"
    if isinstance(plain, (int, float)):
        return format_number(plain)
    return plain


def formula(value: CellValue) -> JsonScalar:
    """FORMULA: the formula text for formula cells, the unformatted value otherwise."""
    if isinstance(value, Formula):
        return value.text
    return unformatted(value)


def render(value: CellValue, option: str) -> JsonScalar:
    """One cell rendered with a valueRenderOption."""
    if option == "UNFORMATTED_VALUE":
        return unformatted(value)
    if option == "FORMULA":
        return formula(value)
    return formatted(value)


def check_render_option(option: str) -> str:
    """Reject render options Google would reject, instead of guessing."""
    if option not in RENDER_OPTIONS:
        raise invalid(f"Invalid value at 'value_render_option' ({option})")
    return option


def format_number(number: int | float) -> str:
    """Numbers as the default automatic format shows them (approximately)."""
    if isinstance(number, int) or number.is_integer():
        return str(int(number))
    return f"{number:.15g}"


def extended_value(value: CellValue) -> dict[str, Any]:
    """ExtendedValue for userEnteredValue: exactly what was entered."""
    if isinstance(value, Formula):
        return {"formulaValue": value.text}
    return _typed_value(value)


def effective_value(value: CellValue) -> dict[str, Any]:
    """ExtendedValue for effectiveValue: what the cell evaluates to."""
    if isinstance(value, Formula):
        return _typed_value(value.result)
    return _typed_value(value)


def _typed_value(value: CellValue) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": unformatted(value)}
    return {"stringValue": value}


def cell_data(cell: Cell) -> dict[str, Any]:
    """CellData as spreadsheets.get / batchUpdate responses include it ({} when empty)."""
    data: dict[str, Any] = {}
    if cell.value is not None:
        data["userEnteredValue"] = extended_value(cell.value)
        data["effectiveValue"] = effective_value(cell.value)
        data["formattedValue"] = formatted(cell.value)
    if cell.bold:
        data["userEnteredFormat"] = {"textFormat": {"bold": True}}
        data["effectiveFormat"] = {"textFormat": {"bold": True}}
    if cell.validation is not None:
        data["dataValidation"] = validation_rule(cell.validation)
    return data


def validation_rule(validation: Validation) -> dict[str, Any]:
    """DataValidationRule JSON (false booleans omitted, as proto3 JSON does)."""
    rule: dict[str, Any] = {
        "condition": {
            "type": "ONE_OF_LIST",
            "values": [{"userEnteredValue": value} for value in validation.values],
        }
    }
    if validation.strict:
        rule["strict"] = True
    if validation.show_custom_ui:
        rule["showCustomUi"] = True
    return rule
