"""Canned replies: ready answers in templates/replies, one file each, in English and Chinese.

A file is `Title: …`, a blank line, then the text with placeholders in braces:
{customer_name}, {ticket_id}, {order_id}, {subject}, {agent}. The same file
name in templates/replies/zh/ is its Chinese version. The drop-down shows
titles in the reader's language; the text is filled in the language customers
are written to (Settings: customer_language), since it goes to the customer.
A placeholder the ticket has no value for is left as it is, for staff to fill.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import i18n
from i18n import _
from processes.errors import ProcessError
from processes.permissions import Actor
from sheets.settings import BY_KEY, read_setting
from sheets.tabs import SETTINGS, TICKETS
from sheets.workbook import Workbook

REPLIES_DIR = Path(__file__).resolve().parents[2] / "templates" / "replies"
PLACEHOLDERS = ("customer_name", "ticket_id", "order_id", "subject", "agent")


@dataclass(frozen=True)
class CannedReply:
    name: str  # the file's name without .txt
    title: str
    text: str


def _file(name: str, language: str) -> Path:
    own = REPLIES_DIR / language / f"{name}.txt"
    return own if language != i18n.ENGLISH and own.is_file() else REPLIES_DIR / f"{name}.txt"


def read_reply(name: str, language: str = i18n.ENGLISH) -> CannedReply:
    """The canned reply `name` in `language` (English where it has no translation)."""
    path = _file(name, language)
    if "/" in name or not path.is_file():
        raise ProcessError(_("There is no canned reply {name}.", name=name))
    first, _blank, text = path.read_text(encoding="utf-8").partition("\n")
    if not first.startswith("Title:"):
        raise ProcessError(_("The canned reply {name} must start with a 'Title:' line.", name=name))
    return CannedReply(name, first.removeprefix("Title:").strip(), text.strip())


def canned_replies(language: str | None = None) -> list[CannedReply]:
    """Every canned reply, titled in `language` (the one in force by default), by title."""
    language = language or i18n.current()
    names = sorted(path.stem for path in REPLIES_DIR.glob("*.txt"))
    return sorted((read_reply(name, language) for name in names), key=lambda reply: reply.title)


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill_reply(workbook: Workbook, ticket_id: str, name: str, *, by: Actor) -> str:
    """The text of canned reply `name` for ticket `ticket_id`, in the customers' language."""
    tables = workbook.tables(TICKETS, SETTINGS)
    ticket = tables[TICKETS.name].get(ticket_id)
    if ticket is None:
        raise ProcessError(_("There is no ticket {ticket_id}.", ticket_id=ticket_id))
    setting = BY_KEY["customer_language"]
    row = tables[SETTINGS.name].get(setting.key)
    language = read_setting(setting, row.value if row else None)[0]
    values = {
        "customer_name": ticket.customer_name or "",
        "ticket_id": ticket.ticket_id,
        "order_id": ticket.order_id or "",
        "subject": ticket.subject or "",
        "agent": by.name,
    }
    text = read_reply(name, language).text
    try:
        return text.format_map(_Keep({key: value for key, value in values.items() if value}))
    except (ValueError, IndexError):  # a brace that is no placeholder: the text as written
        return text
