"""Data issues: rows people typed that the app cannot read, and what to do about them."""

from __future__ import annotations

from nicegui import run, ui

from pages.frame import frame
from processes import browse, runtime
from sheets.errors import SheetError


def register() -> None:
    @ui.page("/issues")
    async def issues_page() -> None:
        with frame("Data issues"):
            ui.label(
                "These rows are skipped by every page and job, and left exactly as they are. "
                "Fix them in the sheet; they disappear here on the next read."
            ).classes("text-slate-600")
            try:
                issues = await run.io_bound(browse.data_issues, runtime.workbook())
            except SheetError as error:
                ui.label(str(error)).classes("text-negative")
                return
            if not issues:
                ui.label("No data issues: every row can be read.").classes("text-positive")
                return
            columns = [
                {"name": name, "label": name.capitalize(), "field": name, "align": "left"}
                for name in ("tab", "row", "column", "reason")
            ]
            rows = [
                {"id": index, "tab": i.tab, "row": i.row or "", "column": i.column or "", "reason": i.reason}
                for index, i in enumerate(issues)
            ]
            ui.table(columns=columns, rows=rows, row_key="id", pagination=50).props("dense flat bordered")
