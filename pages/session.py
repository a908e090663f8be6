"""A browser's login: checked before every action a page takes.

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
from collections.abc import Callable
from typing import Any

from nicegui import app, run, ui

from i18n import _, in_current_language
from processes import runtime
from processes.accounts import LoginEnded, RoleChanged
from processes.permissions import Actor

LOGIN_PATH = "/login"
#: In app.storage.user: who the browser is logged in as, and a message for the next page it opens.
USERNAME, NOTICE = "username", "notice"
#: In app.storage.client (one open page): the login the page was drawn for.
PAGE_LOGIN = "page login"


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


async def act(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`action(*args, **kwargs)` off the event loop, in the page's language, if the page's login still acts.

    Raises LoginEnded or RoleChanged (both ProcessErrors, so callers show them
    like any refusal) after sending the browser where it can go on.
    """
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
