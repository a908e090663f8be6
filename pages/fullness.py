"""How full the spreadsheet is, as the dashboard and the Data issues page show it."""

from __future__ import annotations

from nicegui import ui

from pages.common import background
from processes import SheetError
from processes.archive.fullness import fullness
from sheets.workbook import Workbook


async def show_fullness(workbook: Workbook) -> None:
    """One line: cells used of the budget; in the warning colour past the warning share."""
    try:
        seen = await background(fullness, workbook)
    except SheetError as error:
        ui.label(str(error)).classes("text-sm text-negative")
        return
    with ui.row().classes("items-center gap-2").mark("fullness"):
        ui.icon("warning" if seen.warning else "storage", color="warning" if seen.warning else "grey")
        ui.label(seen.sentence()).classes("text-sm " + ("text-warning" if seen.warning else "text-slate-500"))
