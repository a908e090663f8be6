"""The grid of any tab: search, sort, filter and paging on the server; edit, add and delete rows.

On the embedded local workbook there is no spreadsheet window, so this is
where people edit the record directly. Each row has an edit action opening a
form derived from the tab's columns; only the cells changed in it are sent.
The rules (who may edit which tab, which cells, the type checks and the
conflict check) live in processes/sheet_edit.py; a tab or role that may not
edit sees no edit controls and is told why.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

import i18n
from i18n import _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, background, pager
from pages.forms import RecordForm, label_for
from pages.frame import frame, show_error, tab_from_path
from processes import SheetError, browse, runtime, sheet_edit
from processes.browse import PAGE_SIZES, Page, PageRequest
from processes.errors import ProcessError
from processes.permissions import Actor, why_not_read
from processes.sheet_edit import GridRules

KEY_FIELD = "_key"  # each shown row's key as text: the row key of the table and of the edit actions

ACTIONS_SLOT = r"""
<q-td :props="props" auto-width>
  <q-btn flat dense round size="sm" icon="edit" title="Edit this row"
         @click="() => $parent.$emit('edit_row', props.row)" />
  <q-btn flat dense round size="sm" icon="delete" color="negative" title="Delete this row"
         @click="() => $parent.$emit('delete_row', props.row)" />
</q-td>
"""


def shown_header(column: str) -> str:
    """A column as the grid heads it: its name, or its header in the reader's language (`init --lang zh`)."""
    return i18n.header(column, i18n.current())


def register() -> None:
    @ui.page("/tabs/{slug}")
    async def tab_page(slug: str) -> None:
        actor = await signed_in()
        if actor is None:
            return
        tab_name = tab_from_path(slug)
        if tab_name is None:
            with frame("Not found", actor):
                ui.label(_("There is no tab called {slug!r}.", slug=slug))
                ui.link(_("Back to the dashboard"), "/")
            return
        with frame(tab_name, actor):
            refusal = why_not_read(actor, tab_name)
            if refusal:  # the rule is in processes.browse; this only says so instead of an empty grid
                ui.label(refusal).classes("text-negative").mark("not-readable")
                return
            TabView(tab_name, actor).build()


