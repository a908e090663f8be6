"""Printable documents (pick list, packing slip, labels): HTML pages outside the app's frame, for a login only."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from nicegui import app

from pages.auth import LOGIN_PATH
from pages.common import background
from processes import SheetError, runtime
from processes.errors import ProcessError


async def printable(render: Callable[..., str], *args: Any) -> Response:
    """`render(workbook, *args)` as a page for a logged-in user; the login page for anyone else."""
    name = app.storage.user.get("username")
    actor = await background(runtime.accounts().actor, name) if name else None
    if actor is None:
        return RedirectResponse(LOGIN_PATH)
    try:
        page = await background(render, runtime.workbook(), *args)
    except (ProcessError, SheetError) as refusal:
        return HTMLResponse(f"<p>{escape(str(refusal))}</p>", status_code=404)
    return HTMLResponse(page)
