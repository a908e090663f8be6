"""Pieces the service pages share: running a rule off the event loop, showing values and tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nicegui import ui

from i18n import N_
from i18n.formatting import when
from pages.common import fact as common_fact
from pages.common import record_table

SLA_WORDS = {
    "met": N_("SLA met"),
    "breached": N_("SLA breached"),
    "due_soon": N_("due soon"),
    "on_track": N_("on track"),
    "paused": N_("paused: waiting on the customer"),
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
) -> ui.table:
    """A compact table of this area's records (see pages.common.record_table)."""
    return record_table(columns, rows, key, shown, links)


def fact(label: str, value: Any) -> None:
    common_fact(label, shown(value), "w-36")
