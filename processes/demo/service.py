"""Customer service: tickets across every kind, priority and status, and satisfaction surveys.

Each ticket's SLA deadline comes from the declared default for its priority;
one open ticket is already past it. Surveys follow deliveries and resolved
tickets, and only some are answered.
"""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sheets.table import Record
from sheets.tabs import MESSAGES, SURVEYS, TICKETS

from .builder import SERVICE, DemoBuilder, OrderPlan, declared_default, whole_seconds
from .choices import ORDER_STATUS, PRIORITY, TICKET_KIND, TICKET_STATUS

TOKEN_ALPHABET = string.ascii_letters + string.digits
SURVEY_COMMENTS = {
    5: (
        "Lovely quality, arrived fast.",
        "Exactly as pictured, thank you!",
        "Great packaging, nothing broken.",
    ),
    4: ("Good product, delivery took a day longer than promised.", "Happy overall."),
    3: ("Fine, but the box was dented.",),
    2: ("Took a week to get an answer.",),
    1: ("Wrong item and nobody called back.",),
}
SCORE_WEIGHTS = {5: 6, 4: 4, 3: 2, 2: 1, 1: 1}
_WAITING = TICKET_STATUS.waiting_on_customer
# The ticket is about the shipped order that went out without its tracking number.
UNTRACKED = "untracked"


class TicketScript(NamedTuple):
    """One ticket as the story tells it; times are relative, the order is found when seeding."""

    kind: str
    priority: str
    status: str
    opened_hours_ago: float | None  # None: an hour after the order was placed
    order: str | None  # which order it is about: an order status, or UNTRACKED
    subject: str  # may name {product}, the order's first item
    details: str
    response_after: float | None = None  # hours after opening
    resolved_after: float | None = None
    resolution: str | None = None


TICKET_SCRIPTS = (
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.low,
        TICKET_STATUS.open,
        20,
        None,
        "Do you ship to Canada?",
        "Planning a gift for my sister in Toronto.",
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.in_progress,
        10,
        UNTRACKED,
        "Where is my parcel?",
        "The shipping e-mail has no tracking number.",
        response_after=1.5,
    ),
    TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.urgent,
        TICKET_STATUS.open,
        6,
        ORDER_STATUS.delivered,
        "Wrong item: I ordered the {product}",
        "The box held something I did not order. I need the right one before the weekend.",
    ),
    TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.high,
        TICKET_STATUS.in_progress,
        8,
        ORDER_STATUS.delivered,
        "{product}: arrived damaged",
        "Photos attached: the corner is cracked.",
        response_after=2,
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.waiting_on_customer,
        None,
        ORDER_STATUS.paid,
        "Change of delivery address",
        "Please send it to my office instead.",
        response_after=3,
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.low,
        TICKET_STATUS.resolved,
        120,
        None,
        "Is the bamboo cutting board dishwasher safe?",
        "Before I order two more.",
        response_after=6,
        resolved_after=26,
        resolution="Hand wash only; sent the care leaflet.",
    ),
    TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.normal,
        TICKET_STATUS.resolved,
        150,
        ORDER_STATUS.delivered,
        "Parcel arrived two days late",
        "It was a birthday present.",
        response_after=4,
        resolved_after=30,
        resolution="Carrier delay confirmed; apologised and sent a 10% voucher.",
    ),
    TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.high,
        TICKET_STATUS.closed,
        240,
        ORDER_STATUS.delivered,
        "{product}: part missing from the box",
        "The box was sealed but one piece is missing.",
        response_after=1,
        resolved_after=20,
        resolution="Missing piece sent from stock; supplier told about the packing fault.",
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.urgent,
        TICKET_STATUS.closed,
        None,
        ORDER_STATUS.cancelled,
        "Please cancel my order",
        "Ordered twice by mistake.",
        response_after=0.5,
        resolved_after=2,
        resolution="Order cancelled before picking; customer confirmed by e-mail.",
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.normal,
        TICKET_STATUS.resolved,
        50,
        ORDER_STATUS.delivered,
        "Invoice for my order",
        "I need an invoice with my company name.",
        response_after=2,
        resolved_after=12,
        resolution="Invoice sent as PDF.",
    ),
    TicketScript(
        TICKET_KIND.inquiry,
        PRIORITY.high,
        TICKET_STATUS.open,
        3,
        None,
        "Bulk order for a café: 40 mugs",
        "Can you do a trade price and deliver next week?",
    ),
    TicketScript(
        TICKET_KIND.complaint,
        PRIORITY.low,
        TICKET_STATUS.waiting_on_customer,
        48,
        ORDER_STATUS.delivered,
        "{product}: colour differs from the photo",
        "Much darker than on the website.",
        response_after=5,
    ),
)


def seed_tickets(demo: DemoBuilder) -> list[Record]:
    """Write the scripted tickets, each about a different order; returns them in script order."""
    used: set[int] = set()
    return [demo.add(TICKETS, _ticket_values(demo, script, used)) for script in TICKET_SCRIPTS]


#: What the service desk answered first, in the demo's conversations.
FIRST_ANSWER = "Thank you for writing. We are looking into it and will come back to you shortly."


