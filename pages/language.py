"""Which language a page speaks: the user's choice, else the browser's; and the switch to change it.

The choice is kept with the login (so it follows the user to another browser)
and copied into the session, where `i18n.current()` finds it on every call.
"""

from __future__ import annotations

from nicegui import app, context, run, ui

import i18n
from i18n import LANGUAGES, _
from pages.session import act
from processes import runtime
from processes.errors import ProcessError
from processes.permissions import Actor

SESSION_KEY = "language"


def language_here() -> str | None:
    """The language of the page being built or the event being handled (i18n's resolver)."""
    chosen = app.storage.user.get(SESSION_KEY)
    if chosen:
        return chosen
    request = context.client.request
    return i18n.from_accept_language(request.headers.get("accept-language")) if request else None


def install() -> None:
    i18n.set_resolver(language_here)


async def remember_language_of(actor: Actor) -> None:
    """At login: the session speaks the language the user chose last time (if they chose one)."""
    chosen = await run.io_bound(runtime.accounts().language_of, actor.name)
    if chosen:
        app.storage.user[SESSION_KEY] = chosen


def language_switch(actor: Actor | None = None) -> ui.select:
    """A small drop-down of the languages; choosing one reloads the page in it."""

    async def choose(event) -> None:
        language = event.value
        if not language or language == i18n.current():
            return
        app.storage.user[SESSION_KEY] = language
        if actor is not None:
            try:
                await act(runtime.accounts().set_language, actor.name, language, by=actor)
            except ProcessError as refusal:  # the login ended or changed meanwhile
                ui.notify(str(refusal), type="negative")
                return
        ui.navigate.reload()

    switch = ui.select(LANGUAGES, value=i18n.current(), on_change=choose).mark("language")
    switch.props(f'dense borderless options-dense aria-label="{_("Language")}"').classes("w-28")
    return switch
