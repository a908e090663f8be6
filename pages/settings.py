"""The Settings page: every threshold with its meaning, unit and default, and the value in force.

Managers change a value here; the rule (processes.settings.update_setting)
checks it, refuses staff, and refuses a value someone changed in the sheet
since the page showed it. A value a person mistyped in the sheet is shown as
wrong, with what is wrong and the default in force instead.
"""

from __future__ import annotations

from nicegui import ui

from i18n import _
from pages.auth import signed_in
from pages.common import background, call
from pages.frame import frame, show_error
from processes import SheetError, runtime
from processes import settings as rules
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.settings import ChangedMeanwhile, SettingInForce


def register() -> None:
    @ui.page("/settings")
    async def settings_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Settings", actor):
            SettingsView(actor).build()


class SettingsView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.read_only = rules.why_read_only(actor)

    def build(self) -> None:
        ui.label(
            _(
                "Thresholds and deadlines the procedures and the scheduled checks use. "
                "They live in the Settings tab of the spreadsheet; a value typed there directly counts too."
            )
        ).classes("text-slate-600")
        if self.read_only:
            ui.label(
                _("You can look at the settings but not change them. {read_only}", read_only=self.read_only)
            ).classes("text-warning").mark("read-only")
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        ok, areas = await call(rules.settings_by_area)
        if not ok:
            return
        self.body.clear()
        with self.body:
            for area, settings in areas.items():
                with ui.card().classes("w-full gap-1").mark(f"area-{area}"):
                    ui.label(_(area)).classes("text-lg font-semibold")
                    for setting in settings:
                        self._row(setting)

    def _row(self, setting: SettingInForce) -> None:
        with ui.row().classes("w-full items-start gap-4 border-b py-2 no-wrap"):
            with ui.column().classes("gap-0 flex-1 min-w-0"):
                ui.label(_(setting.description)).classes("font-medium")
                ui.label(
                    _(
                        "{key} · in {unit} · default {default_text}",
                        key=setting.key,
                        unit=_(setting.unit),
                        default_text=setting.default_text,
                    )
                ).classes("text-xs text-slate-500")
                if setting.problem:
                    ui.label(
                        _(
                            "The sheet holds {typed!r}: {problem}.",
                            typed=setting.typed,
                            problem=setting.problem,
                        )
                    ).classes("text-sm text-negative").mark(f"problem-{setting.key}")
            ui.label(rules.amount(setting.value, setting.unit)).classes("w-32 font-semibold").mark(
                f"in-force-{setting.key}"
            )
            if not self.read_only:
                self._editor(setting)

    def _editor(self, setting: SettingInForce) -> None:
        field = ui.input(_("New value"), value=rules.show_value(setting.value)).props("dense").classes("w-32")
        field.mark(f"value-{setting.key}")
        error = ui.label().classes("text-sm text-negative w-64").mark(f"error-{setting.key}")
        ui.button(_("Save"), on_click=lambda: self._save(setting, field, error)).props("dense").mark(
            f"save-{setting.key}"
        )

    async def _save(self, shown: SettingInForce, field: ui.input, error: ui.label) -> None:
        """Save one value; a refusal keeps what was typed, a change made meanwhile in the sheet is shown."""
        error.text = ""
        try:
            saved = await background(
                rules.update_setting,
                runtime.workbook(),
                shown.key,
                field.value or "",
                by=self.actor,
                base=shown,
            )
        except ChangedMeanwhile as conflict:
            show_error(str(conflict))
            await self.refresh()
            return
        except (ProcessError, SheetError) as refusal:
            error.text = str(refusal)
            show_error(str(refusal))
            return
        ui.notify(
            _(
                "{description}: {amount} saved",
                description=_(saved.description),
                amount=rules.amount(saved.value, saved.unit),
            ),
            type="positive",
        )
        await self.refresh()
