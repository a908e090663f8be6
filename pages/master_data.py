"""Products, suppliers and locations: one list-and-edit page per kind, sharing the form built from the schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import HTMLResponse, Response
from nicegui import app, ui

from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, background, call, pager
from pages.forms import RecordForm, label_for
from pages.frame import frame, show_error
from pages.printing import printable
from processes import SheetError, inventory, master_data, runtime
from processes.errors import ProcessError
from processes.master_data import ListQuery, MasterData, RecordPage
from processes.permissions import Actor

#: Route -> (page title, kind of record).
PAGES: dict[str, tuple[str, MasterData]] = {
    "/products": ("Products", master_data.PRODUCT),
    "/suppliers": ("Suppliers", master_data.SUPPLIER),
    "/locations": ("Locations", master_data.LOCATION),
}


LABELS_PATH = "/products/labels"


def register() -> None:
    for path, (title, kind) in PAGES.items():
        _register(path, title, kind)

    @app.get(LABELS_PATH, response_class=HTMLResponse)
    async def printable_labels(sku: str = "") -> Response:
        """Every active product's label, or those of `sku` (SKUs separated by commas)."""
        skus = [part.strip() for part in sku.split(",") if part.strip()] or None
        return await printable(inventory.render_labels, skus)


def product_labels(actor: Actor) -> None:
    """The way to the printable barcode labels, and a button that gives a code to products without one."""

    async def give() -> None:
        ok, given = await call(inventory.give_barcodes, by=actor)
        if ok:
            ui.notify(
                ngettext("{count} product got a barcode", "{count} products got a barcode", len(given)),
                type="positive",
            )

    ui.link(_("Barcode labels"), LABELS_PATH, new_tab=True)
    ui.button(_("Give a barcode to products without one"), on_click=give).props("flat")


def _register(path: str, title: str, kind: MasterData) -> None:
    @ui.page(path)
    async def master_data_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame(title, actor):
            MasterDataView(kind, actor).build()


#: What a list without records says, by the kind of record.
NONE_YET = {
    master_data.PRODUCT.noun: N_("No products yet."),
    master_data.SUPPLIER.noun: N_("No suppliers yet."),
    master_data.LOCATION.noun: N_("No locations yet."),
}
NONE_ACTIVE = {
    master_data.PRODUCT.noun: N_("No active products (tick Show inactive to see the others)."),
    master_data.SUPPLIER.noun: N_("No active suppliers (tick Show inactive to see the others)."),
    master_data.LOCATION.noun: N_("No active locations (tick Show inactive to see the others)."),
}


def counted(kind: MasterData, total: int) -> str:
    """How many records of a kind there are: "1 product", "12 suppliers"."""
    if kind is master_data.PRODUCT:
        return ngettext("{count:,} product", "{count:,} products", total)
    if kind is master_data.SUPPLIER:
        return ngettext("{count:,} supplier", "{count:,} suppliers", total)
    return ngettext("{count:,} location", "{count:,} locations", total)


