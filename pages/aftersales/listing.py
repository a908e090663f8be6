"""The returns list: a status filter, a search, and paging done on the server."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.common import ServerList, pager
from pages.public import public_path
from pages.responsive import cards_on_phones
from processes import aftersales
from processes.aftersales import VIEWS, ReturnQuery
from processes.browse import PAGE_SIZES

#: The columns whose values are choices, shown in the reader's language.
SHOWN_VALUES = ("kind", "status", "refund_status")
COLUMNS = (
    ("return_id", N_("Return")),
    ("requested_at", N_("Requested")),
    ("order", N_("Order")),
    ("customer", N_("Customer")),
    ("sku", N_("SKU")),
    ("qty", N_("Qty")),
    ("kind", N_("Kind")),
    ("status", N_("Status")),
    ("refund_status", N_("Refund")),
)


class ReturnsList(ServerList):
    def __init__(self) -> None:
        self.query = ReturnQuery()

    def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            ui.select(
                {view: i18n.value(view) for view in VIEWS},
                value=self.query.view,
                label=_("Show"),
                on_change=self._on_view,
            ).props("dense").classes("w-48")
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            ui.select(
                list(PAGE_SIZES), value=self.query.per_page, label=_("Rows"), on_change=self._on_size
            ).props("dense").classes("w-20")
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    async def _on_view(self, event) -> None:
        await self._ask(view=event.value or "all")

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    async def _on_size(self, event) -> None:
        await self._ask(per_page=int(event.value or 50))

    async def _go(self, page: int) -> None:
        await self._ask(page=page)

    async def refresh(self) -> None:
        page = await self.newest(aftersales.return_list)
        if page is None:
            return  # refused (shown), or a newer filter or search was asked for meanwhile
        self.body.clear()
        with self.body:
            if not page.total:
                ui.label(
                    _("No returns match: clear the search to see the whole list.")
                    if self.query.search
                    else _(
                        "No returns in this list. Customers ask for returns on the public page {path}.",
                        path=public_path("returns"),
                    )
                ).classes("text-slate-500")
                return
            grid = ui.table(
                columns=[
                    {"name": name, "label": _(label), "field": name, "align": "left"}
                    for name, label in COLUMNS
                ],
                rows=[{**row, **{name: i18n.value(row[name]) for name in SHOWN_VALUES}} for row in page.rows],
                row_key="return_id",
            ).props("dense flat bordered hide-pagination :rows-per-page-options=[0]")
            grid.classes("w-full").mark("returns")
            cards_on_phones(grid, {"return_id": "/returns/"})
            grid.add_slot(
                "body-cell-return_id",
                '<q-td :props="props"><a class="text-primary" :href="\'/returns/\' + props.value">'
                "{{ props.value }}</a></q-td>",
            )
            pager(
                page.page, page.pages, ngettext("{count:,} return", "{count:,} returns", page.total), self._go
            )
