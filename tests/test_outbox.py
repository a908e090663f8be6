"""The outbox sender against a real local SMTP server (aiosmtpd, the `mailbox` fixture), on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from jobs.outbox import SmtpSettings, outbox_status, send_round
from jobs.runner import JobRunner
from sheets.tabs import OUTBOX
from tests.mail_servers import free_port


class Clock:
    """The workbook's clock, moved by the test: the wait before a retry counts from a message's last try."""

    def __init__(self, workbook) -> None:
        self.now = datetime(2026, 3, 2, 9, 0)
        workbook.clock = lambda: self.now

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)


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


def test_a_permanent_refusal_fails_the_message_at_once_with_the_reason(record, mailbox):
    mailbox.refuse = "550 5.1.1 Mailbox unavailable"
    [ann] = queue(record.workbook, ANN)
    first = send_round(record.workbook, mailbox.settings)
    assert (first.sent, first.retrying, first.failed) == (0, 0, 1)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "550" in row["error"] and "Mailbox unavailable" in row["error"] and "not retried" in row["error"]
    # Failed for good: the next round leaves it alone.
    assert send_round(record.workbook, mailbox.settings).due == 0
    assert mailbox.refused == 1
    status = outbox_status(record.workbook, mailbox.settings)
    assert (status.waiting, status.failed) == (0, 1)
    assert status.message == "1 message failed"


def test_a_recipient_refused_for_good_fails_and_one_refused_for_now_waits(record, mailbox):
    mailbox.refuse_rcpt = {"ann@example.com": "550 5.1.1 No such user", "bob@example.com": "450 4.2.1 Busy"}
    ann, bob = queue(record.workbook, ANN, BOB)
    report = send_round(record.workbook, mailbox.settings)
    assert (report.failed, report.retrying) == (1, 1)
    rows = outbox(record.workbook)
    assert (rows[ann]["status"], rows[bob]["status"]) == ("failed", "queued")
    assert "No such user" in rows[ann]["error"] and "Busy" in rows[bob]["error"]


def test_a_temporary_refusal_is_retried_after_a_wait_that_doubles_then_fails(record, mailbox):
    clock = Clock(record.workbook)
    mailbox.refuse = "451 4.3.0 Try again later"
    [ann] = queue(record.workbook, ANN)
    first = send_round(record.workbook, mailbox.settings)
    assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert "451" in row["error"] and "Try again later" in row["error"]

    clock.wait(minutes=4, seconds=59)  # the first wait is 5 minutes
    assert send_round(record.workbook, mailbox.settings).due == 0
    clock.wait(seconds=1)
    assert send_round(record.workbook, mailbox.settings).retrying == 1
    assert outbox(record.workbook)[ann]["attempts"] == 2

    clock.wait(minutes=9, seconds=59)  # then 10
    assert send_round(record.workbook, mailbox.settings).due == 0
    clock.wait(seconds=1)
    last = send_round(record.workbook, mailbox.settings)  # the third of three attempts
    assert last.failed == 1
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert mailbox.refused == 3
    clock.wait(hours=1)
    assert send_round(record.workbook, mailbox.settings).due == 0


def test_a_message_refused_once_goes_out_after_its_wait(record, mailbox):
    clock = Clock(record.workbook)
    mailbox.refuse = "451 4.3.0 Try again later"
    [ann] = queue(record.workbook, ANN)
    send_round(record.workbook, mailbox.settings)
    mailbox.refuse = None
    clock.wait(minutes=5)
    send_round(record.workbook, mailbox.settings)
    row = outbox(record.workbook)[ann]
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert not row["error"]
    assert len(mailbox.received) == 1


def test_a_failed_message_set_back_to_queued_in_the_sheet_is_sent_again(record, mailbox):
    clock = Clock(record.workbook)
    mailbox.refuse = "554 5.7.1 Rejected"
    [ann] = queue(record.workbook, ANN)
    send_round(record.workbook, mailbox.settings)
    row = record.workbook.table(OUTBOX).get(ann)
    record.person.set_cell(OUTBOX.name, row.row_number, "status", "queued")
    record.workbook.invalidate()
    mailbox.refuse = None
    clock.wait(minutes=5)  # as after any refused try
    assert send_round(record.workbook, mailbox.settings).sent == 1


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


def test_while_the_server_is_unreachable_the_sending_rounds_back_off(local, tmp_path, mailbox):
    clock = Clock(local.workbook)
    [ann] = queue(local.workbook, ANN)
    closed = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False, sender="shop@example.com")
    rounds = []

    def send(workbook, settings):
        rounds.append(clock.now - datetime(2026, 3, 2, 9, 0))
        return send_round(workbook, settings)

    jobs = JobRunner(
        local.workbook, lambda *args, **kwargs: None, data_dir=tmp_path / "runner", smtp=closed, send=send
    )
    for _ in range(10):  # a round is scheduled every 30 seconds
        jobs.run_outbox()
        clock.wait(seconds=30)
    assert rounds == [
        timedelta(0),
        timedelta(minutes=1),
        timedelta(minutes=3),
    ]  # then 1, 2, 4 … minutes apart
    assert outbox(local.workbook)[ann]["attempts"] == 0  # an outage fails nobody's message

    jobs.smtp = mailbox.settings  # the server is back
    clock.wait(minutes=2)
    assert jobs.run_outbox()
    assert outbox(local.workbook)[ann]["status"] == "sent"
    clock.wait(seconds=30)
    assert jobs.run_outbox()  # no wait once the server answered
    jobs.lock.release()
