"""Importing an orders file: upload, map the columns (a Shopify export needs none), watch it go, read the report."""

from __future__ import annotations

from nicegui import events, ui

import i18n
from i18n import _
from pages.common import call
from processes import master_data, orders
from processes.orders import FIELDS, REQUIRED_FIELDS, FileProblem, ImportReport, header_of, is_shopify
from processes.permissions import Actor

CHANNELS = ("shopify", "marketplace", "phone", "manual")


class ImportView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.data: bytes | None = None
        self.file_name = ""
        self.fraction = 0.0
        self.stage = ""
        self.mapping: dict[str, ui.select] = {}
        self.running = False
        self.channel: ui.select | None = None

    async def build(self) -> None:
        ok, locations = await call(master_data.choices, master_data.LOCATION)
        ui.label(
            _(
                "Upload Shopify's orders export as it is, or any CSV file and say which column holds what. "
                "Importing the same file again adds nothing; a changed payment status is brought up to date."
            )
        ).classes("text-sm text-slate-600 max-w-3xl")
        ui.upload(label=_("Orders file (.csv)"), auto_upload=True, on_upload=self.on_upload).props(
            "accept=.csv,.tsv,.txt,text/csv,text/tab-separated-values"  # a tab-separated export reads too
        ).classes("w-96")
        self.location = (
            ui.select(locations or {}, label=_("Ships from (optional)")).props("clearable").classes("w-72")
        )
        self.setup = ui.column().classes("w-full gap-2")
        self.progress = ui.linear_progress(value=0, show_value=False).classes("w-96")
        self.progress.visible = False
        self.stage_label = ui.label().classes("text-sm text-slate-600")
        self.result = ui.column().classes("w-full gap-1")
        ui.timer(0.2, self._show_progress)

    async def on_upload(self, event: events.UploadEventArguments) -> None:
        """A file arrived: read its columns; a Shopify export is ready to import, another asks for a mapping."""
        self.data = await event.file.read()
        self.file_name = event.file.name
        self.result.clear()
        self.setup.clear()
        self.mapping = {}
        try:
            columns = header_of(self.data)
        except FileProblem as problem:
            self._report(ImportReport(fatal=str(problem)))
            self.data = None
            return
        with self.setup:
            if is_shopify(columns):
                ui.label(_("{file_name}: a Shopify orders export.", file_name=self.file_name)).mark(
                    "file-kind"
                )
                self.channel = None
            else:
                ui.label(
                    _("{file_name}: say which column holds what (* is needed).", file_name=self.file_name)
                ).mark("file-kind")
                with ui.grid(columns="repeat(auto-fill, minmax(240px, 1fr))").classes("w-full gap-x-4"):
                    for name, label in FIELDS.items():
                        guess = next((c for c in columns if c.casefold() == name.replace("_", " ")), None)
                        self.mapping[name] = ui.select(
                            columns, label=f"{label}{' *' if name in REQUIRED_FIELDS else ''}", value=guess
                        ).props("clearable")
                self.channel = ui.select(
                    {channel: i18n.value(channel) for channel in CHANNELS},
                    value="marketplace",
                    label=_("Channel"),
                ).classes("w-48")
            ui.button(_("Import"), on_click=self.run_import).mark("run-import")

    async def run_import(self) -> None:
        if self.data is None or self.running:
            return
        mapping = (
            {name: field.value for name, field in self.mapping.items() if field.value}
            if self.mapping
            else None
        )
        self.running, self.fraction, self.stage = True, 0.0, "starting"
        self.progress.visible = True
        self.result.clear()
        try:
            ok, report = await call(
                orders.import_orders,
                self.data,
                by=self.actor,
                mapping=mapping,
                channel=self.channel.value if self.channel is not None else None,
                location_id=self.location.value or "",
                progress=self._progress,
            )
        finally:
            self.running = False
        if ok:
            self._report(report)

    def _progress(self, fraction: float, words: str) -> None:
        """Called from the import's worker thread; the timer shows it."""
        self.fraction, self.stage = fraction, words

    def _show_progress(self) -> None:
        if self.progress.visible:
            self.progress.value = self.fraction
            self.stage_label.text = self.stage if self.running else ""

    def _report(self, report: ImportReport) -> None:
        self.progress.visible = self.running
        with self.result:
            ui.label(report.summary()).classes(
                "font-semibold "
                + ("text-negative" if report.fatal else "text-positive" if report.clean else "")
            ).mark("import-summary")
            for arrival in report.arrived_cancelled:
                ui.label(str(arrival)).classes("text-sm").mark("arrived-cancelled")
            for problem in report.problems:
                ui.label(str(problem)).classes("text-sm text-negative")
        ui.notify(
            report.summary(), type="negative" if report.fatal else "positive" if report.clean else "warning"
        )
