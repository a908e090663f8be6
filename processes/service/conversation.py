"""A ticket's conversation: the Messages tab, one row per customer email, staff reply or internal note.

    receive(workbook, mails, attachments_root=…)   # the mail job: each email opens a ticket or joins one
    add_internal_note(workbook, ticket_id, "Called the carrier.", by=actor)   # never emailed
    conversation(workbook, ticket_id)              # the messages, oldest first

A staff reply is recorded here by the ticket's reply step (processes.service.tickets),
with the Message-ID it is sent under; the outbox sends it with In-Reply-To and
References pointing at the customer's last email, and "[TCK-…]" in its subject.

An email joins the ticket whose conversation holds the Message-ID it answers
(In-Reply-To, then References), else the ticket its subject names ("[TCK-…]"),
else it opens a new ticket. The Message-ID is the key that makes a mail count
once: an email read again (the job run twice, a crash before the mailbox heard
it was read) finds its Message-ID in the tab and changes nothing. A customer's
answer to a ticket waiting on them starts its SLA clock again (the resume step);
an answer to a finished ticket opens a new one that names the old.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from i18n import N_
from processes.permissions import Actor
from sheets.ids import new_id
from sheets.table import Record
from sheets.tabs import MESSAGES, SETTINGS, TICKETS
from sheets.transaction import Transaction
from sheets.workbook import Workbook

from . import attachments, inputs
from .emails import Mail
from .procedure import FINISHED_STATES, PAUSED_STATE, TICKET
from .sla import due_time, pause_folded, sla_hours

log = logging.getLogger(__name__)

IN, OUT, INTERNAL = MESSAGES.column("direction").choices
#: Google keeps at most 50,000 characters in a cell: a longer email's text is cut there (the mail stays).
BODY_LIMIT = 45000
NOTE_LIMIT = 5000
#: How many earlier Message-IDs a reply's References header carries (the first and the latest ones).
REFERENCES_KEPT = 10
#: Who the mail job acts as: it takes the resume step for a customer who answered.
MAIL_ACTOR = Actor("mail", "staff")


@dataclass(frozen=True)
class Received:
    """What became of one email."""

    message_id: str  # the email's Message-ID
    outcome: str  # "opened", "joined", "resumed", "duplicate", or the mail's ignored kind
    ticket_id: str = ""
    notes: tuple[str, ...] = ()  # problems reading it, files not kept

    def __str__(self) -> str:
        where = f" {self.ticket_id}" if self.ticket_id else ""
        said = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.message_id}: {self.outcome}{where}{said}"


def receive(
    workbook: Workbook,
    mails: Sequence[Mail],
    *,
    attachments_root: Path,
    limit_bytes: int = attachments.DEFAULT_LIMIT_BYTES,
) -> list[Received]:
    """Record `mails` in one transaction: each opens a ticket, joins one, or is ignored (robots, repeats)."""
    if not mails:
        return []
    with workbook.transaction(TICKETS, MESSAGES, SETTINGS, user=MAIL_ACTOR.name, action="email in") as tx:
        thread = _Thread.of(tx)
        return [_receive_one(tx, thread, mail, Path(attachments_root), limit_bytes) for mail in mails]


class _Thread:
    """Which ticket each Message-ID belongs to, including the messages this transaction adds."""

    def __init__(self, tickets_by_email_id: dict[str, str]) -> None:
        self.ticket_of = tickets_by_email_id

    @classmethod
    def of(cls, tx: Transaction) -> _Thread:
        return cls(
            {
                message.email_message_id: message.ticket_id
                for message in tx.table(MESSAGES).records()
                if message.email_message_id
            }
        )

    def ticket_for(self, mail: Mail) -> str:
        for email_id in mail.thread_ids:
            if email_id in self.ticket_of:
                return self.ticket_of[email_id]
        return mail.ticket_ref


def _receive_one(tx: Transaction, thread: _Thread, mail: Mail, root: Path, limit_bytes: int) -> Received:
    if mail.ignored:
        return Received(mail.message_id, mail.ignored)
    if mail.message_id in thread.ticket_of:
        return Received(mail.message_id, "duplicate", thread.ticket_of[mail.message_id])
    wanted = thread.ticket_for(mail)
    ticket = tx.get(TICKETS, wanted) if wanted else None
    if ticket is not None and TICKET.state_of(ticket) in FINISHED_STATES:
        ticket = _open_ticket(tx, mail, follows=ticket.ticket_id)
        outcome = "opened"
    elif ticket is None:
        ticket, outcome = _open_ticket(tx, mail), "opened"
    elif TICKET.state_of(ticket) == PAUSED_STATE:
        TICKET.check("resume", PAUSED_STATE, MAIL_ACTOR)
        target = TICKET.transition("resume").target
        ticket, outcome = tx.update(ticket, {"status": target, **pause_folded(ticket, tx.now)}), "resumed"
    else:
        outcome = "joined"
    message_key = new_id(MESSAGES.id_prefix or "")
    kept = attachments.keep(root, ticket.ticket_id, message_key, mail.attachments, limit_bytes)
    notes = (*mail.problems, *kept.refused)
    tx.insert(
        MESSAGES,
        {
            "message_id": message_key,
            "ticket_id": ticket.ticket_id,
            "direction": IN,
            "author": mail.sender or mail.sender_name,
            "at": tx.now,
            "subject": mail.subject[:1000],
            "body": _body_with_notes(mail.body, notes),
            "email_message_id": mail.message_id,
            "attachments": "\n".join(kept.names),
        },
    )
    thread.ticket_of[mail.message_id] = ticket.ticket_id
    return Received(mail.message_id, outcome, ticket.ticket_id, notes)


def _open_ticket(tx: Transaction, mail: Mail, follows: str = "") -> Record:
    """A new open ticket for a customer's email, due the SLA hours of a normal ticket from now."""
    details = mail.body if not follows else f"Follow-up to {follows}.\n\n{mail.body}"
    return tx.insert(
        TICKETS,
        {
            "kind": "inquiry",
            "customer_name": mail.sender_name[:200] or None,
            "customer_email": mail.sender or None,
            "subject": _ticket_subject(mail),
            "details": _cut(details, 5000),
            "priority": "normal",
            "status": TICKET.start_states[0],
            "opened_at": tx.now,
            "due_at": due_time(tx.now, sla_hours(tx, "normal")),
            "paused_hours": 0,
        },
    )


