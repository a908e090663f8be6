"""The service desk by email: a real IMAP server (dovecot) in, the real SMTP server out, on both backends.

A customer writes to the service address and a ticket opens; a staff reply goes
out through the Outbox with the threading headers and the ticket's reference;
the customer's answer lands on the same ticket and starts its SLA clock again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from imapclient import IMAPClient

from jobs.mail_in import ImapSettings, attachments_root, mail_round
from jobs.outbox import send_round
from processes import service
from processes.permissions import Actor
from processes.service.conversation import add_internal_note, conversation
from sheets.tabs import MESSAGES, OUTBOX, TICKETS

SAM = Actor("sam", "staff")


def customer_mail(
    subject: str = "Where is my parcel?",
    body: str = "Hello, I ordered a lamp a week ago and nothing came.",
    *,
    sender: str = "Ann Lee <ann@example.com>",
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    files: tuple[tuple[str, bytes], ...] = (),
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "service@shop.example"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.com")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    for name, data in files:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return mail


def tickets(workbook) -> list:
    return list(workbook.table(TICKETS).records())


def messages(workbook) -> list:
    return list(workbook.table(MESSAGES).records())


def unread(server) -> list[int]:
    with IMAPClient("127.0.0.1", port=server.port, ssl=False) as client:
        client.login("service", "imap secret")
        client.select_folder("INBOX", readonly=True)
        return client.search(["UNSEEN"])


def read_mailbox(record, imap_server, tmp_path):
    return mail_round(record.workbook, imap_server.settings, tmp_path / "data")


def test_an_email_opens_a_ticket_the_reply_goes_out_threaded_and_the_answer_joins_it(
    record, imap_server, mailbox, tmp_path
):
    workbook = record.workbook
    first = customer_mail()
    imap_server.deliver(first.as_bytes())

    report = read_mailbox(record, imap_server, tmp_path)
    assert (report.read, report.count("opened")) == (1, 1), str(report)
    [ticket] = tickets(workbook)
    assert (ticket.customer_email, ticket.customer_name) == ("ann@example.com", "Ann Lee")
    assert ticket.subject == "Where is my parcel?" and "nothing came" in ticket.details
    assert ticket.status == "open" and ticket.due_at is not None
    [incoming] = messages(workbook)
    assert (incoming.ticket_id, incoming.direction) == (ticket.ticket_id, "in")
    assert incoming.email_message_id == first["Message-ID"]
    assert unread(imap_server) == []  # marked read once recorded

    service.reply(workbook, ticket.ticket_id, "Your lamp left our warehouse today.", by=SAM)
    assert send_round(workbook, mailbox.settings).sent == 1
    [(rcpt, sent)] = mailbox.received
    assert rcpt == ["ann@example.com"]
    assert f"[{ticket.ticket_id}]" in sent["Subject"]
    assert sent["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in sent["References"]
    outgoing = next(m for m in messages(workbook) if m.direction == "out")
    assert outgoing.email_message_id == sent["Message-ID"].strip() and outgoing.author == "sam"
    assert "left our warehouse" in outgoing.body

    service.wait_on_customer(workbook, ticket.ticket_id, "Is anyone home on weekdays?", by=SAM)
    send_round(workbook, mailbox.settings)
    question = mailbox.received[-1][1]
    waiting = workbook.table(TICKETS).get(ticket.ticket_id)
    assert waiting.status == "waiting_on_customer" and waiting.paused_since is not None

    # The customer answers the question; the mail client keeps only In-Reply-To (no ticket in the subject).
    answer = customer_mail(
        "Re: your question", "Yes, after 5 pm.", in_reply_to=question["Message-ID"].strip()
    )
    imap_server.deliver(answer.as_bytes())
    report = read_mailbox(record, imap_server, tmp_path)
    assert report.count("resumed") == 1, str(report)
    assert len(tickets(workbook)) == 1
    resumed = workbook.table(TICKETS).get(ticket.ticket_id)
    assert resumed.status == "in_progress" and resumed.paused_since is None
    assert resumed.due_at >= waiting.due_at
    thread = conversation(workbook, ticket.ticket_id)
    assert [m.direction for m in thread] == ["in", "out", "out", "in"]
    assert thread[-1].email_message_id == answer["Message-ID"] and "after 5 pm" in thread[-1].body


def test_a_mail_read_twice_makes_one_ticket_and_one_message(record, imap_server, tmp_path):
    imap_server.deliver(customer_mail().as_bytes())

    class CrashBeforeMarkingRead:
        """The job dies after recording the mail and before the mailbox hears it was read."""

        def __init__(self, settings):
            from jobs.mail_in import connect

            self.client = connect(settings)

        def __getattr__(self, name):
            return getattr(self.client, name)

        def add_flags(self, *args):
            raise ConnectionResetError("the job was stopped")

    with pytest.raises(ConnectionResetError):
        mail_round(
            record.workbook, imap_server.settings, tmp_path / "data", client_factory=CrashBeforeMarkingRead
        )
    assert len(unread(imap_server)) == 1 and len(tickets(record.workbook)) == 1

    report = read_mailbox(record, imap_server, tmp_path)
    assert report.count("duplicate") == 1
    assert len(tickets(record.workbook)) == 1 and len(messages(record.workbook)) == 1
    assert unread(imap_server) == []
    assert read_mailbox(record, imap_server, tmp_path).read == 0


def test_the_ticket_reference_in_the_subject_threads_a_mail_without_headers(record, imap_server, tmp_path):
    imap_server.deliver(customer_mail().as_bytes())
    read_mailbox(record, imap_server, tmp_path)
    [ticket] = tickets(record.workbook)
    imap_server.deliver(customer_mail(f"About [{ticket.ticket_id}] again", "Any news?").as_bytes())
    report = read_mailbox(record, imap_server, tmp_path)
    assert report.count("joined") == 1 and len(tickets(record.workbook)) == 1
    assert [m.ticket_id for m in messages(record.workbook)] == [ticket.ticket_id] * 2


def test_auto_replies_and_bounces_open_no_ticket_and_are_named_in_the_log(
    record, imap_server, tmp_path, caplog
):
    robots = [
        customer_mail("Out of office", headers={"Auto-Submitted": "auto-replied"}),
        customer_mail("Away", headers={"X-Autoreply": "yes"}),
        customer_mail("Newsletter", headers={"Precedence": "bulk"}),
        customer_mail("Undelivered Mail Returned to Sender", sender="MAILER-DAEMON@mail.example"),
    ]
    report_mail = EmailMessage()
    report_mail["From"] = "postmaster@mail.example"
    report_mail["Subject"] = "Delivery Status Notification"
    report_mail["Message-ID"] = make_msgid()
    report_mail.set_content("could not deliver")
    report_mail.add_attachment("Status: 5.1.1\n", subtype="plain")
    report_mail.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    for mail in [*robots, report_mail]:
        imap_server.deliver(mail.as_bytes())
    with caplog.at_level(logging.INFO, logger="jobs.mail_in"):
        report = read_mailbox(record, imap_server, tmp_path)
    assert (report.count("auto-reply"), report.count("bounce")) == (3, 2), str(report)
    assert tickets(record.workbook) == [] and messages(record.workbook) == []
    ignored = [line for line in caplog.messages if "ignored" in line]
    assert len(ignored) == 5 and all("no ticket hears of it" in line for line in ignored)
    assert unread(imap_server) == []


def test_attachments_are_kept_and_a_huge_one_is_refused_with_a_clear_message(record, imap_server, tmp_path):
    settings = imap_server.settings
    small, huge = b"%PDF-1.4 invoice", b"x" * 3000
    imap_server.deliver(customer_mail(files=(("../../invoice.pdf", small), ("video.mov", huge))).as_bytes())
    limited = type(settings)(**{**vars(settings), "attachment_limit_bytes": 2000})
    report = mail_round(record.workbook, limited, tmp_path / "data")
    assert report.count("opened") == 1
    [message] = messages(record.workbook)
    assert message.attachments == "invoice.pdf"
    kept = attachments_root(tmp_path / "data") / message.ticket_id / message.message_id / "invoice.pdf"
    assert kept.read_bytes() == small
    assert "video.mov" in message.body and "was not kept" in message.body


def test_malformed_mail_is_recorded_with_what_could_not_be_read(record, imap_server, tmp_path):
    raw = (
        b"From: not an address\r\n"
        b"Subject: =?x-unknown?q?caf=E9?=\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n"
        b"\r\n"
        b"caf\xe9 au lait\r\n"
    )
    imap_server.deliver(raw)
    report = read_mailbox(record, imap_server, tmp_path)
    assert report.count("opened") == 1
    [message] = messages(record.workbook)
    assert "caf" in message.body and "au lait" in message.body
    assert "no Message-ID" in message.body and "sender's address cannot be read" in message.body
    assert "charset" in message.body
    # Without a Message-ID the mail is known by its bytes: delivered again, it is not recorded twice.
    imap_server.deliver(raw)
    assert read_mailbox(record, imap_server, tmp_path).count("duplicate") == 1
    assert len(tickets(record.workbook)) == 1


def test_an_answer_to_a_finished_ticket_opens_a_new_one_naming_it(record, imap_server, tmp_path):
    first = customer_mail()
    imap_server.deliver(first.as_bytes())
    read_mailbox(record, imap_server, tmp_path)
    [ticket] = tickets(record.workbook)
    service.resolve(record.workbook, ticket.ticket_id, "Delivered.", by=SAM)
    imap_server.deliver(customer_mail("Re: parcel", "It broke.", in_reply_to=first["Message-ID"]).as_bytes())
    assert read_mailbox(record, imap_server, tmp_path).count("opened") == 1
    new = next(t for t in tickets(record.workbook) if t.ticket_id != ticket.ticket_id)
    assert new.details.startswith(f"Follow-up to {ticket.ticket_id}.")


def test_an_internal_note_is_recorded_and_never_emailed(record, mailbox):
    ticket = service.open_ticket(
        record.workbook, subject="Broken lamp", customer_email="ann@example.com", by=SAM
    )
    add_internal_note(record.workbook, ticket.ticket_id, "Carrier says it was dropped.", by=SAM)
    [note] = messages(record.workbook)
    assert (note.direction, note.author, note.email_message_id) == ("internal", "sam", None)
    assert list(record.workbook.table(OUTBOX).records()) == []
    assert send_round(record.workbook, mailbox.settings).due == 0 and mailbox.received == []


def test_the_sla_pause_is_folded_in_when_the_customer_answers(local, imap_server, mailbox, tmp_path):
    """The resumed ticket's due time moves later by exactly the time it waited on the customer."""
    workbook = local.workbook
    now = [datetime(2026, 3, 2, 9, 0)]
    workbook.clock = lambda: now[0]
    imap_server.deliver(customer_mail().as_bytes())
    mail_round(workbook, imap_server.settings, tmp_path / "data")
    [ticket] = tickets(workbook)
    service.assign(workbook, ticket.ticket_id, "sam", by=SAM)
    service.wait_on_customer(workbook, ticket.ticket_id, "Which colour?", by=SAM)
    send_round(workbook, mailbox.settings)
    asked = mailbox.received[-1][1]
    before = workbook.table(TICKETS).get(ticket.ticket_id).due_at
    now[0] += timedelta(hours=5)
    imap_server.deliver(
        customer_mail("Re: colour", "Red.", in_reply_to=asked["Message-ID"].strip()).as_bytes()
    )
    mail_round(workbook, imap_server.settings, tmp_path / "data")
    after = workbook.table(TICKETS).get(ticket.ticket_id)
    assert after.due_at - before == timedelta(hours=5) and after.paused_hours == 5


