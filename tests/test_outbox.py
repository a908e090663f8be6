"""The outbox sender against a real local SMTP server (aiosmtpd), on both backends."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from jobs.outbox import SmtpSettings, outbox_status, send_round
from sheets.tabs import OUTBOX


class Mailbox:
    """An aiosmtpd handler: accepts every message, or refuses each with `refuse` (an SMTP reply)."""

    def __init__(self) -> None:
        self.received: list = []
        self.refused = 0
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refused += 1
            return self.refuse
        self.received.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.settings = SmtpSettings(
        host="127.0.0.1",
        port=controller.port,
        starttls=False,
        sender="shop@example.com",
        timeout=10,
        max_attempts=3,
    )
    yield box
    controller.stop()


def queue(workbook, *messages: tuple[str, str, str]) -> list[str]:
    with workbook.transaction(OUTBOX, user="test", action="queue") as tx:
        return [
            tx.insert(
                OUTBOX,
                {"created_at": tx.now, "to": to, "subject": subject, "body": body, "ref": "ORD-1"},
            ).message_id
            for to, subject, body in messages
        ]


def outbox(workbook) -> dict[str, dict]:
    return {record.message_id: record.to_dict() for record in workbook.table(OUTBOX).records()}


ANN = ("ann@example.com", "Your order has shipped", "Hello Ann,\nit is on its way.\n")
BOB = ("bob@example.com", "We received your return", "Hello Bob,\nwe have it.\n")


def test_queued_messages_are_delivered_and_marked_sent(record, mailbox):
    ann, bob = queue(record.workbook, ANN, BOB)
    report = send_round(record.workbook, mailbox.settings)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    delivered = {tuple(rcpt): message for rcpt, message in mailbox.received}
    assert set(delivered) == {("ann@example.com",), ("bob@example.com",)}
    to_ann = delivered[("ann@example.com",)]
    assert to_ann["To"] == "ann@example.com"
    assert to_ann["From"] == "shop@example.com"
    assert to_ann["Subject"] == "Your order has shipped"
    assert to_ann.get_content().replace("\r\n", "\n") == "Hello Ann,\nit is on its way.\n"
    rows = outbox(record.workbook)
    for message_id in (ann, bob):
        assert rows[message_id]["status"] == "sent"
        assert rows[message_id]["attempts"] == 1
        assert rows[message_id]["sent_at"] is not None
        assert not rows[message_id]["error"]
    # Sent messages are not sent again.
    assert send_round(record.workbook, mailbox.settings).due == 0
    assert len(mailbox.received) == 2


def test_a_refused_message_keeps_the_error_is_retried_and_fails_after_the_last_attempt(record, mailbox):
    mailbox.refuse = "550 5.1.1 Mailbox unavailable"
    [ann] = queue(record.workbook, ANN)
    first = send_round(record.workbook, mailbox.settings)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "550" in row["error"] and "Mailbox unavailable" in row["error"]
    send_round(record.workbook, mailbox.settings)
    assert outbox(record.workbook)[ann]["attempts"] == 2
    last = send_round(record.workbook, mailbox.settings)
    assert last.failed == 1
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert mailbox.refused == 3
    # Failed for good: the next round leaves it alone.
    assert send_round(record.workbook, mailbox.settings).due == 0
    assert mailbox.refused == 3
    status = outbox_status(record.workbook, mailbox.settings)
    assert (status.waiting, status.failed) == (0, 1)
    assert status.message == "1 message failed"


def test_a_message_refused_once_goes_out_on_the_next_round(record, mailbox):
    mailbox.refuse = "451 4.3.0 Try again later"
    [ann] = queue(record.workbook, ANN)
    send_round(record.workbook, mailbox.settings)
    mailbox.refuse = None
    send_round(record.workbook, mailbox.settings)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert not row["error"]
    assert len(mailbox.received) == 1


def test_without_smtp_the_messages_wait_and_nothing_changes(record):
    queue(record.workbook, ANN, BOB, ANN)
    before = outbox(record.workbook)
    record.fake and record.fake.reset_counts()
    report = send_round(record.workbook, SmtpSettings())
    assert report.due == 3
    assert str(report) == "outbox: 3 message(s) waiting: SMTP is not configured"
    assert outbox(record.workbook) == before
    assert record.requests("batchUpdate") == 0
    status = outbox_status(record.workbook, SmtpSettings())
    assert status.message == "3 messages waiting: SMTP is not configured"


def test_an_unreachable_server_keeps_the_error_but_counts_no_attempt(record):
    [ann] = queue(record.workbook, ANN)
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False, sender="shop@example.com")
    send_round(record.workbook, closed)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("queued", 0)
    assert "cannot connect" in row["error"]


def test_one_round_is_one_write(google, mailbox):
    mailbox.refuse = None
    queue(google.workbook, ANN, BOB, ANN, BOB)
    google.fake.reset_counts()
    report = send_round(google.workbook, mailbox.settings)
    assert report.sent == 4
    assert google.requests("batchUpdate") == 1
    assert {row["status"] for row in outbox(google.workbook).values()} == {"sent"}


def test_smtp_settings_from_the_environment():
    settings = SmtpSettings.from_env(
        {
            "FLOWSHEET_SMTP_HOST": "mail.example.com",
            "FLOWSHEET_SMTP_PORT": "2525",
            "FLOWSHEET_SMTP_STARTTLS": "off",
            "FLOWSHEET_SMTP_USER": "shop",
            "FLOWSHEET_SMTP_PASSWORD": "secret",
            "FLOWSHEET_SMTP_FROM": "shop@example.com",
        }
    )
    assert (settings.host, settings.port, settings.starttls) == ("mail.example.com", 2525, False)
    assert (settings.user, settings.password, settings.sender) == ("shop", "secret", "shop@example.com")
    assert settings.configured
    assert "secret" not in repr(settings)
    default = SmtpSettings.from_env({})
    assert (default.configured, default.port, default.starttls) == (False, 587, True)
    with pytest.raises(ValueError, match="FLOWSHEET_SMTP_PORT"):
        SmtpSettings.from_env({"FLOWSHEET_SMTP_PORT": "smtp"})
