"""On a ticket's page: the customer's other orders, tickets and returns, each a link to its page."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

import i18n
from i18n import N_, _
from pages.links import record_path
from processes.service import CustomerHistory
from sheets.table import Record

from .common import shown

MATCHED_BY = {
    "email": N_("Matched by email address"),
    "name": N_("Matched by name: the ticket has no email address"),
}


def order_link(order_id: str | None) -> None:
    """A ticket's order reference as a link to the order's page (a dash without one)."""
    with ui.row().classes("gap-2 items-baseline"):
        ui.label(_("Order")).classes("text-sm text-slate-500 w-36")
        if order_id:
            ui.link(order_id, record_path(order_id) or "/orders").mark("ticket-order")
        else:
            ui.label("—")


def show_customer(history: CustomerHistory | None) -> None:
    """The customer's history in three short lists, or a line saying there is none."""
    if history is None or not history.matched_by:
        return
    with ui.card().classes("w-full gap-1").mark("customer-history"):
        ui.label(_("This customer")).classes("text-base font-semibold")
        ui.label(_(MATCHED_BY[history.matched_by])).classes("text-xs text-slate-500")
        if history.empty:
            ui.label(_("No other orders, tickets or returns.")).classes("text-slate-500")
            return
        _section(N_("Orders"), history.orders, "order_id", _order_line)
        _section(N_("Other tickets"), history.tickets, "ticket_id", _ticket_line)
        _section(N_("Returns"), history.returns, "return_id", _return_line)


def _section(title: str, records: list[Record], key: str, describe) -> None:
    if not records:
        return
    ui.label(_(title)).classes("text-sm font-medium mt-2")
    for record in records:
        with ui.row().classes("w-full items-baseline gap-2 no-wrap").mark(f"history-{record[key]}"):
            ui.link(record[key], record_path(record[key]) or "/").classes("font-mono text-sm")
            ui.label(describe(record)).classes("text-sm text-slate-600")


def _when(value: datetime | None) -> str:
    return shown(value)


def _order_line(order: Record) -> str:
    parts = [order.external_ref or "", _when(order.created_at), i18n.value(order.status or "")]
    if order.total is not None:
        parts.append(f"{order.total:,.2f}")
    return " · ".join(part for part in parts if part)


def _ticket_line(ticket: Record) -> str:
    parts = [ticket.subject or "", _when(ticket.opened_at), i18n.value(ticket.status or "")]
    return " · ".join(part for part in parts if part)


def _return_line(ret: Record) -> str:
    parts = [
        f"{ret.qty} x {ret.sku}",
        i18n.value(ret.kind or "return"),
        _when(ret.requested_at),
        i18n.value(ret.status or ""),
    ]
    return " · ".join(part for part in parts if part)
