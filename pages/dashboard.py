"""The home page: what waits on me, my alerts, today's figures, and how many records each tab holds.

Everything on it comes from one read of the workbook (processes.tasks.home),
off the event loop.
"""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import background
from pages.frame import AREAS, frame, tab_path
from pages.fullness import show_fullness
from pages.links import record_path
from processes import SheetError, declarations, runtime, tasks
from processes.browse import Attention, TabCount
from processes.permissions import Actor
from processes.tasks import Figure, Home, Task
from sheets.table import Record

#: Tasks listed per role; the rest are counted.
SHOWN_TASKS = 15
ROLE_HEADINGS = {"admin": N_("Needs an admin"), "manager": N_("Needs a manager"), "staff": N_("Staff work")}
_SEVERITY_COLOUR = {"breach": "negative", "warning": "warning", "info": "info"}


def register() -> None:
    @ui.page("/")
    async def dashboard() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Dashboard", actor):
            workbook = runtime.workbook()
            ui.label(_("Record: {describe_backend}", describe_backend=describe_backend(workbook))).classes(
                "text-sm text-slate-500"
            )
            await show_fullness(workbook)
            try:
                seen = await background(tasks.home, workbook, actor)
            except SheetError as error:
                ui.label(str(error)).classes("text-negative")
                return
            show_home(seen, actor)


def show_home(seen: Home, actor: Actor) -> None:
    show_attention(seen.attention)
    with ui.grid(columns="repeat(auto-fit, minmax(340px, 1fr))").classes("w-full gap-4 items-start"):
        show_tasks(seen.tasks, actor)
        with ui.column().classes("gap-4"):
            show_alerts(seen.alerts)
            show_figures(seen.figures)
    show_counts(seen.counts, actor)


def show_tasks(waiting: list[Task], actor: Actor) -> None:
    with ui.card().classes("gap-2").mark("tasks"):
        ui.label(_("Waiting on you")).classes("text-base font-semibold")
        if not waiting:
            ui.label(_("Nothing waits on you right now.")).classes("text-slate-500").mark("no-tasks")
            return
        for role in tasks.roles_of(actor):
            mine = [task for task in waiting if task.role == role]
            if not mine:
                continue
            if len(tasks.roles_of(actor)) > 1:
                ui.label(
                    _("{heading} ({count})", heading=_(ROLE_HEADINGS.get(role, role)), count=len(mine))
                ).classes("text-xs uppercase tracking-wide text-slate-500 mt-2")
            for task in mine[:SHOWN_TASKS]:
                show_task(task)
            if len(mine) > SHOWN_TASKS:
                ui.label(
                    _("… and {value} more, the most urgent shown first", value=len(mine) - SHOWN_TASKS)
                ).classes("text-sm text-slate-500")


def show_task(task: Task) -> None:
    with ui.row().classes("w-full items-baseline gap-2 no-wrap").mark(f"task-{task.ref}"):
        ui.label(_(task.procedure)).classes("text-xs text-slate-500 w-28 shrink-0")
        with ui.column().classes("gap-0 grow"):
            with ui.row().classes("items-baseline gap-2"):
                ui.link(task.ref, step_page(task)).classes("font-mono text-sm")
                if task.records > 1:
                    ui.label(ngettext("{count} line", "{count} lines", task.records)).classes(
                        "text-xs text-slate-500"
                    )
                if task.about:
                    ui.label(task.about).classes("text-sm truncate max-w-xs")
            ui.label(f"{i18n.value(task.state)}: {' / '.join(_(step) for step in task.steps)}").classes(
                "text-xs text-slate-600"
            )
        with ui.column().classes("gap-0 items-end shrink-0"):
            if task.left is not None:
                ui.label(time_left(task.left)).classes(
                    "text-sm tabular-nums font-medium " + ("text-negative" if task.overdue else "")
                ).mark(f"due-{task.ref}")
            ui.label(
                _("waited {duration}", duration=waited(task.waited))
                if task.left is not None
                else waited(task.waited)
            ).classes("text-xs tabular-nums text-slate-500").mark(f"waited-{task.ref}")


def step_page(task: Task) -> str:
    if task.procedure == declarations.STOCKTAKE.name:  # a stocktake task is a whole session
        return f"/inventory/stocktake/{task.ref}"
    return record_path(task.ref) or "/"


def time_left(left: timedelta) -> str:
    """Until the deadline, or past it: '5 h 10 min left', 'overdue by 2 d 3 h'."""
    if left < timedelta(0):
        return _("overdue by {duration}", duration=waited(-left))
    return _("{duration} left", duration=waited(left))


