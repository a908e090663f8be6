"""Translating raw cells to and from the Sheets API's CellData and A1 ranges."""

from __future__ import annotations

from typing import Any


def quote_tab(name: str) -> str:
    """A tab name as an A1 range prefix: 'Stock Moves' (quotes doubled inside)."""
    return "'" + name.replace("'", "''") + "'"


def row_range(tab_name: str, row_index: int) -> str:
    """The A1 range of one whole row, from its 0-based index."""
    return f"{quote_tab(tab_name)}!{row_index + 1}:{row_index + 1}"


def column_range(tab_name: str, first: int, last: int) -> str:
    """The A1 range of whole columns, from 0-based indexes: 'Stock'!A:B."""
    return f"{quote_tab(tab_name)}!{column_letters(first)}:{column_letters(last)}"


def column_letters(index: int) -> str:
    """A 0-based column index as spreadsheet letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_data(value: Any) -> dict[str, Any]:
    """CellData that writes `value` literally: text stays text even when it starts with '='."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def from_cell_data(cell: dict[str, Any]) -> Any:
    """The raw value of a CellData from a response (effective value first)."""
    value = cell.get("effectiveValue") or cell.get("userEnteredValue") or {}
    for kind in ("stringValue", "numberValue", "boolValue"):
        if kind in value:
            number = value[kind]
            if kind == "numberValue" and isinstance(number, float) and number.is_integer():
                return int(number)
            return number
    if "errorValue" in value:
        return "#ERROR"
    return ""


def grid_rows(grid_data: dict[str, Any]) -> list[list[Any]]:
    return [[from_cell_data(cell) for cell in row.get("values", [])] for row in grid_data.get("rowData", [])]