def test_jobs_once_reads_the_mailbox_before_the_sending_round(local, imap_server, mailbox, tmp_path):
    from jobs.runner import JobRunner, run_once

    imap_server.deliver(customer_mail().as_bytes())
    said: list[str] = []
    code = run_once(
        local.workbook,
        lambda workbook, state: "checks: nothing to do",
        data_dir=tmp_path / "data",
        smtp=mailbox.settings,
        imap=imap_server.settings,
        out=said.append,
    )
    assert code == 0
    assert any(line.startswith("mail in: 1 read: 1 opened a ticket") for line in said), said
    assert len(tickets(local.workbook)) == 1
    runner = JobRunner(
        local.workbook, lambda *a, **k: None, data_dir=tmp_path / "data", imap=imap_server.settings
    )
    assert {tag for job in runner.scheduler.jobs for tag in job.tags} == {"cycle", "outbox", "mail"}
    unconfigured = JobRunner(local.workbook, lambda *a, **k: None, data_dir=tmp_path / "other")
    assert "mail" not in {tag for job in unconfigured.scheduler.jobs for tag in job.tags}


def test_an_unreachable_mailbox_is_said_and_changes_nothing(local, tmp_path):
    from tests.mail_servers import free_port

    closed = ImapSettings(host="127.0.0.1", port=free_port(), ssl=False, user="service", timeout=5)
    report = mail_round(local.workbook, closed, tmp_path / "data")
    assert report.unavailable and "cannot reach" in str(report)
    assert tickets(local.workbook) == []


def test_a_long_subject_is_cut_for_the_ticket_and_kept_whole_in_its_message(local, tmp_path):
    from processes.service.emails import read_mail

    subject = "Broken " * 60
    service.receive(local.workbook, [read_mail(customer_mail(subject).as_bytes())], attachments_root=tmp_path)
    [ticket] = tickets(local.workbook)
    [message] = messages(local.workbook)
    assert len(ticket.subject) == 200 and message.subject == subject.strip()