def seed_messages(demo: DemoBuilder, tickets: list[Record]) -> None:
    """Each ticket's conversation: the customer's email that opened it, and the first answer where one was sent."""
    for number, ticket in enumerate(tickets, start=1):
        stamp = f"{ticket.opened_at:%Y%m%d%H%M%S}.{number}"
        domain = (ticket.customer_email or "example.com").partition("@")[2] or "example.com"
        demo.add(
            MESSAGES,
            {
                "ticket_id": ticket.ticket_id,
                "direction": "in",
                "author": ticket.customer_email,
                "at": ticket.opened_at,
                "subject": ticket.subject,
                "body": ticket.details or ticket.subject,
                "email_message_id": f"<{stamp}.question@{domain}>",
            },
        )
        if ticket.first_response_at is not None:
            demo.add(
                MESSAGES,
                {
                    "ticket_id": ticket.ticket_id,
                    "direction": "out",
                    "author": SERVICE,
                    "at": ticket.first_response_at,
                    "subject": f"Re: {ticket.subject} [{ticket.ticket_id}]",
                    "body": FIRST_ANSWER,
                    "email_message_id": f"<{stamp}.answer@flowsheet.demo>",
                },
            )


def seed_surveys(demo: DemoBuilder, tickets: list[Record]) -> None:
    """A survey a day after every other delivery and an hour after the first three resolutions."""
    for plan in demo.delivered_orders()[::2]:
        _survey(demo, plan.order_id, plan.values["delivered_at"] + timedelta(days=1))
    resolved = [ticket for ticket in tickets if ticket.resolved_at]
    for ticket in resolved[:3]:
        _survey(demo, ticket.ticket_id, ticket.resolved_at + timedelta(hours=1))


def _ticket_values(demo: DemoBuilder, script: TicketScript, used: set[int]) -> dict[str, Any]:
    opened = None if script.opened_hours_ago is None else demo.ago(hours=script.opened_hours_ago)
    order = _order_for(demo, script.order, opened, used) if script.order else None
    if opened is None:
        assert order is not None, "a ticket timed by its order needs an order"
        opened = whole_seconds(order.values["created_at"] + timedelta(hours=1))
    if order:
        name, email = order.values["customer_name"], order.values["customer_email"]
    else:
        customer = demo.rng.choice(demo.customers)
        name, email = customer.name, customer.email
    product = demo.products[order.lines[0][0]].name if order else ""
    sla_hours = declared_default(f"sla_hours_{script.priority}")
    return {
        "kind": script.kind,
        "order_id": order.order_id if order else None,
        "customer_name": name,
        "customer_email": email,
        "subject": script.subject.format(product=product),
        "details": script.details,
        "priority": script.priority,
        "status": script.status,
        "assignee": SERVICE if script.response_after is not None else None,
        "opened_at": opened,
        "due_at": opened + timedelta(hours=sla_hours),
        "first_response_at": _after(opened, script.response_after),
        # Waiting since the reply that asked the customer: the SLA clock stops there.
        "paused_since": _after(opened, script.response_after) if script.status == _WAITING else None,
        "resolved_at": _after(opened, script.resolved_after),
        "resolution": script.resolution,
    }


def _order_for(demo: DemoBuilder, wanted: str, before: datetime | None, used: set[int]) -> OrderPlan | None:
    """An order not yet written about: the latest one the customer could complain about by `before`."""
    candidates = [
        index
        for index, plan in enumerate(demo.orders)
        if index not in used and _matches(plan, wanted) and (before is None or _last_event(plan) < before)
    ]
    if not candidates:
        return None
    chosen = candidates[-1] if before else candidates[0]
    used.add(chosen)
    return demo.orders[chosen]


def _matches(plan: OrderPlan, wanted: str) -> bool:
    if wanted == UNTRACKED:
        return plan.status == ORDER_STATUS.shipped and not plan.values.get("tracking_no")
    return plan.status == wanted


def _last_event(plan: OrderPlan) -> datetime:
    values = plan.values
    return values.get("delivered_at") or values.get("shipped_at") or values["created_at"]


def _after(moment: datetime, hours: float | None) -> datetime | None:
    return None if hours is None else whole_seconds(moment + timedelta(hours=hours))


def _survey(demo: DemoBuilder, ref: str, sent_at: datetime) -> None:
    """A survey sent at `sent_at`, if that has happened yet; about 70% are answered."""
    if sent_at > demo.now:
        return
    values: dict[str, Any] = {"ref": ref, "token": _token(demo.rng), "sent_at": sent_at}
    answered_at = whole_seconds(sent_at + demo.hours(2, 30))
    if demo.rng.random() < 0.7 and answered_at <= demo.now:
        score = demo.rng.choices(list(SCORE_WEIGHTS), list(SCORE_WEIGHTS.values()))[0]
        values.update(answered_at=answered_at, score=score, comment=demo.rng.choice(SURVEY_COMMENTS[score]))
    demo.add(SURVEYS, values)


def _token(rng: random.Random) -> str:
    """A survey link token; as long as secrets.token_urlsafe(16), but reproducible for the demo."""
    return "".join(rng.choice(TOKEN_ALPHABET) for _ in range(22))
