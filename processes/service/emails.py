"""What a customer's email says, read from its raw bytes: who, which conversation, the text, the files.

    mail = read_mail(raw)
    mail.ignored        # "" or why no ticket should hear of it (an auto-reply, a bounce)
    mail.ticket_ref     # "TCK-…" when the subject carries "[TCK-…]"
    mail.thread_ids     # In-Reply-To and References: the Message-IDs it answers

Nothing here refuses a mail: a header that cannot be read, a charset nobody
knows or a missing Message-ID is said in `problems` and read as well as it
can be. A mail without a Message-ID gets one made from its bytes, so the same
mail read twice is still recognised.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import parseaddr

#: The ticket reference a subject carries: "Re: Arrived damaged [TCK-0ABC12DEF345]".
TICKET_REF = re.compile(r"\[(TCK-[0-9A-HJKMNP-TV-Z]{12})\]")
#: A Message-ID as it appears in headers: <local@domain>.
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
NO_SUBJECT = "(no subject)"
#: Precedence values of a mail no person wrote (a list, a bulk sender, an autoresponder).
ROBOT_PRECEDENCE = {"bulk", "auto_reply", "list", "junk"}
#: Senders of delivery reports.
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
AUTO_REPLY, BOUNCE = "auto-reply", "bounce"


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Mail:
    """One email as the service desk reads it."""

    message_id: str  # "<…>"; made from the mail's bytes when it has none
    in_reply_to: str
    references: tuple[str, ...]
    sender: str  # the address, lower case ("" when the From header cannot be read)
    sender_name: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]
    ignored: str = ""  # AUTO_REPLY or BOUNCE: recorded in the job's log, no ticket
    problems: tuple[str, ...] = ()  # what could not be read as it should

    @property
    def ticket_ref(self) -> str:
        """The ticket the subject names ("[TCK-…]"), or ''."""
        found = TICKET_REF.search(self.subject)
        return found.group(1) if found else ""

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this mail answers, the one it replies to first."""
        ids = ([self.in_reply_to] if self.in_reply_to else []) + list(reversed(self.references))
        return tuple(dict.fromkeys(ids))


def read_mail(raw: bytes) -> Mail:
    """The mail in `raw` (RFC 5322 bytes), read as well as it can be."""
    problems: list[str] = []
    message = message_from_bytes(raw, policy=policy.default)
    header = _header_reader(message, problems)
    message_id = _first_id(header("Message-ID"))
    if not message_id:
        message_id = f"<{hashlib.sha256(raw).hexdigest()[:32]}@flowsheet.invalid>"
        problems.append("the mail has no Message-ID")
    sender_name, sender = parseaddr(header("From"))
    if "@" not in sender:
        problems.append("the sender's address cannot be read")
        sender = ""
    subject = " ".join(header("Subject").split()) or NO_SUBJECT
    body = _body_text(message, problems)
    return Mail(
        message_id=message_id,
        in_reply_to=_first_id(header("In-Reply-To")),
        references=tuple(MESSAGE_ID.findall(header("References"))),
        sender=sender.strip().lower(),
        sender_name=sender_name.strip(),
        subject=subject,
        body=body,
        attachments=tuple(_attachments(message, problems)),
        ignored=_robot_kind(message, header, sender),
        problems=tuple(problems),
    )


def _header_reader(message: Message, problems: list[str]):
    def header(name: str) -> str:
        try:
            value = message.get(name)
            return "" if value is None else str(value)
        except Exception as error:  # a header the parser cannot decode: read it raw
            problems.append(f"the {name} header cannot be read ({error})")
            raw = message.get_all(name, failobj=[""])
            return str(raw[0]).encode("ascii", "replace").decode("ascii")

    return header


def _first_id(value: str) -> str:
    found = MESSAGE_ID.search(value or "")
    return found.group(0) if found else ""


def _robot_kind(message: Message, header, sender: str) -> str:
    """BOUNCE for a delivery report, AUTO_REPLY for a mail no person wrote, else ''."""
    local_part = sender.partition("@")[0].lower()
    if message.get_content_type() == "multipart/report" or local_part in BOUNCE_SENDERS:
        return BOUNCE
    auto_submitted = header("Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return AUTO_REPLY
    if header("X-Autoreply") or header("X-Autorespond"):
        return AUTO_REPLY
    if header("Precedence").strip().lower() in ROBOT_PRECEDENCE:
        return AUTO_REPLY
    return ""


def _body_text(message: Message, problems: list[str]) -> str:
    part = message.get_body(preferencelist=("plain", "html")) if isinstance(message, EmailMessage) else None
    if part is None:
        return ""
    text = _part_text(part, problems)
    if part.get_content_type() == "text/html":
        text = _html_text(text)
    return text.replace("\r\n", "\n").strip()


def _part_text(part: Message, problems: list[str]) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError) as error:
        charset = part.get_content_charset() or "unknown"
        problems.append(f"the text is in a charset that cannot be read ({charset}: {error}); read as UTF-8")
        data = part.get_payload(decode=True) or b""
        return data.decode("utf-8", "replace")


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style).*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _attachments(message: Message, problems: list[str]) -> list[Attachment]:
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        return []
    found: list[Attachment] = []
    for number, part in enumerate(message.iter_attachments(), start=1):
        if part.is_multipart() or part.get_content_type() == "message/delivery-status":
            continue
        try:
            name = part.get_filename() or ""
        except Exception:  # a name in a charset nobody knows
            name = ""
        data = part.get_payload(decode=True)
        if data is None:
            problems.append(f"attachment {number} cannot be decoded")
            continue
        found.append(Attachment(name or f"attachment-{number}", part.get_content_type(), data))
    return found
