"""Small things every procedure page needs: running a rule off the event loop, showing times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from nicegui import ui

import i18n
from i18n import _, formatting
from pages.frame import show_error
from pages.links import record_path
from pages.responsive import cards_on_phones
from pages.session import act
from processes import SheetError, runtime
from processes.errors import ProcessError


async def background(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`action(*args, **kwargs)` off the event loop, in the language of the page that asked.

    Like every way below, only while the page's login is still enabled with its role (pages.session).
    """
    return await act(action, *args, **kwargs)


async def attempt(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a rule off the event loop; a refusal is shown and gives None."""
    try:
        return await act(action, *args, **kwargs)
    except (ProcessError, SheetError) as refusal:
        show_error(str(refusal))
        return None


async def call(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Run a rule with the workbook, off the event loop; a refusal is shown and answers (False, None)."""
    try:
        return True, await act(action, runtime.workbook(), *args, **kwargs)
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
    notice: ui.label | None = None  # says what a long read is doing while it runs (made by `reading_notice`)

    def reading_notice(self) -> None:
        """A line above the list that says, while a read of a whole big tab runs, that it does."""
        self.notice = ui.label().classes("text-sm text-slate-500").mark("reading-notice")
        self.notice.set_visibility(False)

    async def _ask(self, **changes: Any) -> None:
        """Change the query (back to page 1 unless a page is given) and redraw."""
        self.query = replace(self.query, page=changes.pop("page", 1), **changes)
        await self.refresh()

    async def refresh(self) -> None:
        raise NotImplementedError

    async def newest(self, action: Callable[..., Any], notice: str = "") -> Any:
        """`action(workbook, query)` off the event loop; None if refused or overtaken by a newer request.

        `notice`, if any, shows above the list while the read runs ("Reading all 100,000 rows…").
        """
        self._latest += 1
        mine = self._latest
        self._say(notice)
        ok, page = await call(action, self.query)
        if mine != self._latest:
            return None
        self._say("")
        return page if ok else None

    def _say(self, notice: str) -> None:
        if self.notice is not None:
            self.notice.set_text(notice)
            self.notice.set_visibility(bool(notice))


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


#: Columns whose values are states or kinds: shown in the reader's language, kept as stored.
VALUE_COLUMNS = frozenset(
    {"status", "kind", "priority", "source", "refund_status", "payment_status", "disposition", "severity"}
)


def record_table(
    columns: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    key: str,
    show: Callable[[Any], str],
    links: dict[str, str] | None = None,
) -> ui.table:
    """A compact table of records' cells; `links` turns a column's cells into links (column -> path prefix)."""

    def cell(name: str, value: Any) -> str:
        text = show(value)
        return i18n.value(text) if name in VALUE_COLUMNS else text

    grid = ui.table(
        columns=[
            {"name": name, "label": _(label), "field": name, "align": "left"} for name, label in columns
        ],
        rows=[
            {key: show(row.get(key)), **{name: cell(name, row.get(name)) for name, _label in columns}}
            for row in rows
        ],
        row_key=key,
    ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]")
    grid.classes("w-full")
    cards_on_phones(grid, links)
    for column, prefix in (links or {}).items():
        grid.add_slot(
            f"body-cell-{column}",
            f'<q-td :props="props"><a class="text-primary" :href="\'{prefix}\' + props.value">'
            "{{ props.value }}</a></q-td>",
        )
    return grid


def fact_link(label: str, record_id: str, width: str = "w-36") -> ui.link:
    """A labelled reference to another record, as a link to its page: "Replacement order   ORD-…"."""
    with ui.row().classes("gap-2 items-baseline"):
        ui.label(_(label)).classes(f"text-sm text-slate-500 {width}")
        return ui.link(record_id, record_path(record_id) or "/")


def fact(label: str, text: str, width: str = "w-36") -> None:
    """A labelled value on a record's page: "Supplier   Acme Ltd"."""
    with ui.row().classes("gap-2 items-baseline"):
        ui.label(_(label)).classes(f"text-sm text-slate-500 {width}")
        ui.label(text or "—")