def waited(duration: timedelta | None) -> str:
    """How long something has waited, to the unit that matters: '3 d 4 h', '5 h 10 min', '12 min'."""
    if duration is None:
        return _("since ?")
    minutes = int(duration.total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return _("{days} d {hours} h", days=days, hours=hours)
    if hours:
        return _("{hours} h {minutes} min", hours=hours, minutes=minutes)
    return _("{minutes} min", minutes=minutes)


def show_alerts(mine: list[Record]) -> None:
    with ui.card().classes("w-full gap-2").mark("my-alerts"):
        with ui.row().classes("w-full items-center"):
            ui.label(_("Your alerts")).classes("text-base font-semibold")
            ui.space()
            ui.link(_("All alerts"), "/alerts").classes("text-sm")
        if not mine:
            ui.label(_("No open alerts for your role.")).classes("text-slate-500")
        for alert in mine:
            severity = alert.severity or "warning"
            with ui.row().classes("w-full items-baseline gap-2 no-wrap"):
                ui.badge(i18n.value(severity), color=_SEVERITY_COLOUR.get(severity, "grey"))
                ui.label(alert.message or alert.kind or alert.key).classes("text-sm")


def show_figures(figures: list[Figure]) -> None:
    with ui.card().classes("w-full gap-1").mark("today"):
        ui.label(_("Today so far")).classes("text-base font-semibold")
        for figure in figures:
            with ui.row().classes("w-full justify-between"):
                ui.label(_(figure.label))
                amount = f" ({figure.amount:,.2f})" if figure.amount else ""
                ui.label(f"{figure.value:,}{amount}").classes("tabular-nums").mark(
                    f"today-{figure.label.replace(' ', '-')}"
                )


def show_counts(counts: list[TabCount], actor: Actor) -> None:
    by_name = {count.name: count for count in counts}
    issues = sum(count.issues for count in counts)
    if issues:
        with ui.row().classes("items-center gap-2"):
            ui.icon("warning", color="warning")
            ui.link(
                ngettext("{count} data issue needs a look", "{count} data issues need a look", issues),
                "/issues",
            )
    ui.label(_("Records")).classes("text-base font-semibold mt-2")
    with ui.grid(columns="repeat(auto-fill, minmax(260px, 1fr))").classes("w-full gap-4"):
        for area, tab_names in AREAS.items():
            with ui.card().classes("gap-1"):
                ui.label(_(area)).classes("text-base font-semibold")
                for name in tab_names:
                    count = by_name[name]
                    with ui.row().classes("w-full justify-between"):
                        if actor.may_read(name):
                            ui.link(_(name), tab_path(name))
                        else:  # how many rows it has is no secret; the rows are (processes.permissions)
                            ui.label(_(name)).classes("text-slate-500")
                        shown = "—" if count.records is None else f"{count.records:,}"
                        ui.label(shown).classes("tabular-nums").props(f'data-testid="count-{name}"')


def describe_backend(workbook) -> str:
    backend = workbook.backend
    if backend.kind == "google":
        return _("Google spreadsheet {spreadsheet_id}", spreadsheet_id=backend.spreadsheet.id)
    return _("local workbook {file}", file=backend.path.name)


def show_attention(seen: Attention) -> None:
    """Open alerts, and messages that wait because no mail server is configured."""
    if seen.open_alerts:
        with ui.row().classes("items-center gap-2"):
            ui.icon("notifications_active", color="negative" if seen.breaches else "warning")
            ui.link(
                (
                    ngettext(
                        "{count} open alert, {breaches} past a deadline",
                        "{count} open alerts, {breaches} past a deadline",
                        seen.open_alerts,
                        breaches=seen.breaches,
                    )
                    if seen.breaches
                    else ngettext("{count} open alert", "{count} open alerts", seen.open_alerts)
                ),
                "/alerts",
            )
    if seen.messages_waiting and not runtime.smtp_configured():
        ui.label(
            ngettext(
                "{count} customer message waiting: SMTP is not configured (set FLOWSHEET_SMTP_HOST and FLOWSHEET_SMTP_FROM; see README).",
                "{count} customer messages waiting: SMTP is not configured (set FLOWSHEET_SMTP_HOST and FLOWSHEET_SMTP_FROM; see README).",
                seen.messages_waiting,
            )
        ).classes("text-sm text-slate-600")
