"""Pieces the service pages share: running a rule off the event loop, showing values and tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nicegui import ui

from i18n import _
from i18n.formatting import when

SLA_WORDS = {
    "met": "SLA met",
    "breached": "SLA breached",
    "due_soon": "due soon",
    "on_track": "on track",
    "paused": "paused: waiting on the customer",
}
SLA_COLOURS = {
    "met": "positive",
    "breached": "negative",
    "due_soon": "warning",
    "on_track": "primary",
    "paused": "grey",
}


def shown(value: Any) -> str:
    """A value as a cell or a fact shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return when(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def table(
    columns: list[tuple[str, str]], rows: list[dict[str, Any]], key: str, links: dict[str, str] | None = None
):
    """A compact table of text cells; `links` turns a column's cells into links (column -> path prefix)."""
    grid = ui.table(
        columns=[
            {"name": name, "label": _(label), "field": name, "align": "left"} for name, label in columns
        ],
        rows=[
            {key: shown(row.get(key)), **{name: shown(row.get(name)) for name, _label in columns}}
            for row in rows
        ],
        row_key=key,
    ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]")
    grid.classes("w-full")
    for column, prefix in (links or {}).items():
        grid.add_slot(
            f"body-cell-{column}",
            f'<q-td :props="props"><a class="text-primary" :href="\'{prefix}\' + props.value">'
            "{{ props.value }}</a></q-td>",
        )
    return grid


def fact(label: str, value: Any) -> None:
    with ui.row().classes("gap-2 items-baseline"):
        ui.label(_(label)).classes("text-sm text-slate-500 w-36")
        ui.label(shown(value) or "—")
