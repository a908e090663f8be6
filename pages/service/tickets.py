"""Tickets: the list (filters, search, server-side paging) with the new-ticket form, and one ticket with its steps.

Every workbook call runs through `run.io_bound`; every rule is in
processes.service. A ticket page offers only the steps the procedure allows
now, and a refusal is shown as a notification while the form keeps what was typed.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, attempt, pager
from pages.frame import frame
from pages.steps_panel import StepsPanel
from processes import runtime, service
from processes.permissions import Actor
from processes.service import ACTIVE, ALL, PRIORITIES, TICKET, TicketQuery, TicketView

from . import conversation
from .common import SLA_COLOURS, SLA_WORDS, fact, shown, table
from .customer_view import order_link, show_customer


def register() -> None:
    @ui.page("/tickets")
    async def tickets_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Tickets", actor):
            await TicketsPage(actor).build()

    @ui.page("/tickets/{ticket_id}")
    async def ticket_page(ticket_id: str, request: Request) -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(_("Ticket {ticket_id}", ticket_id=ticket_id), actor):
            await TicketPage(actor, ticket_id, site_url=runtime.site_url(str(request.base_url))).build()


class TicketsPage(ServerList):
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.workbook = runtime.workbook()
        self.query = TicketQuery()

    async def build(self) -> None:
        with ui.expansion(_("New ticket"), icon="add").classes("w-full border rounded"):
            self._form()
        with ui.row().classes("w-full items-end gap-4"):
            self.status = ui.select(
                {ACTIVE: _("active (not resolved)"), **{s: i18n.value(s) for s in (ALL, *TICKET.states)}},
                value=ACTIVE,
                label=_("Status"),
                on_change=self._on_filter,
            ).classes("w-56")
            self.priority = ui.select(
                {p: i18n.value(p) for p in (ALL, *PRIORITIES)},
                value=ALL,
                label=_("Priority"),
                on_change=self._on_filter,
            ).classes("w-40")
            self.search = ui.input(_("Search"), on_change=self._on_filter).props(
                "clearable debounce=300 dense"
            )
            self.search.classes("w-64")
        self.list = ui.column().classes("w-full gap-2")
        await self.refresh()

    def _form(self) -> None:
        with ui.grid(columns="repeat(auto-fill, minmax(220px, 1fr))").classes("w-full gap-x-4 gap-y-1 p-2"):
            self.subject = ui.input(_("Subject")).props("maxlength=200")
            self.kind = ui.select(
                {kind: i18n.value(kind) for kind in service.KINDS}, value="inquiry", label=_("Kind")
            )
            self.new_priority = ui.select(
                {priority: i18n.value(priority) for priority in PRIORITIES},
                value="normal",
                label=_("Ticket priority"),
            )
            self.order_id = ui.input(_("Order number (optional)"))
            self.customer_name = ui.input(_("Customer name"))
            self.customer_email = ui.input(_("Customer email"))
        self.details = ui.textarea(_("Details")).classes("w-full px-2").props("maxlength=5000")
        ui.button(_("Open ticket"), on_click=self.open_ticket).classes("m-2")

    async def open_ticket(self) -> None:
        made = await attempt(
            service.open_ticket,
            self.workbook,
            subject=self.subject.value,
            kind=self.kind.value,
            priority=self.new_priority.value,
            details=self.details.value,
            customer_name=self.customer_name.value,
            customer_email=self.customer_email.value,
            order_id=self.order_id.value,
            by=self.actor,
        )
        if made is not None:
            ui.notify(
                _(
                    "Ticket {ticket_id} opened, due {shown}",
                    ticket_id=made.ticket_id,
                    shown=shown(made.due_at),
                ),
                type="positive",
            )
            ui.navigate.to(f"/tickets/{made.ticket_id}")

    async def _on_filter(self) -> None:
        await self._ask(
            status=self.status.value or ACTIVE,
            priority=self.priority.value or ALL,
            search=self.search.value or "",
        )

    async def _go(self, page: int) -> None:
        await self._ask(page=page)

    async def refresh(self) -> None:
        page = await self.newest(service.ticket_page)
        if page is None:
            return  # refused (shown), or a newer filter was asked for meanwhile
        self.list.clear()
        with self.list:
            if not page.total:
                ui.label(
                    _("No ticket matches: clear the filters to see every open ticket.")
                    if self.query != TicketQuery()
                    else _("No open tickets. Record a customer's question or complaint with New ticket.")
                ).classes("text-slate-500")
                return
            rows = [{**vars(row), "sla": _(SLA_WORDS[row.sla])} for row in page.rows]
            table(
                [
                    ("ticket_id", N_("Ticket")),
                    ("subject", N_("Subject")),
                    ("kind", N_("Kind")),
                    ("priority", N_("Priority")),
                    ("status", N_("Status")),
                    ("sla", N_("SLA")),
                    ("due_at", N_("Due")),
                    ("customer", N_("Customer")),
                    ("assignee", N_("Assignee")),
                    ("opened_at", N_("Opened")),
                ],
                rows,
                "ticket_id",
                links={"ticket_id": "/tickets/"},
            ).mark("tickets")
            pager(
                page.page, page.pages, ngettext("{count:,} ticket", "{count:,} tickets", page.total), self._go
            )


class TicketPage:
    def __init__(self, actor: Actor, ticket_id: str, site_url: str) -> None:
        self.actor = actor
        self.ticket_id = ticket_id
        self.site_url = site_url  # where customers reach the app: the survey link starts with it
        self.workbook = runtime.workbook()
        self.view: TicketView | None = None
        self.replies: list[service.CannedReply] = []

    async def build(self) -> None:
        ui.link(_("All tickets"), "/tickets")
        self.body = ui.column().classes("w-full gap-4")
        await self.refresh()

    async def refresh(self) -> None:
        view = await attempt(service.ticket_view, self.workbook, self.ticket_id)
        if view is None:
            return
        self.view = view
        self.replies = await attempt(service.canned_replies, i18n.current()) or []
        self.body.clear()
        with self.body:
            self._summary(view)
            show_customer(view.customer)
            conversation.draw_messages(self.ticket_id, view.messages)
            self._notes(view)
            self._steps(view)
            conversation.draw_note_form(self.ticket_id, self.actor, self.refresh)

    def _summary(self, view: TicketView) -> None:
        ticket = view.ticket
        with ui.row().classes("items-center gap-3"):
            ui.label(ticket.subject).classes("text-xl font-semibold")
            ui.badge(i18n.value(TICKET.state_of(ticket)))
            ui.label(_(SLA_WORDS[view.sla])).classes(f"text-{SLA_COLOURS[view.sla]} font-medium").mark("sla")
        with ui.row().classes("w-full gap-8 items-start"):
            with ui.column().classes("gap-0"):
                fact("Kind", i18n.value(ticket.kind or ""))
                fact("Priority", i18n.value(ticket.priority or ""))
                fact("Customer", ticket.customer_name)
                fact("Email", ticket.customer_email)
                order_link(ticket.order_id)
                if view.order is not None:
                    fact("Order status", i18n.value(view.order.status or ""))
            with ui.column().classes("gap-0"):
                fact("Assignee", ticket.assignee)
                fact("Opened", ticket.opened_at)
                fact("Due", ticket.due_at)
                fact("First response", ticket.first_response_at)
                fact("Waited on customer", f"{shown(ticket.paused_hours or 0.0)} h")
                fact("Resolved", ticket.resolved_at)
        if ticket.details:
            ui.label(ticket.details).classes("whitespace-pre-wrap")
        if ticket.resolution:
            ui.label(_("Resolution: {resolution}", resolution=ticket.resolution)).classes(
                "whitespace-pre-wrap font-medium"
            )
        for survey in view.surveys:
            if survey.answered_at is None:
                ui.label(
                    _("Satisfaction survey sent {shown}; not answered yet.", shown=shown(survey.sent_at))
                )
            else:
                ui.label(
                    _(
                        "Satisfaction survey answered {shown}: {score} of 5",
                        shown=shown(survey.answered_at),
                        score=survey.score,
                    )
                    + (f" · {survey.comment}" if survey.comment else "")
                ).classes("whitespace-pre-wrap")

    def _notes(self, view: TicketView) -> None:
        """The ticket's notes the conversation does not show: typed into the sheet, or from before it."""
        if not view.notes:
            return
        ui.label(_("Notes")).classes("text-base font-semibold")
        for note in view.notes:
            with ui.column().classes("gap-0 border-l-4 pl-2"):
                ui.label(f"{note.at} · {note.author}".strip(" ·")).classes("text-xs text-slate-500")
                ui.label(note.text).classes("whitespace-pre-wrap").mark("note")

    def _steps(self, view: TicketView) -> None:
        def text(label: str) -> Any:
            return lambda: ui.textarea(_(label)).classes("w-full").props("maxlength=5000 autogrow")

        def canned(label: str) -> Any:
            return conversation.text_with_canned_replies(label, self.ticket_id, self.actor, self.replies)

        fields = {
            "assignee": lambda: ui.input(_("Assign to"), value=view.ticket.assignee or self.actor.name),
            "message": canned(N_("Reply to the customer")),
            "question": canned(N_("Question for the customer")),
            "resolution": text(N_("Resolution")),
        }
        StepsPanel(
            TICKET,
            view.ticket,
            self.actor,
            on_done=self.refresh,
            fields=fields,
            site_url=self.site_url,
            notice=lambda step: _(
                "Ticket {ticket_id}: {replace}", ticket_id=self.ticket_id, replace=i18n.value(step.target)
            ),
        ).draw()