class TabView(ServerList):
    def __init__(self, tab_name: str, actor: Actor) -> None:
        self.tab_name = tab_name
        self.actor = actor
        self.rules: GridRules = sheet_edit.grid_rules(actor, tab_name)
        self.query = PageRequest()
        self.keys: dict[str, Any] = {}  # key text of a shown row -> its key
        self.records = 0  # records in the tab, as the last page read counted them

    def build(self) -> None:
        self._explain()
        with ui.row().classes("w-full items-end gap-4"):
            if self.rules.may_edit:
                ui.button(_("Add row"), icon="add", on_click=self.open_new)
            ui.input(_("Search"), on_change=self._on_search).props("clearable debounce=300 dense").classes(
                "w-64"
            )
            columns = {name: shown_header(name) for name in self.rules.tab.column_names}
            self.sort = ui.select(columns, label=_("Sort by"), on_change=self._on_sort).props(
                "dense clearable"
            )
            self.sort.classes("w-48")
            self.direction = ui.radio(
                {"asc": "A→Z", "desc": "Z→A"}, value="asc", on_change=self._on_sort
            ).props("inline dense")
            self.filter_column = ui.select(columns, label=_("Filter column"), on_change=self._on_filter)
            self.filter_column.props("dense clearable").classes("w-48")
            self.filter_text = ui.input(_("Contains"), on_change=self._on_filter).mark("filter-text")
            self.filter_text.props("clearable debounce=300 dense").classes("w-40")
            self.per_page = ui.select(list(PAGE_SIZES), value=50, label=_("Rows"), on_change=self._on_sort)
            self.per_page.props("dense").classes("w-20")
        self.reading_notice()
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    def _explain(self) -> None:
        if self.rules.may_edit:
            ui.label(
                _(
                    "Edit a row with its pencil, or add one. {key_note} Every change is checked and written to the Audit tab.",
                    key_note=self.rules.key_note,
                )
            ).classes("text-sm text-slate-500")
        else:
            ui.label(_("Read only: {why_not}", why_not=self.rules.why_not)).classes("text-sm text-slate-500")

    # the list ----------------------------------------------------------------

    async def _on_search(self, event) -> None:
        await self._ask(search=event.value or "")

    async def _on_sort(self) -> None:
        await self._ask(
            sort_by=self.sort.value,
            descending=self.direction.value == "desc",
            per_page=int(self.per_page.value or 50),
        )

    async def _on_filter(self) -> None:
        await self._ask(filter_column=self.filter_column.value, filter_text=self.filter_text.value or "")

    async def _go(self, page: int) -> None:
        await self._ask(page=page)

    async def refresh(self) -> None:
        page = await self.newest(self._page, self._reading_whole())
        if page is None:
            return  # refused (shown), or a newer search or sort was asked for while this one was read
        self.records = page.records
        self.body.clear()
        with self.body:
            self._issues(page)
            if not page.total:
                filtered = self.query.search or (self.query.filter_column and self.query.filter_text)
                ui.label(
                    _("No rows match the search.")
                    if filtered
                    else _("{tab} has no records yet.", tab=_(self.tab_name))
                ).classes("text-slate-500")
                return
            self._table(page)
            pager(page.page, page.pages, ngettext("{count:,} row", "{count:,} rows", page.total), self._go)

    def _reading_whole(self) -> str:
        """What the page says while a search, sort, filter or far page reads a big tab whole ("" if not)."""
        if not browse.reads_whole(runtime.workbook(), self.tab_name, self.query):
            return ""
        count, query = self.records, self.query
        if not count:
            return _("Reading the whole tab…")
        if query.search.strip():
            return ngettext(
                "Reading all {count:,} row to search…", "Reading all {count:,} rows to search…", count
            )
        if query.filter_column and query.filter_text.strip():
            return ngettext(
                "Reading all {count:,} row to filter…", "Reading all {count:,} rows to filter…", count
            )
        if query.sort_by:
            return ngettext(
                "Reading all {count:,} row to sort…", "Reading all {count:,} rows to sort…", count
            )
        return ngettext(
            "Reading all {count:,} row to show page {page:,}…",
            "Reading all {count:,} rows to show page {page:,}…",
            count,
            page=query.page,
        )

    def _page(self, workbook, query: PageRequest) -> Page:
        return browse.page_of(workbook, self.tab_name, query, by=self.actor)

    def _table(self, page: Page) -> None:
        self.keys = {_key_text(key): key for key in page.keys}
        rows = [{**row, KEY_FIELD: _key_text(key)} for row, key in zip(page.rows, page.keys, strict=True)]
        columns = [
            {"name": name, "label": shown_header(name), "field": name, "align": "left"}
            for name in page.columns
        ]
        if self.rules.may_edit:
            columns.insert(0, {"name": "actions", "label": "", "field": KEY_FIELD, "align": "left"})
        table = ui.table(columns=columns, rows=rows, row_key=KEY_FIELD)
        table.props("dense flat bordered hide-pagination :rows-per-page-options=[0]").classes("w-full")
        if self.rules.may_edit:
            table.add_slot("body-cell-actions", ACTIONS_SLOT)
            table.on("edit_row", lambda event: self.open_edit(event.args[KEY_FIELD]))
            table.on("delete_row", lambda event: self.confirm_delete(event.args[KEY_FIELD]))

    def _issues(self, page: Page) -> None:
        if not page.issues:
            return
        with ui.expansion(
            ngettext(
                "{count} row could not be read and is not shown",
                "{count} rows could not be read and are not shown",
                len(page.issues),
            ),
            icon="warning",
        ):
            for issue in page.issues[:50]:
                ui.label(str(issue)).classes("text-sm")

    # editing -----------------------------------------------------------------

    async def _fresh(self, key_text: str):
        """The row as it is in the sheet now (it becomes the base of the change), or None if refused."""
        key = self.keys.get(key_text, key_text)
        try:
            return await background(
                sheet_edit.row_for_edit, runtime.workbook(), self.tab_name, key, by=self.actor
            )
        except (ProcessError, SheetError) as refusal:
            show_error(str(refusal))
            return None

    def open_new(self) -> None:
        RowEditor(self, None).open()

    async def open_edit(self, key_text: str) -> None:
        record = await self._fresh(key_text)
        if record is not None:
            RowEditor(self, record).open()

    async def confirm_delete(self, key_text: str) -> None:
        record = await self._fresh(key_text)
        if record is None:
            return
        with ui.dialog() as dialog, ui.card().classes("gap-2"):
            ui.label(
                _("Delete {key_text} from {tab_name}?", key_text=key_text, tab_name=self.tab_name)
            ).classes("text-base font-semibold")
            ui.label(_("The Audit tab keeps every value it holds.")).classes("text-sm text-slate-500")
            error = ui.label().classes("text-negative text-sm")
            error.set_visibility(False)

            async def delete() -> None:
                try:
                    await background(
                        sheet_edit.delete_row,
                        runtime.workbook(),
                        self.tab_name,
                        record.id,
                        record,
                        by=self.actor,
                    )
                except (ProcessError, SheetError) as refusal:
                    error.set_text(str(refusal))
                    error.set_visibility(True)
                    return
                dialog.close()
                ui.notify(
                    _("Deleted {key_text} from {tab_name}", key_text=key_text, tab_name=self.tab_name),
                    type="positive",
                )
                await self.refresh()

            with ui.row().classes("gap-2"):
                ui.button(_("Delete"), color="negative", on_click=delete)
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
        dialog.open()


