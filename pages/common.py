"""Small things every procedure page needs: running a rule off the event loop, showing times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from nicegui import run, ui

from i18n import _, formatting, in_current_language
from pages.frame import show_error
from processes import SheetError, runtime
from processes.errors import ProcessError


async def attempt(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a rule off the event loop; a refusal is shown and gives None."""
    try:
        return await run.io_bound(in_current_language(action), *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return None


async def call(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Run a rule with the workbook, off the event loop; a refusal is shown and answers (False, None)."""
    try:
        return True, await run.io_bound(in_current_language(action), runtime.workbook(), *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return False, None


def when(moment: datetime | None) -> str:
    """A moment as the reader's language writes it."""
    return formatting.when(moment)


class ServerList:
    """A list whose filtering, search and paging run on the server: the newest answer wins.

    A subclass keeps its query (a dataclass with a `page` field) in `self.query`
    and draws the page in `refresh()`, which asks for it with `newest()`.
    """

    query: Any
    _latest: int = 0  # number of the newest request; older answers are dropped

    async def _ask(self, **changes: Any) -> None:
        """Change the query (back to page 1 unless a page is given) and redraw."""
        self.query = replace(self.query, page=changes.pop("page", 1), **changes)
        await self.refresh()

    async def refresh(self) -> None:
        raise NotImplementedError

    async def newest(self, action: Callable[..., Any]) -> Any:
        """`action(workbook, query)` off the event loop; None if refused or overtaken by a newer request."""
        self._latest += 1
        mine = self._latest
        ok, page = await call(action, self.query)
        return page if ok and mine == self._latest else None


def pager(page: int, pages: int, summary: str, go: Callable[[int], Any]) -> None:
    """Previous, 'Page 2 of 9 · 410 orders', Next: under every paged list."""
    with ui.row().classes("items-center gap-2"):
        ui.button(_("Previous"), on_click=lambda: go(page - 1)).props(
            f"flat dense {'disable' if page <= 1 else ''}"
        )
        ui.label(_("Page {page} of {pages} · {summary}", page=page, pages=pages, summary=summary))
        ui.button(_("Next"), on_click=lambda: go(page + 1)).props(
            f"flat dense {'disable' if page >= pages else ''}"
        )
