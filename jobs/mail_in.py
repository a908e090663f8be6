"""Mail in: the service address's mailbox is read over IMAP; each new email opens a ticket or joins one.

One round logs in, takes up to MAX_PER_ROUND unread emails from the folder
(read with BODY.PEEK, so they stay unread), records them in ONE transaction
(processes.service.conversation.receive), and only then marks them read. A
crash between the two leaves them unread: the next round reads them again and
finds their Message-IDs already recorded, so nothing is written twice.

Auto-replies and bounces are marked read and named in the job's log; no ticket
hears of them. Every email stays in the mailbox: the app never deletes one.
Without IMAP configured nothing happens and the round says so.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from jobs import environment
from processes.service.attachments import DEFAULT_LIMIT_BYTES
from processes.service.attachments import FOLDER as ATTACHMENTS_FOLDER
from processes.service.conversation import Received, receive
from processes.service.emails import Mail, read_mail
from sheets.workbook import Workbook

log = logging.getLogger(__name__)

#: The most emails one round records: the rest wait for the next round (one write per round).
MAX_PER_ROUND = 50
SEEN = b"\\Seen"


@dataclass(frozen=True)
class ImapSettings:
    """How to reach the service address's mailbox; `configured` once a host and a user are set."""

    host: str = ""
    port: int = 993
    ssl: bool = True
    user: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    timeout: float = 30.0
    attachment_limit_bytes: int = DEFAULT_LIMIT_BYTES

    @property
    def configured(self) -> bool:
        return bool(self.host and self.user)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ImapSettings:
        """Settings from FLOWSHEET_IMAP_HOST, _PORT, _SSL, _USER, _PASSWORD, _FOLDER and _ATTACHMENT_MB."""
        use_ssl = environment.flag(env, "FLOWSHEET_IMAP_SSL", default=True)
        megabytes = environment.positive_number(
            env, "FLOWSHEET_IMAP_ATTACHMENT_MB", DEFAULT_LIMIT_BYTES / (1024 * 1024)
        )
        return cls(
            host=environment.text(env, "FLOWSHEET_IMAP_HOST"),
            port=int(environment.positive_number(env, "FLOWSHEET_IMAP_PORT", 993 if use_ssl else 143)),
            ssl=use_ssl,
            user=environment.text(env, "FLOWSHEET_IMAP_USER"),
            password=env.get("FLOWSHEET_IMAP_PASSWORD", ""),
            folder=environment.text(env, "FLOWSHEET_IMAP_FOLDER", "INBOX"),
            attachment_limit_bytes=int(megabytes * 1024 * 1024),
        )


@dataclass
class MailRound:
    """What one round of reading the mailbox did."""

    read: int = 0
    received: list[Received] = field(default_factory=list)
    unreadable: int = 0
    waiting_reason: str = ""
    unavailable: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.received if item.outcome == outcome)

    def __str__(self) -> str:
        if self.waiting_reason:
            return f"mail in: {self.waiting_reason}"
        robots = self.count("auto-reply") + self.count("bounce")
        return (
            f"mail in: {self.read} read: {self.count('opened')} opened a ticket, "
            f"{self.count('joined') + self.count('resumed')} joined one ({self.count('resumed')} resumed), "
            f"{self.count('duplicate')} already recorded, {robots} auto-replies or bounces ignored, "
            f"{self.unreadable} unreadable"
        )


def attachments_root(data_dir: Path) -> Path:
    """Where the files of customers' emails are kept: FLOWSHEET_DATA_DIR/attachments."""
    return Path(data_dir) / ATTACHMENTS_FOLDER


def connect(settings: ImapSettings) -> IMAPClient:
    context = ssl.create_default_context() if settings.ssl else None
    client = IMAPClient(
        settings.host, port=settings.port, ssl=settings.ssl, ssl_context=context, timeout=settings.timeout
    )
    client.login(settings.user, settings.password)
    return client


def mail_round(
    workbook: Workbook,
    settings: ImapSettings,
    data_dir: Path,
    *,
    client_factory: Callable[[ImapSettings], Any] = connect,
) -> MailRound:
    """Read the unread emails of the folder once, record them, then mark them read."""
    report = MailRound()
    if not settings.configured:
        report.waiting_reason = "IMAP is not configured"
        return report
    try:
        client = client_factory(settings)
    except (OSError, IMAPClientError) as error:
        log.warning("mail in: cannot reach %s:%s: %s", settings.host, settings.port, error)
        report.waiting_reason, report.unavailable = f"cannot reach {settings.host}:{settings.port}", True
        return report
    try:
        client.select_folder(settings.folder)
        uids = sorted(client.search(["UNSEEN"]))[:MAX_PER_ROUND]
        fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        mails: list[tuple[int, Mail]] = []
        for uid in uids:
            mail = _read(uid, fetched.get(uid, {}), report)
            if mail is not None:
                mails.append((uid, mail))
        report.read = len(uids)
        report.received = receive(
            workbook,
            [mail for _uid, mail in mails],
            attachments_root=attachments_root(data_dir),
            limit_bytes=settings.attachment_limit_bytes,
        )
        for item in report.received:
            _log(item)
        done = [uid for uid, _mail in mails]
        if done:
            client.add_flags(done, [SEEN])
    finally:
        with contextlib.suppress(OSError, IMAPClientError):
            client.logout()
    return report


def _read(uid: int, data: Mapping[bytes, Any], report: MailRound) -> Mail | None:
    raw = data.get(b"BODY[]")
    if not isinstance(raw, bytes):
        log.error("mail in: email %s came without its content; it stays unread in the mailbox", uid)
        report.unreadable += 1
        return None
    try:
        return read_mail(raw)
    except Exception:
        log.exception("mail in: email %s cannot be read; it stays unread in the mailbox", uid)
        report.unreadable += 1
        return None


def _log(item: Received) -> None:
    if item.outcome in ("auto-reply", "bounce"):
        log.info("mail in: %s ignored (%s): no ticket hears of it", item.message_id, item.outcome)
    elif item.outcome == "duplicate":
        log.info("mail in: %s was recorded before, on %s; nothing written", item.message_id, item.ticket_id)
    else:
        log.info("mail in: %s", item)
