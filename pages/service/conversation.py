"""A ticket's conversation on its page: the messages with their files, canned replies, internal notes.

The files customers sent are downloaded from FILES_PATH, which needs a logged-in
staff user (the login gate and the login's own check here) and answers only
for a file its message's row names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import FileResponse, RedirectResponse
from nicegui import app, run, ui

import i18n
from i18n import _
from pages.common import attempt
from pages.session import LOGIN_PATH, logged_in_name
from processes import runtime, service
from processes.permissions import Actor
from processes.service import CannedReply
from sheets.table import Record

from .common import shown

FILES_PATH = "/tickets/{ticket_id}/files/{message_id}/{name}"
DIRECTION_STYLE = {
    "in": "border-sky-500",
    "out": "border-emerald-500",
    "internal": "border-amber-500 bg-amber-50",
}


def register() -> None:
    @app.get(FILES_PATH)
    async def attachment(ticket_id: str, message_id: str, name: str):
        user = logged_in_name()
        actor = await run.io_bound(runtime.accounts().actor, user) if user else None
        if actor is None:
            return RedirectResponse(LOGIN_PATH)
        path = await run.io_bound(
            service.attachment_file,
            runtime.workbook(),
            runtime.attachments_folder(),
            ticket_id,
            message_id,
            name,
        )
        if path is None:
            raise HTTPException(404, _("There is no such file on this ticket."))
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=name,
            headers={"X-Content-Type-Options": "nosniff"},
        )


def file_link(ticket_id: str, message_id: str, name: str) -> str:
    return FILES_PATH.format(ticket_id=ticket_id, message_id=message_id, name=quote(name, safe=""))


def draw_messages(ticket_id: str, messages: list[Record]) -> None:
    """The conversation, oldest first: who wrote, when, to whom, the text and the files."""
    ui.label(_("Conversation")).classes("text-base font-semibold")
    if not messages:
        ui.label(_("No emails or internal notes yet.")).classes("text-slate-500")
    for message in messages:
        style = DIRECTION_STYLE.get(message.direction or "in", "")
        with ui.column().classes(f"w-full max-w-3xl gap-0 border-l-4 pl-2 {style}").mark("message"):
            ui.label(
                " · ".join(
                    part
                    for part in (i18n.value(message.direction or "in"), message.author, shown(message.at))
                    if part
                )
            ).classes("text-xs text-slate-500")
            if message.subject:
                ui.label(message.subject).classes("text-sm font-medium")
            ui.label(message.body or "").classes("whitespace-pre-wrap").mark("message-body")
            for name in service.attachment_names(message):
                ui.link(name, file_link(ticket_id, message.message_id, name)).classes("text-sm").mark(
                    "attachment"
                )


def text_with_canned_replies(
    label: str, ticket_id: str, actor: Actor, replies: list[CannedReply]
) -> Callable[[], ui.textarea]:
    """A step's text box with a drop-down of canned replies above it that fills it in (the customers' language)."""

    def draw() -> ui.textarea:
        boxes: list[ui.textarea] = []

        async def chosen(event) -> None:
            if not event.value:
                return
            text = await attempt(service.fill_reply, runtime.workbook(), ticket_id, event.value, by=actor)
            if text is not None:
                boxes[0].value = text

        if replies:
            ui.select(
                {reply.name: reply.title for reply in replies}, label=_("Canned reply"), on_change=chosen
            ).classes("w-80").mark("canned")
        boxes.append(ui.textarea(_(label)).classes("w-full").props("maxlength=5000 autogrow"))
        return boxes[0]

    return draw


def draw_note_form(ticket_id: str, actor: Actor, on_done: Callable[[], Awaitable[None]]) -> None:
    """An internal note for colleagues: recorded on the ticket, never emailed."""
    with ui.card().classes("w-full max-w-3xl gap-1").mark("internal-note"):
        ui.label(_("Internal note")).classes("font-medium")
        ui.label(_("Only staff see it: it is never sent to the customer.")).classes("text-sm text-slate-500")
        box = ui.textarea(_("Note for colleagues")).classes("w-full").props("maxlength=5000 autogrow")

        async def add() -> None:
            made = await attempt(
                service.add_internal_note, runtime.workbook(), ticket_id, box.value, by=actor
            )
            if made is not None:
                ui.notify(_("Internal note added to {ticket_id}", ticket_id=ticket_id), type="positive")
                await on_done()

        ui.button(_("Add internal note"), on_click=add)
