"""Export a tab or the whole workbook as CSV or .xlsx, downloaded from the page.

The file is built by processes.export off the event loop; the rule there
decides which tabs the user may export, and this page only offers those.
"""

from __future__ import annotations

from nicegui import ui

from i18n import N_, _
from pages.auth import signed_in
from pages.common import call
from pages.frame import frame
from processes import export
from processes.permissions import Actor, why_not_read
from sheets.tabs import ALL_TABS

FORMAT_LABELS = {"xlsx": N_("Excel workbook (.xlsx)"), "csv": N_("CSV (one tab)")}


def register() -> None:
    @ui.page("/export")
    async def export_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Export", actor):
            ExportView(actor).build()


class ExportView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def build(self) -> None:
        ui.label(
            _(
                "Download the record as it is in the spreadsheet: every row and column, the ones people added "
                "included. A CSV file holds one tab; an Excel workbook holds one sheet per tab."
            )
        ).classes("text-slate-600")
        tabs = {export.WHOLE_WORKBOOK: _("Whole workbook")} | {
            name: _(name) for name in export.tabs_for(self.actor)
        }
        with ui.row().classes("items-end gap-4"):
            self.tab = (
                ui.select(tabs, value=export.WHOLE_WORKBOOK, label=_("What")).classes("w-64").mark("tab")
            )
            formats = {key: _(label) for key, label in FORMAT_LABELS.items()}
            self.format = ui.radio(formats, value="xlsx").props("inline").mark("format")
            ui.button(_("Download"), icon="download", on_click=self.download).mark("download")
        refusals = [why_not_read(self.actor, tab.name) for tab in ALL_TABS if tab.name not in tabs]
        if refusals:
            ui.label(_("Not offered: {reasons}", reasons=" ".join(filter(None, refusals)))).classes(
                "text-sm text-slate-500"
            ).mark("not-offered")
        ui.label(
            _(
                "Text that begins with = + - or @ stays text, so no spreadsheet program runs it as a formula: "
                "in CSV it gets a leading apostrophe ('=SUM(A1)), in Excel it is stored as text."
            )
        ).classes("text-sm text-slate-500")
        self.result = ui.label().classes("text-sm").mark("result")

    async def download(self) -> None:
        self.result.text = ""
        ok, made = await call(
            export.export, by=self.actor, tab=self.tab.value or "", file_format=self.format.value
        )
        if not ok:
            return
        ui.download.content(made.content, made.filename, made.media_type)
        left_out = f" Left out: {'; '.join(made.left_out)}." if made.left_out else ""
        self.result.text = f"Downloaded {made.filename} ({made.contents()}).{left_out}"
