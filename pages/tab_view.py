"""A read-only view of any tab: search, sort and paging done on the server."""

from __future__ import annotations

from dataclasses import replace

from nicegui import run, ui

from pages.auth import signed_in
from pages.frame import frame, show_error, tab_from_path
from processes import SheetError, browse, runtime
from processes.browse import PAGE_SIZES, PageRequest


def register() -> None:
    @ui.page("/tabs/{slug}")
    async def tab_page(slug: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        tab_name = tab_from_path(slug)
        if tab_name is None:
            with frame("Not found", actor):
                ui.label(f"There is no tab called {slug!r}.")
                ui.link("Back to the dashboard", "/")
            return
        with frame(tab_name, actor):
            TabView(tab_name).build()


class TabView:
    def __init__(self, tab_name: str) -> None:
        self.tab_name = tab_name
        self.request = PageRequest()
        self._latest = 0  # number of the newest refresh; older answers are dropped

    def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            ui.input("Search", on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            self.sort = ui.select({}, label="Sort by", on_change=self._on_sort).props("dense clearable")
            self.sort.classes("w-48")
            self.direction = ui.radio(
                {"asc": "A→Z", "desc": "Z→A"}, value="asc", on_change=self._on_sort
            ).props("inline dense")
            self.per_page = ui.select(list(PAGE_SIZES), value=50, label="Rows", on_change=self._on_sort)
            self.per_page.props("dense").classes("w-20")
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    async def _on_search(self, event) -> None:
        self.request = replace(self.request, search=event.value or "", page=1)
        await self.refresh()

    async def _on_sort(self) -> None:
        self.request = PageRequest(
            search=self.request.search,
            sort_by=self.sort.value,
            descending=self.direction.value == "desc",
            page=1,
            per_page=int(self.per_page.value or 50),
        )
        await self.refresh()

    async def _go(self, page: int) -> None:
        self.request = replace(self.request, page=page)
        await self.refresh()

    async def refresh(self) -> None:
        self._latest += 1
        mine = self._latest
        try:
            page = await run.io_bound(browse.page_of, runtime.workbook(), self.tab_name, self.request)
        except SheetError as error:
            show_error(str(error))
            return
        if mine != self._latest:
            return  # a newer search or sort was asked for while this one was read
        if not self.sort.options:
            self.sort.set_options(page.columns)
        self.body.clear()
        with self.body:
            self._issues(page)
            if not page.total:
                ui.label(
                    "No rows match the search."
                    if self.request.search
                    else f"{self.tab_name} has no records yet."
                ).classes("text-slate-500")
                return
            columns = [{"name": name, "label": name, "field": name, "align": "left"} for name in page.columns]
            ui.table(columns=columns, rows=page.rows, row_key=page.columns[0]).props(
                "dense flat bordered hide-pagination :rows-per-page-options=[0]"
            ).classes("w-full")
            with ui.row().classes("items-center gap-2"):
                ui.button("Previous", on_click=lambda: self._go(page.page - 1)).props(
                    f"flat dense {'disable' if page.page <= 1 else ''}"
                )
                ui.label(f"Page {page.page} of {page.pages} · {page.total:,} rows")
                ui.button("Next", on_click=lambda: self._go(page.page + 1)).props(
                    f"flat dense {'disable' if page.page >= page.pages else ''}"
                )

    def _issues(self, page) -> None:
        if not page.issues:
            return
        with ui.expansion(f"{len(page.issues)} row(s) could not be read and are not shown", icon="warning"):
            for issue in page.issues[:50]:
                ui.label(str(issue)).classes("text-sm")
