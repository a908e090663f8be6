"""What the purchasing pages share: value display, tables, the stock picture, filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from nicegui import ui

import i18n
from i18n import _
from i18n.formatting import when
from pages.common import fact as common_fact
from pages.common import record_table
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
    """A compact table of this area's records (see pages.common.record_table)."""
    return record_table(columns, rows, key, shown, links)


def status_list(
    container: ui.column,
    rows: list[Any],
    status: str | None,
    *,
    nothing: str,
    nothing_in_state: str,
    columns: list[tuple[str, str]],
    key: str,
    links: dict[str, str],
) -> ui.table | None:
    """Redraw a list of requests or orders in one state (None: all); say what to do when it is empty."""
    container.clear()
    with container:
        if not rows:
            ui.label(_(nothing) if status is None else _(nothing_in_state, status=i18n.value(status)))
            return None
        return table(columns, [vars(row) for row in rows], key, links=links)


def fact(label: str, value: Any) -> None:
    common_fact(label, shown(value), "w-36")


def show_context(context: StockContext) -> None:
    """Stock on hand, what is on its way and what is already asked for: so nobody orders twice."""
    here = context.here
    if context.location_id is None:
        ui.label(_("No delivery location chosen: stock everywhere."))
    elif here is None:
        ui.label(_("No stock of it is kept at this location yet."))
    else:
        ui.label(
            _(
                "At {location_name}: {on_hand} on hand, {reserved} reserved, {available} available (min {min_qty}, max {max_qty})",
                location_name=here.location_name,
                on_hand=here.on_hand,
                reserved=here.reserved,
                available=here.available,
                min_qty=here.min_qty,
                max_qty=here.max_qty,
            )
        )
    for line in context.elsewhere:
        ui.label(
            _(
                "At {location_name}: {on_hand} on hand, {available} available",
                location_name=line.location_name,
                on_hand=line.on_hand,
                available=line.available,
            )
        ).classes("text-sm text-slate-600")
    if context.incoming:
        ui.label(
            _("Incoming: {incoming_qty} on open purchase orders", incoming_qty=context.incoming_qty)
        ).classes("font-medium")
        for line in context.incoming:
            state = i18n.value(line.status)
            if line.expected_at:
                state = _("{state}, expected {day}", state=state, day=when(line.expected_at))
            ui.link(
                _(
                    "{po_id}: {outstanding} from {supplier_name} ({state})",
                    po_id=line.po_id,
                    outstanding=line.outstanding,
                    supplier_name=line.supplier_name,
                    state=state,
                ),
                f"/procurement/orders/{line.po_id}",
            ).classes("text-sm")
    else:
        ui.label(_("Nothing incoming on open purchase orders."))
    if context.open_requests:
        ui.label(_("Open requests for it:")).classes("font-medium")
        for request in context.open_requests:
            state = i18n.value(request.status)
            if request.needed_by:
                state = _("{state}, needed by {day}", state=state, day=when(request.needed_by))
            ui.link(
                _(
                    "{request_id}: {qty} for {location_id} ({state})",
                    request_id=request.request_id,
                    qty=request.qty,
                    location_id=request.location_id,
                    state=state,
                ),
                f"/procurement/requests/{request.request_id}",
            ).classes("text-sm")
    else:
        ui.label(_("No open request for it."))


def status_filter(states: tuple[str, ...], on_change: Callable[[], Any]) -> ui.select:
    return ui.select(
        {state: i18n.value(state) for state in (ALL, *states)},
        value=ALL,
        label=_("Status"),
        on_change=on_change,
    ).classes("w-48")


# --- /procurement: the requests, and a new one ------------------------------------------
