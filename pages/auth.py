"""Logging in and out, and the gate in front of every page but the public ones.

The session cookie is signed with FLOWSHEET_STORAGE_SECRET; the server keeps
only the user name in `app.storage.user`. The role is looked up on every page
load and again before every action a page takes (pages.session), so a disabled
login or a changed role takes effect at once, on pages already open too.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, run, ui
from starlette.middleware.base import BaseHTTPMiddleware

from i18n import _, in_current_language
from pages.language import SESSION_KEY, language_switch, remember_language_of
from pages.session import (
    LOGIN_DONE_PATH,
    LOGIN_PATH,
    begin_login,
    draw_page_for,
    finish_login,
    logged_in_name,
    settle_arrival,
    take_notice,
)
from processes import runtime
from processes.errors import ProcessError
from processes.permissions import Actor

#: Pages anyone may open: the login page, and customer pages reached with a per-record token.
PUBLIC_PATHS = {LOGIN_PATH, LOGIN_DONE_PATH}
PUBLIC_PREFIX = "/public/"
#: The HTTP API checks its own bearer tokens (api/auth.py); its docs are for a logged-in browser.
API_PREFIX, API_DOCS = "/api/v1/", "/api/v1/docs"


def is_public(path: str) -> bool:
    if path.startswith(API_PREFIX):
        return not path.startswith(API_DOCS)
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX) or path.startswith("/_nicegui")


class LoginRequired(BaseHTTPMiddleware):
    """Sends a visitor without a session to the login page, remembering where they wanted to go."""

    async def dispatch(self, request: Request, call_next):
        settle_arrival(request)
        if is_public(request.url.path) or logged_in_name():
            return await call_next(request)
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{LOGIN_PATH}?next={quote(wanted, safe='')}")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


async def signed_in() -> Actor | None:
    """The user of this page, or None after sending them to log in (unknown or disabled login)."""
    name = logged_in_name()
    actor = await run.io_bound(runtime.accounts().actor, name) if name else None
    if actor is None:
        app.storage.user.clear()
        ui.navigate.to(LOGIN_PATH)
        return None
    draw_page_for(actor)
    return actor


#: The values the browser shows in the fields whose NiceGUI IDs come before it (`[5, 8]` + this).
#: NiceGUI gives a text field's ID to the <input> itself, a drop-down's to a box around one.
SHOWN_VALUES = (
    '.map((id) => { const box = getHtmlElement(id); const field = box?.matches("input, textarea")'
    ' ? box : box?.querySelector("input, textarea"); return field ? field.value : null; })'
)


async def shown_in(*fields: ui.input) -> list[str]:
    """What `fields` hold in the browser now, or what the server last heard from them if it cannot ask.

    NiceGUI holds back a keystroke made before the page's socket is connected and resends it on a
    timer of its own, so a name typed (or filled in by a password manager) while the page connects
    can reach the server after a later keystroke and leave it a letter short. What the person sees
    is what they meant.
    """
    try:
        shown = await ui.run_javascript(f"return {[field.id for field in fields]}{SHOWN_VALUES}", timeout=5)
    except TimeoutError:
        shown = None
    if not isinstance(shown, list) or len(shown) != len(fields) or None in shown:
        return [field.value or "" for field in fields]
    return [str(value) for value in shown]


def register() -> None:
    app.add_middleware(LoginRequired)

    @ui.page(LOGIN_PATH)
    async def login_page(request: Request, next: str = "/"):  # noqa: A002 - the query parameter's name
        if logged_in_name():
            return RedirectResponse(safe_next(next))
        address = request.client.host if request.client else "unknown"
        ui.page_title(f"{_('Log in')} · Flowsheet")
        with ui.card().classes("absolute-center w-80 gap-3"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Flowsheet").classes("text-xl font-semibold")
                language_switch()
            name = ui.input(_("User name")).props("autofocus autocomplete=username").classes("w-full")
            password = ui.input(_("Password"), password=True, password_toggle_button=True).classes("w-full")
            password.props("autocomplete=current-password")
            message = ui.label(take_notice() or "").classes("text-negative text-sm")

            async def log_in() -> None:
                typed_name, typed_password = await shown_in(name, password)
                try:
                    actor = await run.io_bound(
                        in_current_language(runtime.accounts().authenticate),
                        typed_name,
                        typed_password,
                        address,
                    )
                except ProcessError as refusal:
                    message.text = str(refusal)
                    password.value = ""
                    return
                await remember_language_of(actor)
                ui.navigate.to(begin_login(actor, safe_next(next)))

            password.on("keydown.enter", log_in)
            ui.button(_("Log in"), on_click=log_in).classes("w-full")
            if not await run.io_bound(runtime.accounts().has_users):
                ui.label(
                    _(
                        "No logins exist yet. On the server, run: {command}",
                        command="python app.py user add NAME --role admin",
                    )
                ).classes("text-sm text-slate-600")
        return None

    @app.get(LOGIN_DONE_PATH)
    async def login_done(request: Request, ticket: str = "") -> RedirectResponse:
        return RedirectResponse(finish_login(request, ticket) or LOGIN_PATH, status_code=303)

    @ui.page("/logout")
    def logout() -> RedirectResponse:
        language = app.storage.user.get(SESSION_KEY)
        app.storage.user.clear()
        if language:  # the login page after logging out speaks the language the user chose
            app.storage.user[SESSION_KEY] = language
        return RedirectResponse(LOGIN_PATH)
