"""The orders list: a status view, a search, and one page of orders read on the server."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.common import ServerList, pager
from pages.responsive import cards_on_phones
from processes import orders, runtime
from processes.orders import VIEWS, OrderQuery

COLUMNS = (
    ("order_id", N_("Order")),
    ("external_ref", N_("Reference")),
    ("channel", N_("Channel")),
    ("customer_name", N_("Customer")),
    ("created_at", N_("Created")),
    ("status", N_("Status")),
    ("payment_status", N_("Payment")),
    ("total", N_("Total")),
    ("location_id", N_("Ships from")),
)


class OrderList(ServerList):
    def __init__(self) -> None:
        self.query = OrderQuery()
        self.table: ui.table | None = None
        self.records = 0  # orders in the tab, as the last page read counted them

    def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            ui.select(
                {view: i18n.value(view) for view in VIEWS},
                value=self.query.view,
                label=_("Show"),
                on_change=self._on_view,
            ).props("dense").classes("w-40")
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            ui.space()
            ui.button(_("New order"), on_click=lambda: ui.navigate.to("/orders/new")).props("outline")
            ui.button(_("Import"), on_click=lambda: ui.navigate.to("/orders/import")).props("outline")
        self.reading_notice()
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    async def _on_view(self, event) -> None:
        await self._ask(view=event.value or "open")

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    def _reading_whole(self) -> str:
        """What the page says while a search or a far page reads every order of a big tab ("" if not)."""
        if not orders.reads_whole(runtime.workbook(), self.query):
            return ""
        count = self.records
        if not count:
            return _("Reading every order…")
        if self.query.search.strip():
            return ngettext(
                "Reading all {count:,} order to search…", "Reading all {count:,} orders to search…", count
            )
        return ngettext(
            "Reading all {count:,} order to show page {page:,}…",
            "Reading all {count:,} orders to show page {page:,}…",
            count,
            page=self.query.page,
        )

    async def refresh(self) -> None:
        page = await self.newest(orders.order_page, self._reading_whole())
        if page is None:
            return
        self.records = page.records
        self.body.clear()
        with self.body:
            if page.unreadable:
                ui.label(
                    ngettext(
                        "{count} order row could not be read and is not shown; see Data issues.",
                        "{count} order rows could not be read and are not shown; see Data issues.",
                        page.unreadable,
                    )
                )
            if not page.total:
                self.table = None
                ui.label(
                    _("No orders match: clear the search or show all orders.")
                    if self.query.search
                    else _(
                        "No orders match. New orders come from New order above, or from a file on Import orders."
                    )
                ).classes("text-slate-500")
                return
            columns = [
                {"name": name, "label": _(label), "field": name, "align": "left"} for name, label in COLUMNS
            ]
            self.table = ui.table(columns=columns, rows=page.rows, row_key="order_id").props(
                "dense flat bordered hide-pagination :rows-per-page-options=[0]"
            )
            self.table.classes("w-full")
            cards_on_phones(self.table, {"order_id": "/orders/"})
            self.table.add_slot(
                "body-cell-order_id",
                '<q-td :props="props"><a :href="\'/orders/\' + props.value" class="text-primary">'
                "{{ props.value }}</a></q-td>",
            )
            pager(
                page.page,
                page.pages,
                ngettext("{count:,} order", "{count:,} orders", page.total),
                lambda number: self._ask(page=number),
            )
