"""What an email says, read from its bytes; the IMAP settings from the environment; the attachments' names."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from jobs.mail_in import ImapSettings
from processes.service.attachments import safe_name
from processes.service.emails import AUTO_REPLY, BOUNCE, read_mail


def test_threading_headers_and_the_ticket_reference_are_read():
    raw = (
        b"From: =?utf-8?q?Lin_M=C3=A9i?= <Lin@Example.com>\r\n"
        b"Subject: Re: Broken lamp [TCK-2R20TXY51C9T]\r\n"
        b"Message-ID: <c@example.com>\r\n"
        b"In-Reply-To: <b@shop.example>\r\n"
        b"References: <a@example.com>\r\n <b@shop.example>\r\n"
        b"\r\n"
        b"Thanks!\r\n"
    )
    mail = read_mail(raw)
    assert (mail.sender, mail.sender_name) == ("lin@example.com", "Lin Méi")
    assert mail.ticket_ref == "TCK-2R20TXY51C9T"
    assert mail.thread_ids == ("<b@shop.example>", "<a@example.com>")
    assert mail.body == "Thanks!" and mail.problems == () and mail.ignored == ""


def test_an_html_only_mail_is_read_as_text():
    mail = EmailMessage()
    mail["From"] = "ann@example.com"
    mail["Subject"] = "Hi"
    mail["Message-ID"] = "<h@example.com>"
    mail.set_content("<p>Hello&nbsp;there</p><script>x()</script><p>Second line</p>", subtype="html")
    read = read_mail(mail.as_bytes())
    assert read.body.splitlines() == ["Hello\xa0there", "Second line"]


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ({"Auto-Submitted": "auto-generated"}, AUTO_REPLY),
        ({"Auto-Submitted": "no"}, ""),
        ({"X-Autorespond": "1"}, AUTO_REPLY),
        ({"Precedence": "list"}, AUTO_REPLY),
        ({"Precedence": "auto_reply"}, AUTO_REPLY),
        ({"From": "postmaster@mail.example"}, BOUNCE),
        ({}, ""),
    ],
)
def test_robots_are_told_apart_from_people(headers, kind):
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "ann@example.com")
    mail["Subject"] = "Hello"
    for name, value in headers.items():
        mail[name] = value
    mail.set_content("text")
    assert read_mail(mail.as_bytes()).ignored == kind


def test_a_mail_without_headers_is_still_read_and_known_by_its_bytes():
    first, again = read_mail(b"just a body\r\n"), read_mail(b"just a body\r\n")
    assert first.message_id == again.message_id and first.message_id.endswith("@flowsheet.invalid>")
    assert first.subject == "(no subject)" and first.sender == ""
    assert "the mail has no Message-ID" in first.problems


def test_imap_settings_come_from_the_environment_like_smtp():
    settings = ImapSettings.from_env(
        {
            "FLOWSHEET_IMAP_HOST": " imap.example.com ",
            "FLOWSHEET_IMAP_USER": "service@shop.example",
            "FLOWSHEET_IMAP_PASSWORD": "pw",
            "FLOWSHEET_IMAP_FOLDER": "Support",
            "FLOWSHEET_IMAP_ATTACHMENT_MB": "2",
        }
    )
    assert (settings.host, settings.port, settings.ssl, settings.folder) == (
        "imap.example.com",
        993,
        True,
        "Support",
    )
    assert settings.configured and settings.attachment_limit_bytes == 2 * 1024 * 1024
    assert "pw" not in repr(settings)
    plain = ImapSettings.from_env({"FLOWSHEET_IMAP_HOST": "localhost", "FLOWSHEET_IMAP_SSL": "off"})
    assert (plain.port, plain.ssl, plain.configured) == (143, False, False)
    with pytest.raises(ValueError, match="FLOWSHEET_IMAP_SSL"):
        ImapSettings.from_env({"FLOWSHEET_IMAP_SSL": "maybe"})
    with pytest.raises(ValueError, match="FLOWSHEET_IMAP_PORT"):
        ImapSettings.from_env({"FLOWSHEET_IMAP_PORT": "imap"})


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\photo.jpg", "photo.jpg"),
        ("..", "attachment"),
        ("a\x00b.txt", "a_b.txt"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_a_file_name_stays_inside_its_folder(name, safe):
    assert safe_name(name) == safe
