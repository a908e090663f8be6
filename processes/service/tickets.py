"""Tickets: opened with a due time from the SLA of their priority, assigned, answered, paused, resolved.

    ticket = open_ticket(workbook, kind="complaint", subject="Arrived damaged", priority="high",
                         order_id="ORD-…", by=actor)
    assign(workbook, ticket.ticket_id, "sam", by=actor)
    reply(workbook, ticket.ticket_id, "A replacement is on its way.", by=actor)
    wait_on_customer(workbook, ticket.ticket_id, by=actor)     # the SLA clock stops
    resume(workbook, ticket.ticket_id, by=actor)               # due_at moves by the time waited
    resolve(workbook, ticket.ticket_id, "Replacement sent.", by=actor)   # + survey to the customer

Each step is one transaction, checked against the declared procedure; `base`
is the ticket as the user loaded it (refused with what changed if the sheet
differs now). A ticket added by hand without its SLA clock gets it in the
first step taken on it (sla.missing_clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from i18n import N_, _
from processes import steps
from processes.errors import ProcessError
from processes.notify import MESSAGE_TABS, queue_message
from processes.permissions import Actor
from sheets.table import Record
from sheets.tabs import MESSAGES, ORDERS, PRIORITIES, SETTINGS, TICKETS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from . import inputs
from .conversation import record_reply, reply_headers
from .procedure import TICKET
from .sla import due_time, fill_clock, pause_folded, sla_hours
from .surveys import create_survey

KINDS: tuple[str, ...] = TICKETS.column("kind").choices
SUBJECT_LIMIT, DETAILS_LIMIT, REPLY_LIMIT = 200, 5000, 5000
#: Google keeps at most 50,000 characters in a cell; the notes stop short of it.
NOTES_LIMIT = 45000
NOTE_TIME_FORMAT = "%Y-%m-%d %H:%M"


@steps.entry(TICKET)
def open_ticket(
    workbook: Workbook,
    *,
    subject: str,
    kind: str = "inquiry",
    priority: str = "normal",
    details: str = "",
    customer_name: str = "",
    customer_email: str = "",
    order_id: str = "",
    by: Actor,
) -> Record:
    """A new open ticket due the SLA hours of its priority from now; a linked order must exist.

    A ticket about an order takes the customer's name and email from the
    order where none is typed.
    """
    if kind not in KINDS:
        raise ProcessError(_("A ticket is an {join}, not {kind!r}.", join=" or a ".join(KINDS), kind=kind))
    if priority not in PRIORITIES:
        raise ProcessError(
            _(
                "The priority must be one of {join}, not {priority!r}.",
                join=", ".join(PRIORITIES),
                priority=priority,
            )
        )
    values = {
        "subject": inputs.text(subject, N_("The subject"), limit=SUBJECT_LIMIT, required=True),
        "details": inputs.text(details, N_("The details"), limit=DETAILS_LIMIT),
        "customer_name": inputs.text(customer_name, N_("The customer's name"), limit=200),
        "customer_email": inputs.email(customer_email),
    }
    wanted_order = inputs.text(order_id, N_("The order"), limit=100)
    tabs = (SETTINGS, ORDERS) if wanted_order else (SETTINGS,)
    with workbook.transaction(*tabs, user=by.name, action="open ticket") as tx:
        if wanted_order:
            order = tx.get(ORDERS, wanted_order)
            if order is None:
                raise ProcessError(
                    _("There is no order {wanted_order}: check the order number.", wanted_order=wanted_order)
                )
            values["customer_name"] = values["customer_name"] or order.customer_name
            values["customer_email"] = values["customer_email"] or order.customer_email or ""
        return tx.insert(
            TICKETS,
            {
                **values,
                "kind": kind,
                "priority": priority,
                "order_id": wanted_order or None,
                "status": TICKET.start_states[0],
                "opened_at": tx.now,
                "due_at": due_time(tx.now, sla_hours(tx, priority)),
                "paused_hours": 0,
            },
        )


@steps.rule(TICKET, "assign")
def assign(
    workbook: Workbook, ticket_id: str, assignee: str, *, by: Actor, base: Record | None = None
) -> Record:
    """Give the ticket to `assignee` (a login name); it is in progress from now."""
    name = inputs.text(assignee, N_("Who the ticket is assigned to"), limit=100, required=True)
    return _step(workbook, ticket_id, "assign", by=by, base=base, changes=lambda tx, t: {"assignee": name})


@steps.rule(TICKET, "reply")
def reply(
    workbook: Workbook, ticket_id: str, message: str, *, by: Actor, base: Record | None = None
) -> Record:
    """Answer the customer: the reply is added to the notes with time and author and queued to the customer.

    The first reply stamps first_response_at; a ticket nobody owns yet becomes the replier's.
    """
    text = inputs.text(message, N_("The reply"), limit=REPLY_LIMIT, required=True)

    def changes(tx: Transaction, ticket: Record) -> dict[str, Any]:
        return {**_replied(tx, ticket, text, by), "assignee": ticket.assignee or by.name}

    return _step(workbook, ticket_id, "reply", by=by, base=base, changes=changes)


@steps.rule(TICKET, "wait")
def wait_on_customer(
    workbook: Workbook, ticket_id: str, question: str = "", *, by: Actor, base: Record | None = None
) -> Record:
    """Stop the SLA clock until the customer answers; `question`, if given, is sent as a reply."""
    text = inputs.text(question, N_("The question"), limit=REPLY_LIMIT)

    def changes(tx: Transaction, ticket: Record) -> dict[str, Any]:
        asked = _replied(tx, ticket, text, by) if text else {}
        return {**asked, "paused_since": tx.now}

    return _step(workbook, ticket_id, "wait", by=by, base=base, changes=changes)


@steps.rule(TICKET, "resume")
def resume(workbook: Workbook, ticket_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """The customer answered: the clock runs again and the due time moves later by the time waited."""
    return _step(
        workbook, ticket_id, "resume", by=by, base=base, changes=lambda tx, t: pause_folded(t, tx.now)
    )


@steps.rule(TICKET, "resolve")
def resolve(
    workbook: Workbook,
    ticket_id: str,
    resolution: str,
    *,
    by: Actor,
    base: Record | None = None,
    site_url: str = "",
) -> Record:
    """Resolve the ticket with what was done; a satisfaction survey is created and its link queued to the customer.

    A ticket resolved by its due time met its SLA, one resolved after it breached it.
    Without a customer email no survey is made (nobody could answer it). `site_url`
    is the address customers reach the app at; the link is that plus /public/survey/<token>.
    """
    text = inputs.text(resolution, N_("The resolution"), limit=DETAILS_LIMIT, required=True)

    def changes(tx: Transaction, ticket: Record) -> dict[str, Any]:
        if ticket.customer_email:
            create_survey(
                tx,
                ref=ticket.ticket_id,
                to=ticket.customer_email,
                template="survey_request_ticket",
                site_url=site_url,
                customer_name=ticket.customer_name or "",
                subject=ticket.subject,
            )
        return {**pause_folded(ticket, tx.now), "resolved_at": tx.now, "resolution": text}

    return _step(workbook, ticket_id, "resolve", by=by, base=base, changes=changes)


@steps.rule(TICKET, "close")
def close(workbook: Workbook, ticket_id: str, *, by: Actor, base: Record | None = None) -> Record:
    """File a resolved ticket away."""
    return _step(workbook, ticket_id, "close", by=by, base=base)


Changes = Callable[[Transaction, Record], dict[str, Any]]


def _step(
    workbook: Workbook,
    ticket_id: str,
    action: str,
    *,
    by: Actor,
    base: Record | None,
    changes: Changes | None = None,
) -> Record:
    """One declared step on a ticket: checked, then the new state and `changes` in one commit."""
    transition = TICKET.transition(action)
    with workbook.transaction(
        TICKETS, MESSAGES, *MESSAGE_TABS, user=by.name, action=f"ticket: {transition.label.lower()}"
    ) as tx:
        ticket = tx.require(
            TICKETS, inputs.text(ticket_id, N_("The ticket"), limit=100, required=True), base=base
        )
        TICKET.check(action, TICKET.state_of(ticket), by)
        filled = fill_clock(tx, ticket)
        if filled:  # a ticket added by hand gets its SLA clock before the step runs on it
            ticket = tx.update(ticket, filled)
        extra = changes(tx, ticket) if changes else {}
        return tx.update(ticket, {"status": transition.target, **extra})


def _replied(tx: Transaction, ticket: Record, text: str, by: Actor) -> dict[str, Any]:
    """The changes a reply makes (notes, first response) after queueing it to the customer.

    The reply is an "out" message of the ticket's conversation, sent under its own
    Message-ID in answer to the customer's latest email.
    """
    notes = append_note(ticket.notes, tx.now, by.name, text)
    headers = reply_headers(tx, ticket.ticket_id)
    queued = queue_message(
        tx,
        to=ticket.customer_email,
        template="ticket_reply",
        ref=ticket.ticket_id,
        threading={
            "email_message_id": headers.message_id,
            "in_reply_to": headers.in_reply_to,
            "references": headers.references,
        },
        customer_name=ticket.customer_name or "",
        subject=ticket.subject,
        ticket_id=ticket.ticket_id,
        reply=text,
    )
    record_reply(
        tx,
        ticket,
        text,
        by,
        subject=queued.subject if queued is not None else ticket.subject,
        email_message_id=headers.message_id if queued is not None else "",
    )
    return {"notes": notes, "first_response_at": ticket.first_response_at or tx.now}


@dataclass(frozen=True)
class Note:
    at: str  # as written in the notes: "2026-03-02 09:30"
    author: str
    text: str


def append_note(notes: str | None, at: datetime, author: str, text: str) -> str:
    """`notes` with one more entry, newest last: `[2026-03-02 09:30 sam] text`."""
    entry = f"[{at.strftime(NOTE_TIME_FORMAT)} {author}] {text}"
    combined = f"{notes.rstrip()}\n{entry}" if notes and notes.strip() else entry
    if len(combined) > NOTES_LIMIT:
        raise ProcessError(_("This ticket's notes are full; open a new ticket to carry on the conversation."))
    return combined


def note_entries(notes: str | None) -> list[Note]:
    """The entries of a ticket's notes, oldest first; text a person typed in the sheet is kept as it is."""
    entries: list[Note] = []
    for line in (notes or "").splitlines():
        head = _entry_head(line)
        if head is not None:
            entries.append(Note(*head))
        elif entries:
            last = entries[-1]
            entries[-1] = Note(last.at, last.author, f"{last.text}\n{line}")
        elif line.strip():
            entries.append(Note("", "", line))
    return entries


def _entry_head(line: str) -> tuple[str, str, str] | None:
    if not line.startswith("[") or "] " not in line:
        return None
    head, text = line[1:].split("] ", 1)
    parts = head.split(" ", 2)
    if len(parts) != 3:
        return None
    day, time, author = parts
    try:
        datetime.strptime(f"{day} {time}", NOTE_TIME_FORMAT)
    except ValueError:
        return None
    return f"{day} {time}", author, text
