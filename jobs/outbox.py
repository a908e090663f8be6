"""The outbox sender: queued messages in the Outbox tab go out over SMTP.

One sending round reads the Outbox, sends what is due over one SMTP
connection, and writes every status change of the round in ONE transaction
(one batch on Google, whatever the number of messages).

- A message the server refuses for good (a 5xx reply: no such mailbox, a
  policy refusal) is `failed` at once, with the server's answer in `error`:
  sending it again would only be refused again.
- A message refused for now (a 4xx reply: greylisting, a full queue) or cut off
  by a dropped connection counts an attempt and keeps the answer in `error`; it
  stays queued and is tried again after a wait that doubles with each attempt
  (`retry_minutes` after the first, then twice as long each time, from its last
  try: the row's `updated_at`), and becomes `failed` after `max_attempts`.
- When the server cannot be reached or refuses the login, no message is to
  blame: the error is kept on the rows but no attempt is counted, so an SMTP
  outage does not fail every customer's message. The round says so
  (`RoundReport.unavailable`) and the runner waits longer before each next
  round while the server stays unreachable (`OUTAGE_BACKOFF`, jobs/runner.py).
- A failed message stays failed; a manager sets its status back to `queued`
  in the Outbox tab to send it again.
- Without SMTP configured nothing is sent and nothing changes: the messages
  wait, and `outbox_status` says so for the dashboard.

Sending happens before the round's write: if that write fails, the messages
sent in the round go out again next round (at least once, never lost).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from jobs import environment
from sheets.table import Record
from sheets.tabs import OUTBOX, OUTBOX_FAILED, OUTBOX_QUEUED, OUTBOX_SENT
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

SENDER_USER = "outbox"
#: Tries of a message refused for now: 5, 10, 20 … minutes apart, about ten hours in all.
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_RETRY_MINUTES = 5.0
#: The longest wait between two tries of one message.
LONGEST_RETRY = timedelta(hours=6)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server; `configured` is False until a host and a sender address are set."""

    host: str = ""
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    timeout: float = 30.0
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    retry_minutes: float = DEFAULT_RETRY_MINUTES  # the wait after a message's first temporary refusal

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        """Settings from FLOWSHEET_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD and _FROM."""
        port = environment.whole_number(env, "FLOWSHEET_SMTP_PORT", 587)
        starttls = environment.flag(env, "FLOWSHEET_SMTP_STARTTLS", default=True)
        return cls(
            host=environment.text(env, "FLOWSHEET_SMTP_HOST"),
            port=port,
            starttls=starttls,
            user=environment.text(env, "FLOWSHEET_SMTP_USER"),
            password=env.get("FLOWSHEET_SMTP_PASSWORD", ""),
            sender=environment.text(env, "FLOWSHEET_SMTP_FROM"),
        )


@dataclass
class RoundReport:
    """What one sending round did."""

    due: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting_reason: str = ""
    unavailable: bool = False  # the server could not be reached or refused the session

    def __str__(self) -> str:
        if self.waiting_reason:
            return f"outbox: {self.due} message(s) waiting: {self.waiting_reason}"
        return f"outbox: {self.sent} sent, {self.retrying} to retry, {self.failed} failed, of {self.due} due"


@dataclass(frozen=True)
class OutboxStatus:
    """The outbox at a glance, for the dashboard."""

    waiting: int
    failed: int
    configured: bool

    @property
    def message(self) -> str:
        if not self.waiting and not self.failed:
            return "No messages waiting."
        parts = []
        if self.waiting:
            reason = "" if self.configured else ": SMTP is not configured"
            parts.append(f"{self.waiting} {_messages(self.waiting)} waiting{reason}")
        if self.failed:
            parts.append(f"{self.failed} {_messages(self.failed)} failed")
        return "; ".join(parts)


def _messages(count: int) -> str:
    return "message" if count == 1 else "messages"


def retry_wait(attempts: int, first: timedelta, longest: timedelta = LONGEST_RETRY) -> timedelta:
    """The wait before the next try after `attempts` failed ones: `first`, then twice as long each time."""
    if attempts <= 0:
        return timedelta(0)
    return min(first * 2 ** (attempts - 1), longest)


def is_due(message: Record, settings: SmtpSettings, now: datetime) -> bool:
    """Queued, and past its wait if an earlier try was refused for now."""
    if message.status != OUTBOX_QUEUED:
        return False
    tried_at = message.updated_at
    if tried_at is None:
        return True
    return now >= tried_at + retry_wait(message.attempts or 0, timedelta(minutes=settings.retry_minutes))


def due_messages(workbook: Workbook, settings: SmtpSettings) -> list[Record]:
    """The messages a round would send now, oldest first."""
    table, now = workbook.table(OUTBOX), workbook.clock()
    due = [message for message in table.records() if is_due(message, settings, now)]
    return sorted(due, key=lambda message: message.created_at or datetime.min)