def _ticket_subject(mail: Mail) -> str:
    """The email's subject without a reference to another ticket, as long as a ticket's subject may be."""
    subject = mail.subject.replace(f"[{mail.ticket_ref}]", "").strip() if mail.ticket_ref else mail.subject
    return (subject or mail.subject)[:200]


def _body_with_notes(body: str, notes: Iterable[str]) -> str:
    said = "".join(f"\n[{note}]" for note in notes)
    return _cut(body, BODY_LIMIT - len(said) - 100) + said


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + "\n[… the text goes on; the whole email stays in the mailbox]"


# --- staff: replies and internal notes -------------------------------------------------------


@dataclass(frozen=True)
class OutgoingHeaders:
    """The threading headers of a staff reply: its own Message-ID and the conversation it answers."""

    message_id: str
    in_reply_to: str
    references: str


def reply_headers(tx: Transaction, ticket_id: str) -> OutgoingHeaders:
    """A fresh Message-ID, answering the customer's latest email on the ticket (any email, if none came in)."""
    messages = sorted(
        (m for m in tx.table(MESSAGES).records() if m.ticket_id == ticket_id and m.email_message_id),
        key=lambda m: (m.at is None, m.at),
    )
    ids = [m.email_message_id for m in messages]
    incoming = [m.email_message_id for m in messages if m.direction == IN]
    answered = incoming[-1] if incoming else (ids[-1] if ids else "")
    kept = ids if len(ids) <= REFERENCES_KEPT else [ids[0], *ids[-(REFERENCES_KEPT - 1) :]]
    return OutgoingHeaders(make_msgid(idstring=ticket_id), answered, " ".join(kept))


def record_reply(
    tx: Transaction, ticket: Record, text: str, by: Actor, *, subject: str, email_message_id: str
) -> Record:
    """The "out" message of a staff reply, in the reply step's own transaction."""
    return tx.insert(
        MESSAGES,
        {
            "ticket_id": ticket.ticket_id,
            "direction": OUT,
            "author": by.name,
            "at": tx.now,
            "subject": subject,
            "body": text,
            "email_message_id": email_message_id,
        },
    )


def add_internal_note(workbook: Workbook, ticket_id: str, text: str, *, by: Actor) -> Record:
    """A note for colleagues on the ticket: recorded as "internal", never sent to the customer."""
    note = inputs.text(text, N_("The note"), limit=NOTE_LIMIT, required=True)
    with workbook.transaction(TICKETS, MESSAGES, user=by.name, action="ticket: internal note") as tx:
        ticket = tx.require(TICKETS, inputs.text(ticket_id, N_("The ticket"), limit=100, required=True))
        return tx.insert(
            MESSAGES,
            {
                "ticket_id": ticket.ticket_id,
                "direction": INTERNAL,
                "author": by.name,
                "at": tx.now,
                "body": note,
            },
        )


def messages_of(messages: Iterable[Record], ticket_id: str) -> list[Record]:
    """The messages of one ticket, oldest first."""
    return sorted(
        (message for message in messages if message.ticket_id == ticket_id),
        key=lambda message: (message.at is None, message.at, message.message_id),
    )


def conversation(workbook: Workbook, ticket_id: str) -> list[Record]:
    """Ticket `ticket_id`'s messages, oldest first."""
    return messages_of(workbook.table(MESSAGES).records(), ticket_id)


def attachment_names(message: Record | dict[str, Any]) -> list[str]:
    return attachments.names_in(message["attachments"])


def attachment_file(
    workbook: Workbook, root: Path, ticket_id: str, message_id: str, name: str
) -> Path | None:
    """The kept file `name` of message `message_id` on ticket `ticket_id`; None unless the row names it."""
    message = workbook.table(MESSAGES).get(message_id)
    if message is None or message.ticket_id != ticket_id:
        return None
    return attachments.stored_file(Path(root), ticket_id, message_id, name, message.attachments)