class MasterDataView(ServerList):
    """Search and page through one kind of record; add one, edit one, take one out of use."""

    def __init__(self, kind: MasterData, actor: Actor) -> None:
        self.kind = kind
        self.actor = actor
        self.query = ListQuery()
        self.loaded: Mapping[str, Any] | None = (
            None  # the record being edited, as it was loaded: the base of the save
        )
        self.form: RecordForm | None = None

    def build(self) -> None:
        noun = _(self.kind.noun)
        self.editor = ui.card().classes("w-full gap-2")
        self.editor.set_visibility(False)
        with ui.row().classes("w-full items-end gap-4"):
            ui.button(_("Add a {noun}", noun=noun), icon="add", on_click=self.open_new)
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            ui.checkbox(_("Show inactive"), on_change=self._on_inactive)
            if self.kind is master_data.PRODUCT:
                product_labels(self.actor)
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    # the list -----------------------------------------------------------------

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    async def _on_inactive(self, event) -> None:
        await self._ask(include_inactive=bool(event.value))

    async def _go(self, page: int) -> None:
        await self._ask(page=page)

    async def refresh(self) -> None:
        page = await self.newest(self._page)
        if page is None:
            return  # refused (shown), or a newer search was asked for while this one was read
        self.body.clear()
        with self.body:
            if page.issues:
                ui.label(
                    ngettext(
                        "{count} row could not be read and is not shown; see Data issues.",
                        "{count} rows could not be read and are not shown; see Data issues.",
                        len(page.issues),
                    )
                )
            if not page.total:
                ui.label(self._nothing_shown()).classes("text-slate-500")
                return
            self._grid(page)
            pager(page.page, page.pages, counted(self.kind, page.total), self._go)

    def _nothing_shown(self) -> str:
        if self.query.search:
            return _("Nothing matches the search.")
        if not self.query.include_inactive:
            return _(NONE_ACTIVE[self.kind.noun])
        return _(NONE_YET[self.kind.noun])

    def _page(self, workbook, query: ListQuery) -> RecordPage:
        return master_data.record_page(workbook, self.kind, query)

    def _grid(self, page: RecordPage) -> None:
        tab = self.kind.tab
        widths = " ".join("minmax(0, 2fr)" if name == "name" else "minmax(0, 1fr)" for name in page.columns)
        with ui.grid(columns=f"{widths} auto").classes("w-full gap-x-4 gap-y-1 items-center"):
            for name in page.columns:
                ui.label(label_for(tab.column(name))).classes("text-xs uppercase text-slate-500")
            ui.label("")
            for row, active in zip(page.rows, page.active, strict=True):
                key = row[self.kind.key]
                for name in page.columns:
                    ui.label(row[name]).classes("" if active else "text-slate-400")
                with ui.row().classes("gap-1 no-wrap"):
                    ui.button(_("Edit"), on_click=lambda key=key: self.open_edit(key)).props(
                        "flat dense"
                    ).mark(f"edit-{key}")
                    verb = "deactivate" if active else "reactivate"
                    ui.button(
                        _("Deactivate") if active else _("Reactivate"),
                        on_click=lambda key=key, active=active: self.set_active(key, not active),
                    ).props("flat dense").mark(f"{verb}-{key}")

    async def set_active(self, key: str, active: bool) -> None:
        action = master_data.reactivate if active else master_data.deactivate
        try:
            await background(action, runtime.workbook(), self.kind, key, by=self.actor)
        except (ProcessError, SheetError) as refusal:
            show_error(str(refusal))
            return
        ui.notify(
            _("{key} reactivated", key=key) if active else _("{key} deactivated", key=key), type="positive"
        )
        await self.refresh()

    # the editor ---------------------------------------------------------------

    def open_new(self) -> None:
        self.loaded = None
        self._show_editor(_("New {noun}", noun=_(self.kind.noun)), None)

    async def open_edit(self, key: str) -> None:
        try:
            record = await background(master_data.get_record, runtime.workbook(), self.kind, key)
        except (ProcessError, SheetError) as refusal:
            show_error(str(refusal))
            return
        self.loaded = record
        self._show_editor(_("Edit {noun} {key}", noun=_(self.kind.noun), key=key), record)

    def _show_editor(self, title: str, record: Mapping[str, Any] | None) -> None:
        adding = record is None
        self.editor.clear()
        with self.editor:
            ui.label(title).classes("text-base font-semibold")
            self.form = RecordForm(self.kind.tab, self.kind.form_columns(adding), record)
            with ui.row().classes("gap-2"):
                ui.button(_("Save"), on_click=self.save)
                ui.button(_("Close"), on_click=self.close_editor).props("flat")
        self.editor.set_visibility(True)

    def close_editor(self) -> None:
        self.editor.set_visibility(False)
        self.editor.clear()
        self.form = self.loaded = None

    async def save(self) -> None:
        if self.form is None:
            return
        form, loaded, workbook = self.form, self.loaded, runtime.workbook()
        try:
            if loaded is None:
                saved = await background(
                    master_data.add_record, workbook, self.kind, form.values(), by=self.actor
                )
            else:
                saved = await background(
                    master_data.update_record,
                    workbook,
                    self.kind,
                    loaded[self.kind.key],
                    form.values(),
                    by=self.actor,
                    base=loaded,
                )
        except (ProcessError, SheetError) as refusal:
            form.show_error(refusal)  # the form keeps what was typed
            return
        ui.notify(_("Saved {noun} {id}", noun=_(self.kind.noun), id=saved.id), type="positive")
        self.close_editor()
        await self.refresh()
