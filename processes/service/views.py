"""What the ticket pages show: one page of the ticket list (filtered, searched, paged on the server) and one ticket."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from i18n import _
from processes.errors import ProcessError
from sheets.table import Record
from sheets.tabs import MESSAGES, ORDERS, RETURNS, SETTINGS, SURVEYS, TICKETS
from sheets.workbook import Workbook

from .conversation import messages_of
from .customer import CustomerHistory, customer_history
from .procedure import ACTIVE_STATES, TICKET
from .sla import SlaStatus, due_soon_percent_in, sla_status
from .tickets import Note, note_entries

PER_PAGE = 25
#: The status filter's extra choices besides each status.
ALL, ACTIVE = "all", "active"


@dataclass(frozen=True)
class TicketQuery:
    status: str = ACTIVE  # a status, "active" (open, in progress, waiting) or "all"
    priority: str = ALL
    search: str = ""
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class TicketRow:
    ticket_id: str
    subject: str
    kind: str
    priority: str
    status: str
    sla: SlaStatus
    customer: str
    assignee: str
    opened_at: datetime | None
    due_at: datetime | None


@dataclass(frozen=True)
class TicketPage:
    rows: list[TicketRow]
    total: int  # tickets matching the filters
    page: int
    pages: int


def ticket_page(workbook: Workbook, query: TicketQuery) -> TicketPage:
    """One page of tickets matching `query`: active ones first, the soonest due first; the rest newest first.

    On a big Tickets tab on Google, a list of some statuses (the active ones by default)
    reads only the tickets in them (`Workbook.selected` by status); "all" reads every ticket.
    """
    if workbook.selects_rows(TICKETS) and query.status != ALL:
        states = set(ACTIVE_STATES) if query.status == ACTIVE else {query.status}
        if TICKET.default_state in states:
            states.add("")  # a blank status is the default's
        table = workbook.selected(TICKETS, {TICKET.status_column: states}).table
        percent = due_soon_percent_in(workbook.table(SETTINGS))
    else:
        tables = workbook.tables(TICKETS, SETTINGS)
        table, percent = tables[TICKETS.name], due_soon_percent_in(tables[SETTINGS.name])
    frame = table.df
    statuses = frame["status"].fillna(TICKET.default_state).to_numpy(dtype=object)
    keep = np.ones(len(frame), dtype=bool)
    if query.status == ACTIVE:
        keep &= np.isin(statuses, ACTIVE_STATES)
    elif query.status != ALL:
        keep &= statuses == query.status
    if query.priority != ALL:
        keep &= frame["priority"].fillna("normal").to_numpy(dtype=object) == query.priority
    if query.search.strip():
        found = table.search_text.str.contains(query.search.strip().casefold(), regex=False)
        keep &= found.fillna(False).to_numpy(dtype=bool)
    chosen = np.flatnonzero(keep)
    active = np.isin(statuses[chosen], ACTIVE_STATES)
    due, opened = _seconds(frame["due_at"])[chosen], _seconds(frame["opened_at"])[chosen]
    # Active: soonest due first (no due time last); finished: newest first.
    key = np.where(active, np.nan_to_num(due, nan=np.inf), np.nan_to_num(-opened, nan=np.inf))
    ordered = chosen[np.lexsort((key, ~active))]
    per_page = max(1, query.per_page)
    pages = max(1, math.ceil(len(ordered) / per_page))
    page = min(max(1, query.page), pages)
    now = workbook.clock()
    rows = [
        _row(table.record_at(int(index)), now, percent)
        for index in ordered[(page - 1) * per_page : page * per_page]
    ]
    return TicketPage(rows, len(ordered), page, pages)


def _seconds(column: pd.Series) -> np.ndarray:
    """Seconds since 1970 of a date column, NaN where blank."""
    return (pd.to_datetime(column) - pd.Timestamp(0)).dt.total_seconds().to_numpy(dtype=float)


def _row(ticket: Record, now: datetime, due_soon_percent: float) -> TicketRow:
    return TicketRow(
        ticket.ticket_id,
        ticket.subject or "",
        ticket.kind or "",
        ticket.priority or "",
        TICKET.state_of(ticket),
        sla_status(ticket, now, due_soon_percent),
        ticket.customer_name or ticket.customer_email or "",
        ticket.assignee or "",
        ticket.opened_at,
        ticket.due_at,
    )


@dataclass(frozen=True)
class TicketView:
    ticket: Record
    sla: SlaStatus
    notes: list[Note]
    order: Record | None
    surveys: list[Record]
    customer: CustomerHistory | None = None  # the customer's other orders, tickets and returns
    messages: list[Record] = field(default_factory=list)  # the conversation, oldest first


def ticket_view(workbook: Workbook, ticket_id: str) -> TicketView:
    """A ticket with its SLA standing, its notes, its conversation, its order, its survey and its
    customer's history, from one read."""
    # RETURNS: the customer's history; MESSAGES: the conversation
    tables = workbook.tables(TICKETS, ORDERS, SURVEYS, SETTINGS, RETURNS, MESSAGES)
    ticket = tables[TICKETS.name].get(ticket_id)
    if ticket is None:
        raise ProcessError(_("There is no ticket {ticket_id}.", ticket_id=ticket_id))
    messages = messages_of(tables[MESSAGES.name].records(), ticket.ticket_id)
    said = {(message.author, message.body) for message in messages}
    return TicketView(
        ticket=ticket,
        sla=sla_status(ticket, workbook.clock(), due_soon_percent_in(tables[SETTINGS.name])),
        # the notes the conversation does not show already: typed into the sheet, or older than it
        notes=[note for note in note_entries(ticket.notes) if (note.author, note.text) not in said],
        order=tables[ORDERS.name].get(ticket.order_id) if ticket.order_id else None,
        surveys=[survey for survey in tables[SURVEYS.name].records() if survey.ref == ticket.ticket_id],
        customer=customer_history(ticket, tables),
        messages=messages,
    )
