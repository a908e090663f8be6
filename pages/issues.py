"""Data issues: rows people typed that the app cannot read, and what to do about them."""

from __future__ import annotations

from nicegui import ui

from i18n import _, ngettext
from pages.auth import signed_in
from pages.common import background
from pages.frame import frame
from pages.fullness import show_fullness
from processes import DataIssue, SheetError, data_issues, runtime


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
            await show_issues(every_row=False)


async def show_issues(every_row: bool) -> None:
    """The issues of the tabs read on this view; of big ones, what the scheduled checks last found."""
    try:
        seen = await background(data_issues.issues_seen, runtime.workbook(), every_row)
    except SheetError as error:
        ui.label(str(error)).classes("text-negative")
        return
    if seen.unread:
        show_unread(seen)
    if not seen.issues:
        if seen.unread:
            ui.label(_("Every row of the other tabs can be read.")).classes("text-positive")
        else:
            ui.label(_("No data issues: every row can be read.")).classes("text-positive")
        return
    show_found(seen.issues)


def show_unread(seen: data_issues.IssuesSeen) -> None:
    """Big tabs are not read on every view: what the scheduled checks said, and a whole check on demand."""
    with ui.card().classes("w-full gap-2").mark("unread"):
        ui.label(
            _(
                "{tabs} hold too many rows to read on every view. What the scheduled checks last found in them:",
                tabs=", ".join(_(name) for name in seen.unread),
            )
        ).classes("text-sm")
        for message in seen.reported:
            ui.label(message).classes("text-sm text-warning")
        if not seen.reported:
            ui.label(_("Nothing: every row they read could be read.")).classes("text-sm text-slate-500")
        whole = ui.column().classes("w-full gap-2")

        async def check_every_row() -> None:
            button.disable()
            whole.clear()
            with whole:
                ui.label(_("Reading every row of the workbook…")).classes("text-sm text-slate-500")
            try:
                found = await background(data_issues.issues_seen, runtime.workbook(), True)
            except SheetError as error:
                whole.clear()
                with whole:
                    ui.label(str(error)).classes("text-negative")
                button.enable()
                return
            whole.clear()
            with whole:
                if found.issues:
                    show_found(found.issues)
                else:
                    ui.label(_("No data issues: every row can be read.")).classes("text-positive")
            button.enable()

        button = ui.button(_("Check every row now"), on_click=check_every_row).props("outline")


def show_found(issues: list[DataIssue]) -> None:
    ui.label(ngettext("{count} data issue", "{count} data issues", len(issues))).classes("font-semibold")
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
