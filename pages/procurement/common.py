"""What the purchasing pages share: value display, tables, the stock picture, filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from nicegui import ui

from i18n.formatting import when
from processes.procurement import PURCHASE_ORDER, PURCHASE_REQUEST, StockContext

REQUEST_STATES = PURCHASE_REQUEST.states
ORDER_STATES = PURCHASE_ORDER.states
ALL = "all"


def shown(value: Any) -> str:
    """A value as a table cell shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return when(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def table(
    columns: list[tuple[str, str]], rows: list[dict[str, Any]], key: str, links: dict[str, str] | None = None
) -> ui.table:
    """A compact table; `links` turns a column's cells into links (column -> path prefix)."""
    grid = ui.table(
        columns=[{"name": name, "label": label, "field": name, "align": "left"} for name, label in columns],
        rows=[{name: shown(row.get(name)) for name, _ in columns} for row in rows],
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
        ui.label(label).classes("text-sm text-slate-500 w-36")
        ui.label(shown(value) or "—")


def show_context(context: StockContext) -> None:
    """Stock on hand, what is on its way and what is already asked for: so nobody orders twice."""
    here = context.here
    if context.location_id is None:
        ui.label("No delivery location chosen: stock everywhere.")
    elif here is None:
        ui.label("No stock of it is kept at this location yet.")
    else:
        ui.label(
            f"At {here.location_name}: {here.on_hand} on hand, {here.reserved} reserved, "
            f"{here.available} available (min {here.min_qty}, max {here.max_qty})"
        )
    for line in context.elsewhere:
        ui.label(f"At {line.location_name}: {line.on_hand} on hand, {line.available} available").classes(
            "text-sm text-slate-600"
        )
    if context.incoming:
        ui.label(f"Incoming: {context.incoming_qty} on open purchase orders").classes("font-medium")
        for line in context.incoming:
            expected = f", expected {line.expected_at.isoformat()}" if line.expected_at else ""
            ui.link(
                f"{line.po_id}: {line.outstanding} from {line.supplier_name} ({line.status}{expected})",
                f"/procurement/orders/{line.po_id}",
            ).classes("text-sm")
    else:
        ui.label("Nothing incoming on open purchase orders.")
    if context.open_requests:
        ui.label("Open requests for it:").classes("font-medium")
        for request in context.open_requests:
            needed = f", needed by {request.needed_by.isoformat()}" if request.needed_by else ""
            ui.link(
                f"{request.request_id}: {request.qty} for {request.location_id} ({request.status}{needed})",
                f"/procurement/requests/{request.request_id}",
            ).classes("text-sm")
    else:
        ui.label("No open request for it.")


def status_filter(states: tuple[str, ...], on_change: Callable[[], Any]) -> ui.select:
    return ui.select([ALL, *states], value=ALL, label="Status", on_change=on_change).classes("w-48")


# --- /procurement: the requests, and a new one ------------------------------------------
