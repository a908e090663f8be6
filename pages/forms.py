"""A form built from a tab's declaration: one input per column, derived from its kind, choices and required flag.

Choices become a drop-down, yes/no a checkbox, everything else a text input
whose value the rule checks against the column (so "abc" in a price gets the
schema's message on that field, and what the user typed stays in the form).

    form = RecordForm(PRODUCTS, kind.form_columns(adding=True))
    ...
    master_data.add_record(workbook, kind, form.values(), by=actor)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from nicegui import ui

import i18n
from i18n import _
from sheets.schema import Column, Kind, Tab

#: Words shown in capitals when a column name becomes a label.
_ACRONYMS = {"sku": "SKU", "id": "ID"}
_PLACEHOLDERS = {Kind.DATE: "YYYY-MM-DD", Kind.DATETIME: "YYYY-MM-DD HH:MM"}


def label_for(column: Column) -> str:
    """A column's name as a person reads it: `lead_time_days` -> "Lead time days" (its Chinese header in Chinese)."""
    header = i18n.header(column.name, i18n.current())
    if header != column.name:
        return header
    words = [_ACRONYMS.get(word, word) for word in column.name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class RecordForm:
    """Inputs for some columns of a tab, filled from `values` (a record being edited) or the defaults."""

    def __init__(
        self,
        tab: Tab,
        columns: Sequence[Column],
        values: Mapping[str, Any] | None = None,
    ) -> None:
        self.tab = tab
        self.columns = list(columns)
        self.fields: dict[str, ui.element] = {}
        with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-x-4 gap-y-1"):
            for column in self.columns:
                value = values.get(column.name) if values is not None else column.default
                self.fields[column.name] = self._field(column, value)

    def _field(self, column: Column, value: Any) -> ui.element:
        label = label_for(column) + (" *" if column.required else "")
        if column.choices:
            field = ui.select(  # each value as the reader's language names it; the English one is kept
                {choice: i18n.value(choice) for choice in column.choices},
                label=label,
                value=value if value in column.choices else None,
            )
            field.props("" if column.required else "clearable")
        elif column.kind is Kind.BOOL:
            field = ui.checkbox(label, value=bool(value))
        else:
            field = ui.input(label, value=_as_text(value), placeholder=_PLACEHOLDERS.get(column.kind))
            if column.kind in (Kind.INT, Kind.NUMBER):
                field.props("inputmode=decimal")
        if column.description:
            field.tooltip(_(column.description))
        return field.mark(f"field-{column.name}")

    def values(self) -> dict[str, Any]:
        """What the user entered, as typed: the rule converts and checks it against the schema."""
        return {name: field.value for name, field in self.fields.items()}

    def show_error(self, error: Exception) -> None:
        """Mark the field an error names (InvalidValue carries the column) and say it in a notification."""
        self.clear_errors()
        field = self.fields.get(getattr(error, "column", None) or "")
        if field is not None and hasattr(field, "error"):
            field.error = str(error)
        ui.notify(str(error), type="negative", multi_line=True)

    def clear_errors(self) -> None:
        for field in self.fields.values():
            if hasattr(field, "error"):
                field.error = None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")  # what the field parses back
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
