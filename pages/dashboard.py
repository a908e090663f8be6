"""The home page: how many records each tab holds, and whether any need attention."""

from __future__ import annotations

from nicegui import run, ui

from pages.auth import signed_in
from pages.frame import AREAS, frame, tab_path
from processes import SheetError, browse, runtime


def register() -> None:
    @ui.page("/")
    async def dashboard() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Dashboard", actor):
            workbook = runtime.workbook()
            ui.label(f"Record: {describe_backend(workbook)}").classes("text-sm text-slate-500")
            try:
                counts = await run.io_bound(browse.tab_counts, workbook)
            except SheetError as error:
                ui.label(str(error)).classes("text-negative")
                return
            by_name = {count.name: count for count in counts}
            issues = sum(count.issues for count in counts)
            await show_attention(workbook)
            if issues:
                with ui.row().classes("items-center gap-2"):
                    ui.icon("warning", color="warning")
                    ui.link(f"{issues} data issue(s) need a look", "/issues")
            with ui.grid(columns="repeat(auto-fill, minmax(260px, 1fr))").classes("w-full gap-4"):
                for area, tab_names in AREAS.items():
                    with ui.card().classes("gap-1"):
                        ui.label(area).classes("text-base font-semibold")
                        for name in tab_names:
                            count = by_name[name]
                            with ui.row().classes("w-full justify-between"):
                                ui.link(name, tab_path(name))
                                ui.label(f"{count.records:,}").classes("tabular-nums").props(
                                    f'data-testid="count-{name}"'
                                )


def describe_backend(workbook) -> str:
    backend = workbook.backend
    if backend.kind == "google":
        return f"Google spreadsheet {backend.spreadsheet.id}"
    return f"local workbook {backend.path.name}"


async def show_attention(workbook) -> None:
    """Open alerts, and messages that wait because no mail server is configured."""
    try:
        seen = await run.io_bound(browse.attention, workbook)
    except SheetError:
        return
    if seen.open_alerts:
        with ui.row().classes("items-center gap-2"):
            ui.icon("notifications_active", color="negative" if seen.breaches else "warning")
            breaches = f", {seen.breaches} past a deadline" if seen.breaches else ""
            ui.link(f"{seen.open_alerts} open alert(s){breaches}", "/alerts")
    if seen.messages_waiting and not runtime.smtp_configured():
        ui.label(
            f"{seen.messages_waiting} customer message(s) waiting: SMTP is not configured "
            "(set FLOWSHEET_SMTP_HOST and FLOWSHEET_SMTP_FROM; see README)."
        ).classes("text-sm text-slate-600")
