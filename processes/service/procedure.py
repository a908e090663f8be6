"""The ticket procedure, declared once: its states, the named steps between them, who takes each.

The resolution deadline is not one number: it is the SLA hours of the
ticket's priority in Settings (`sla_hours_<priority>`), counted from opening,
with the time spent waiting on the customer left out.
"""

from __future__ import annotations

from processes.permissions import Actor
from processes.procedure import Alert, Entry, Procedure, Transition
from sheets.table import Record
from sheets.tabs import PRIORITIES, TICKETS

TICKET_OVERDUE = Alert(
    "service.overdue",
    "A ticket is past its due time (the SLA hours of its priority, waiting on the customer not counted).",
    "breach",
    "manager",
    setting="sla_hours_{priority}",
    watches=("resolve",),
)
TICKET_DUE_SOON = Alert(
    "service.due_soon",
    "A ticket has this share of its SLA window or less left: resolve it, or ask the customer for what is missing.",
    "warning",
    "staff",
    setting="ticket_due_soon_percent",
)
TICKET_NO_RESPONSE = Alert(
    "service.no_response",
    "A ticket has had no reply this long after it was opened: answer the customer.",
    "warning",
    "staff",
    setting="first_response_hours",
    watches=("reply",),
)

TICKET = Procedure(
    "Ticket",
    TICKETS,
    "status",
    purpose=(
        "Answer a customer's inquiry or complaint and resolve it within the SLA hours of its priority "
        "(Settings: sla_hours_<priority>); time spent waiting on the customer does not count."
    ),
    entries=(Entry("open", "Staff open a ticket for a customer's inquiry or complaint"),),
    area="service",
    page="/tickets/{id}",
    stamps={"": "opened_at"},
    about="subject",
    alerts=(TICKET_OVERDUE, TICKET_DUE_SOON, TICKET_NO_RESPONSE),
    groups={
        "active": ("open", "in_progress", "waiting_on_customer"),  # the SLA clock matters
        "finished": ("resolved", "closed"),
    },
    step_columns=("opened_at", "due_at", "first_response_at", "resolved_at", "paused_since", "paused_hours"),
    transitions=(
        Transition(
            "assign",
            ("open", "in_progress"),
            "in_progress",
            "staff",
            "Assign",
            checklist=("Pick the person who owns the ticket until it is resolved",),
        ),
        Transition(
            "reply",
            ("open", "in_progress"),
            "in_progress",
            "staff",
            "Reply",
            checklist=("Answer the customer's question, or say what happens next and when",),
            deadline="first_response_hours",  # the first reply, counted from opening
            informed=("customer",),
        ),
        Transition(
            "wait",
            ("in_progress",),
            "waiting_on_customer",
            "staff",
            "Wait on the customer",
            checklist=("Ask the customer for what is missing; the SLA clock stops until they answer",),
        ),
        Transition("resume", ("waiting_on_customer",), "in_progress", "staff", "Resume (customer answered)"),
        Transition(
            "resolve",
            ("open", "in_progress", "waiting_on_customer"),
            "resolved",
            "staff",
            "Resolve",
            checklist=(
                "Write down what was done for the customer",
                "A satisfaction survey goes to the customer",
            ),
            deadline="sla_hours_{priority}",  # counted from opening, waiting on the customer left out
            informed=("customer",),
        ),
        Transition("close", ("resolved",), "closed", "staff", "Close"),
    ),
)

#: States in which the SLA clock matters (the ticket is not finished).
ACTIVE_STATES = TICKET.group("active")
#: States of a finished ticket.
FINISHED_STATES = TICKET.group("finished")
#: The state in which the SLA clock stops (waiting on the customer).
PAUSED_STATE = TICKET.transition("wait").target
#: The Settings key holding the SLA hours of each priority.
SLA_SETTING_KEYS: dict[str, str] = {priority: f"sla_hours_{priority}" for priority in PRIORITIES}


def ticket_steps(ticket: Record, actor: Actor) -> list[Transition]:
    """The steps `actor` may take on `ticket` now: the only ones a page offers."""
    return TICKET.steps_for(ticket, actor)