class RowEditor:
    """A dialog with one field per column the grid may set; empty to add a row."""

    def __init__(self, view: TabView, record) -> None:
        self.view = view
        self.record = record  # the row as shown in the form: the base of the edit (None: a new row)

    def open(self) -> None:
        rules, adding = self.view.rules, self.record is None
        editable = [c for c in rules.field_columns() if rules.locked_reason(c.name, self.record) is None]
        locked = [c for c in rules.field_columns() if rules.locked_reason(c.name, self.record) is not None]
        title = (
            _("New row in {tab}", tab=_(rules.tab.name))
            if adding
            else _("Edit {key}", key=_key_text(self.record.id))
        )
        with ui.dialog() as self.dialog, ui.card().classes("w-full max-w-3xl gap-2"):
            ui.label(title).classes("text-base font-semibold")
            self.form = RecordForm(rules.tab, editable, self.record)
            self.shown = self.form.values()  # what the form showed: only cells changed from it are sent
            for column in locked:
                self._locked_line(column, rules.locked_reason(column.name, self.record) or "")
            self.error = ui.label().classes("text-negative text-sm")
            self.error.set_visibility(False)
            with ui.row().classes("gap-2"):
                ui.button(_("Save"), on_click=self.save)
                ui.button(_("Cancel"), on_click=self.dialog.close).props("flat")
        self.dialog.open()

    def _locked_line(self, column, reason: str) -> None:
        value = (
            ""
            if self.record is None
            else browse.display(self.view.rules.tab, column.name, self.record[column.name])
        )
        shown = f": {value}" if value else ""
        ui.label(f"{label_for(column)}{shown} — {reason}").classes("text-sm text-slate-500")

    def changes(self) -> dict[str, Any]:
        values = self.form.values()
        return {name: value for name, value in values.items() if value != self.shown.get(name)}

    async def save(self) -> None:
        workbook, tab_name, actor = runtime.workbook(), self.view.tab_name, self.view.actor
        try:
            if self.record is None:
                saved = await background(sheet_edit.add_row, workbook, tab_name, self.form.values(), by=actor)
            else:
                changes = self.changes()
                if not changes:
                    ui.notify(_("Nothing was changed."))
                    self.dialog.close()
                    return
                saved = await background(
                    sheet_edit.edit_cells, workbook, tab_name, self.record.id, changes, self.record, by=actor
                )
        except (ProcessError, SheetError) as refusal:
            self.form.show_error(refusal)  # the form keeps what was typed; nothing was saved
            self.error.set_text(str(refusal))
            self.error.set_visibility(True)
            return
        self.dialog.close()
        ui.notify(
            _("Saved {key_text} in {tab_name}", key_text=_key_text(saved.id), tab_name=tab_name),
            type="positive",
        )
        await self.view.refresh()


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) else "/".join(map(str, key))