def outbox_status(workbook: Workbook, settings: SmtpSettings) -> OutboxStatus:
    """How many messages wait (due or waiting for a retry) and how many failed, and whether SMTP is configured."""
    table = workbook.table(OUTBOX)
    waiting = failed = 0
    for message in table.records():
        if message.status == OUTBOX_QUEUED:
            waiting += 1
        elif message.status == OUTBOX_FAILED:
            failed += 1
    return OutboxStatus(waiting=waiting, failed=failed, configured=settings.configured)


class SmtpUnavailable(Exception):
    """The server could not be reached, or refused the connection or the login."""


class _Connection:
    """One SMTP session for a round, opened on the first message."""

    def __init__(self, settings: SmtpSettings, factory: Callable[..., smtplib.SMTP]) -> None:
        self.settings = settings
        self.factory = factory
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        settings = self.settings
        try:
            smtp = self.factory(settings.host, settings.port, timeout=settings.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise SmtpUnavailable(f"cannot connect to {settings.host}:{settings.port}: {error}") from error
        try:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password)
        except (OSError, smtplib.SMTPException) as error:
            _quietly_quit(smtp)
            raise SmtpUnavailable(f"{settings.host}:{settings.port} refused the session: {error}") from error
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        if self.smtp is not None:
            _quietly_quit(self.smtp)
            self.smtp = None


def _quietly_quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def build_email(message: Record, sender: str) -> EmailMessage:
    """The email of an Outbox row: its own Message-ID when it was given one (a ticket's reply), with the
    In-Reply-To and References that keep it in the customer's conversation."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject or ""
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = message.email_message_id or make_msgid(idstring=str(message.message_id))
    if message.in_reply_to:
        email["In-Reply-To"] = message.in_reply_to
    if message.references:
        email["References"] = message.references
    email.set_content(message.body or "")
    return email


def send_round(
    workbook: Workbook,
    settings: SmtpSettings,
    *,
    smtp_factory: Callable[..., smtplib.SMTP] = smtplib.SMTP,
) -> RoundReport:
    """Send every due message once; write all the status changes in one transaction."""
    due = due_messages(workbook, settings)
    report = RoundReport(due=len(due))
    if not due:
        return report
    if not settings.configured:
        report.waiting_reason = "SMTP is not configured"
        return report
    changes: dict[str, dict[str, object]] = {}
    connection = _Connection(settings, smtp_factory)
    try:
        for message in due:
            try:
                smtp = connection.open()
            except SmtpUnavailable as error:
                log.warning("outbox: %s", error)
                report.unavailable = True
                for waiting in due:
                    if waiting.message_id not in changes:
                        changes[waiting.message_id] = {"error": str(error)}
                break
            attempts = (message.attempts or 0) + 1
            try:
                smtp.send_message(build_email(message, settings.sender))
            except smtplib.SMTPServerDisconnected as error:
                # Whether this message went out is unknown; no attempt is counted, and the round stops.
                connection.smtp = None
                changes[message.message_id] = {"error": f"the server disconnected: {error}"}
                log.warning("outbox: %s disconnected while sending %s", settings.host, message.message_id)
                break
            except (smtplib.SMTPException, OSError, ValueError) as error:
                permanent = is_permanent(error)
                gave_up = permanent or attempts >= settings.max_attempts
                changes[message.message_id] = {
                    "attempts": attempts,
                    "error": _describe(error) + (" (refused for good: not retried)" if permanent else ""),
                    "status": OUTBOX_FAILED if gave_up else OUTBOX_QUEUED,
                }
                if gave_up:
                    report.failed += 1
                else:
                    report.retrying += 1
                log.info("outbox: %s not sent (attempt %d): %s", message.message_id, attempts, error)
                if isinstance(error, OSError):
                    connection.close()
                continue
            changes[message.message_id] = {
                "status": OUTBOX_SENT,
                "attempts": attempts,
                "sent_at": workbook.clock(),
                "error": "",
            }
            report.sent += 1
    finally:
        connection.close()
    _write(workbook, changes)
    return report


def is_permanent(error: Exception) -> bool:
    """Whether sending again cannot help: a 5xx reply (for every recipient), or a message that cannot be built.

    A 4xx reply, a dropped connection or a timeout may pass: those are retried.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return isinstance(error, ValueError)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return str(error) or type(error).__name__


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _write(workbook: Workbook, changes: Mapping[str, Mapping[str, object]]) -> None:
    if not changes:
        return
    with workbook.transaction(OUTBOX, user=SENDER_USER, action="send messages") as tx:
        for message_id, values in changes.items():
            current = tx.get(OUTBOX, message_id)
            if current is None:
                log.info("outbox: %s was deleted from the sheet during the round", message_id)
                continue
            tx.update(current, values)
