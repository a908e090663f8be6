"""The ticket page's conversation through NiceGUI's simulated user: emails in, canned replies, internal notes, files."""

from __future__ import annotations

from email.message import EmailMessage

from nicegui import ui
from nicegui.testing import User

from pages.service.conversation import file_link
from processes import runtime, service
from processes.service.emails import read_mail
from sheets.tabs import MESSAGES, OUTBOX, TICKETS
from tests.pages.waiting import eventually

PHOTO = b"\x89PNG\r\n\x1a\n a photo of the dent"


def email_from_ann() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Ann Lee <ann@example.com>"
    mail["To"] = "service@shop.example"
    mail["Subject"] = "My lamp arrived dented"
    mail["Message-ID"] = "<dent-1@example.com>"
    mail.set_content("The shade is dented, see the photo.")
    mail.add_attachment(PHOTO, maintype="image", subtype="png", filename="dent.png")
    return mail


def a_ticket_by_email(workbook) -> tuple[str, str]:
    """(ticket_id, message_id) of the ticket Ann's email opened."""
    [received] = service.receive(
        workbook, [read_mail(email_from_ann().as_bytes())], attachments_root=runtime.attachments_folder()
    )
    message = next(m for m in workbook.table(MESSAGES).records() if m.ticket_id == received.ticket_id)
    return received.ticket_id, message.message_id


def texts(user: User, marker: str) -> list[str]:
    try:
        return [element.text for element in user.find(marker=marker).elements]
    except AssertionError:
        return []


def rows(workbook, tab) -> list:
    workbook.invalidate()
    return list(workbook.table(tab).records())


async def test_a_canned_reply_fills_the_reply_which_goes_out_threaded_on_the_email(
    app_workbook, manager: User
):
    ticket_id, _message_id = a_ticket_by_email(app_workbook)
    await manager.open(f"/tickets/{ticket_id}")
    await eventually(lambda: texts(manager, "message-body") == ["The shade is dented, see the photo."])
    await manager.should_see("dent.png")
    manager.find(kind=ui.select, content="Canned reply").click()
    manager.find("Ask for a photo of the damage").click()
    reply_box = manager.find(kind=ui.textarea, content="Reply to the customer")
    await eventually(lambda: "Dear Ann Lee," in next(iter(reply_box.elements)).value)
    press(manager, "Reply")
    await eventually(lambda: len(texts(manager, "message-body")) == 2)
    [queued] = rows(app_workbook, OUTBOX)
    assert queued.to == "ann@example.com" and f"[{ticket_id}]" in queued.subject
    assert queued.in_reply_to == "<dent-1@example.com>" and "<dent-1@example.com>" in queued.references
    assert "Could you send us a photo" in queued.body
    out = [m for m in rows(app_workbook, MESSAGES) if m.direction == "out"]
    assert [(m.author, m.email_message_id) for m in out] == [("mia", queued.email_message_id)]
    assert rows(app_workbook, TICKETS)[0].first_response_at is not None


async def test_an_internal_note_shows_on_the_ticket_and_is_never_queued(app_workbook, manager: User):
    ticket_id, _message_id = a_ticket_by_email(app_workbook)
    await manager.open(f"/tickets/{ticket_id}")
    await eventually(lambda: len(texts(manager, "message-body")) == 1)
    manager.find(kind=ui.textarea, content="Note for colleagues").type("Carrier admits the box was dropped.")
    press(manager, "Add internal note")
    await eventually(lambda: "Carrier admits the box was dropped." in texts(manager, "message-body"))
    assert [m.direction for m in rows(app_workbook, MESSAGES)] == ["in", "internal"]
    assert rows(app_workbook, OUTBOX) == []


async def test_a_file_is_downloaded_by_a_logged_in_user_only_and_only_as_its_message_names_it(
    app_workbook, manager: User
):
    ticket_id, message_id = a_ticket_by_email(app_workbook)
    link = file_link(ticket_id, message_id, "dent.png")
    answer = await manager.http_client.get(link)
    assert answer.status_code == 200 and answer.content == PHOTO
    assert answer.headers["content-type"] == "application/octet-stream"
    assert (await manager.http_client.get(file_link(ticket_id, message_id, "other.png"))).status_code == 404
    assert (
        await manager.http_client.get(file_link("TCK-0000000000AA", message_id, "dent.png"))
    ).status_code == 404
    await manager.http_client.get("/logout")
    refused = await manager.http_client.get(link)
    assert refused.content != PHOTO and refused.status_code in (302, 303, 307)
    assert "/login" in refused.headers["location"]


def press(user: User, label: str) -> None:
    user.find(kind=ui.button, content=label).click()
