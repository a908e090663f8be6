"""A browser's login: begun under a new session id, and checked before every action a page takes.

NiceGUI keys `app.storage.user` by the id in the browser's signed session
cookie. A login must not keep the id the browser had before (a session fixed by
someone else before login would be theirs after it), but the login page runs
over its websocket, which cannot set a cookie. So a correct password gets a
one-use ticket (`begin_login`, bound to this browser's session, valid for a
minute) and the browser is sent to LOGIN_DONE_PATH, a plain HTTP route, whose
answer gives the session a new id (`finish_login`). The old id keeps nothing;
what the login carries waits for the new id's first request (`settle_arrival`).

A page is drawn for the login and role of the moment it opened, and may stay
open for hours. So every rule a page runs goes through `act` (pages.common's
`background`, `attempt` and `call` are built on it): on the event loop, the
browser's session must still be the page's login (not logged out or switched in
another tab); in the worker thread, just before the rule, the login must still
be enabled with the same role (`Accounts.still_acting`: one lookup in the local
account store). Otherwise nothing runs: a login that ended is sent to the login
page, a page drawn for an older role is drawn again; either way with a message.
"""

from __future__ import annotations

import functools
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from nicegui import app, run, ui

from i18n import _, in_current_language
from processes import runtime
from processes.accounts import LoginEnded, RoleChanged
from processes.permissions import Actor

LOGIN_PATH = "/login"
#: The plain HTTP route a login finishes at: only an HTTP answer gives the browser a new cookie.
LOGIN_DONE_PATH = "/login/done"
TICKET_SECONDS = 60.0
#: In app.storage.user: who the browser is logged in as, and a message for the next page it opens.
USERNAME, NOTICE = "username", "notice"
#: In app.storage.client (one open page): the login the page was drawn for.
PAGE_LOGIN = "page login"


@dataclass(frozen=True)
class _Carried:
    """What a login takes into its new session, and until when it may be taken."""

    storage: dict[str, Any]  # the new session's app.storage.user
    next_path: str
    session_id: str  # the session the password was given in (a ticket works only there)
    expires: float  # time.monotonic()


_tickets: dict[str, _Carried] = {}  # one-use ticket -> the login a correct password began
_arrivals: dict[str, _Carried] = {}  # new session id -> the login it carries, until its first request


def begin_login(actor: Actor, next_path: str) -> str:
    """After a correct password: the address that finishes logging `actor` in under a new session id."""
    _forget_expired()
    ticket = secrets.token_urlsafe(32)
    carried = {**app.storage.user, USERNAME: actor.name}  # e.g. the language chosen on the login page
    session_id = app.storage.browser["id"]
    _tickets[ticket] = _Carried(carried, next_path, session_id, time.monotonic() + TICKET_SECONDS)
    return f"{LOGIN_DONE_PATH}?ticket={ticket}"


def finish_login(request: Request, ticket: str) -> str | None:
    """At LOGIN_DONE_PATH: give the session a new id carrying the login; where to go next, or None if refused."""
    login = _tickets.pop(ticket, None)
    if login is None or login.session_id != request.session.get("id") or login.expires < time.monotonic():
        return None
    app.storage.user.clear()  # the old id, whoever else holds it, is logged in as nobody
    new_id = str(uuid.uuid4())
    request.session["id"] = new_id  # sent back with this answer as a new signed cookie
    _arrivals[new_id] = login
    return login.next_path


def settle_arrival(request: Request) -> None:
    """On any request: a session new from a login takes over what the login carried (once)."""
    login = _arrivals.pop(request.session.get("id", ""), None)
    if login is not None and login.expires >= time.monotonic():
        app.storage.user.update(login.storage)


def _forget_expired() -> None:
    now = time.monotonic()
    for pending in (_tickets, _arrivals):
        for key in [key for key, login in pending.items() if login.expires < now]:
            del pending[key]


def logged_in_name() -> str | None:
    """The user name this browser's session is logged in as, or None."""
    return app.storage.user.get(USERNAME)


def draw_page_for(actor: Actor) -> None:
    """Remember the login this page is drawn for: its every action is checked against it."""
    app.storage.client[PAGE_LOGIN] = actor


def page_login() -> Actor | None:
    """The login of the page being handled; None on a public page or outside any page (a plain route)."""
    try:
        return app.storage.client.get(PAGE_LOGIN)
    except RuntimeError:  # no page in this context
        return None


def take_notice() -> str | None:
    """The message left for this page (why the last one was left), once."""
    return app.storage.user.pop(NOTICE, None)


#: How long a page being built waits for its browser to connect before giving up on it.
CONNECT_SECONDS = 60.0


async def page_sent() -> None:
    """Wait until the page being built is in the browser, so reading never holds it back.

    NiceGUI sends a page once its function returns or awaits the connection: a page
    that read the workbook first would show nothing (or "not ready") until the read
    ended. Awaited before any read, the frame shows at once and the parts fill in.
    """
    try:
        client = ui.context.client
    except RuntimeError:
        return  # not a page: a plain route (a printable document) answers when its read ends
    if not client.has_socket_connection:
        await client.connected(timeout=CONNECT_SECONDS)


async def act(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`action(*args, **kwargs)` off the event loop, in the page's language, if the page's login still acts.

    Raises LoginEnded or RoleChanged (both ProcessErrors, so callers show them
    like any refusal) after sending the browser where it can go on.
    """
    await page_sent()
    actor = page_login()
    if actor is None:  # a public page: nobody's login is at stake
        return await run.io_bound(in_current_language(action), *args, **kwargs)
    try:
        if logged_in_name() != actor.name:
            raise LoginEnded(
                _(
                    "You are no longer logged in as {name} in this browser, so nothing was saved.",
                    name=actor.name,
                )
            )
        return await run.io_bound(in_current_language(_once_confirmed(actor, action)), *args, **kwargs)
    except LoginEnded as ended:
        _leave_for_login(actor, str(ended))
        raise
    except RoleChanged as changed:
        app.storage.user[NOTICE] = str(changed)
        ui.navigate.reload()  # drawn again with what the new role may do
        raise


def _once_confirmed(actor: Actor, action: Callable[..., Any]) -> Callable[..., Any]:
    """`action`, run in the worker thread only after the account store confirms `actor` (same thread, one lookup)."""

    @functools.wraps(action)
    def confirmed(*args: Any, **kwargs: Any) -> Any:
        runtime.accounts().still_acting(actor)
        return action(*args, **kwargs)

    return confirmed


def _leave_for_login(actor: Actor, message: str) -> None:
    """End the page's login in this browser (its language stays) and open the login page, which says why."""
    if logged_in_name() == actor.name:  # not a login another tab began since
        app.storage.user.pop(USERNAME, None)
    app.storage.user[NOTICE] = message
    ui.navigate.to(LOGIN_PATH)
