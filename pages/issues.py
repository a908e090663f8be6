"""Data issues: rows people typed that the app cannot read, and what to do about them."""

from __future__ import annotations

from nicegui import ui

from i18n import _, ngettext
from pages.auth import signed_in
from pages.common import background
from pages.frame import frame
from pages.fullness import show_fullness
from processes import DataIssue, SheetError, browse, runtime


def register() -> None:
    @ui.page("/issues")
    async def issues_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Data issues", actor):
            ui.label(
                _(
                    "These rows are skipped by every page and job, and left exactly as they are. "
                    "Fix them in the sheet; they disappear here on the next read."
                )
            ).classes("text-slate-600")
            await show_fullness(runtime.workbook())
            try:
                issues = await background(browse.data_issues, runtime.workbook())
            except SheetError as error:
                ui.label(str(error)).classes("text-negative")
                return
            if not issues:
                ui.label(_("No data issues: every row can be read.")).classes("text-positive")
                return
            ui.label(ngettext("{count} data issue", "{count} data issues", len(issues))).classes(
                "font-semibold"
            )
            for tab_name, tab_issues in group_by_tab(issues).items():
                with ui.card().classes("w-full gap-1"):
                    ui.label(f"{_(tab_name)} · {len(tab_issues)}").classes("font-semibold")
                    for issue in tab_issues[:SHOWN_PER_TAB]:
                        ui.label(describe(issue)).classes("text-sm")
                    if len(tab_issues) > SHOWN_PER_TAB:
                        ui.label(
                            _(
                                "… and {value} more: run `python app.py check`",
                                value=len(tab_issues) - SHOWN_PER_TAB,
                            )
                        )


SHOWN_PER_TAB = 100


def group_by_tab(issues: list[DataIssue]) -> dict[str, list[DataIssue]]:
    grouped: dict[str, list[DataIssue]] = {}
    for issue in issues:
        grouped.setdefault(issue.tab, []).append(issue)
    return grouped


def describe(issue: DataIssue) -> str:
    where = [f"row {issue.row}"] if issue.row else []
    if issue.column:
        where.append(f"column {issue.column}")
    return f"{', '.join(where).capitalize() or 'Whole tab'}: {issue.reason}"
