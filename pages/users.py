"""Managing logins in the app: list, add, disable or enable, set a new password (managers and admins)."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import _
from pages.auth import signed_in
from pages.common import background
from pages.frame import frame
from processes import runtime
from processes.errors import ProcessError
from processes.permissions import ROLES, Actor, Permission


def register() -> None:
    @ui.page("/users")
    async def users_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Users", actor):
            if not actor.may(Permission.MANAGE_USERS):
                ui.label(_("Only a manager or an admin may manage users.")).classes("text-negative")
                return
            UsersView(actor).build()


class UsersView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def build(self) -> None:
        with ui.card().classes("w-full max-w-xl gap-2"):
            ui.label(_("New login")).classes("font-semibold")
            with ui.row().classes("w-full items-end gap-2"):
                self.name = ui.input(_("User name")).classes("w-40")
                self.role = ui.select(
                    {role: i18n.value(role) for role in ROLES}, value="staff", label=_("Role")
                ).classes("w-32")
                self.password = ui.input(_("Password"), password=True, password_toggle_button=True).classes(
                    "w-48"
                )
                ui.button(_("Add"), on_click=self.add)
        self.list = ui.column().classes("w-full gap-1")
        ui.timer(0, self.refresh, once=True)

    async def _act(self, action, *args, done: str) -> bool:
        try:
            await background(action, *args, by=self.actor)
        except ProcessError as refusal:
            ui.notify(str(refusal), type="negative")
            return False
        ui.notify(done, type="positive")
        await self.refresh()
        return True

    async def add(self) -> None:
        name = (self.name.value or "").strip()
        added = await self._act(
            runtime.accounts().add_user,
            name,
            self.role.value,
            self.password.value or "",
            done=_("{name} can log in now", name=name),
        )
        if added:
            self.name.value = self.password.value = ""

    async def refresh(self) -> None:
        try:
            users = await background(runtime.accounts().list_users, by=self.actor)
        except ProcessError as refusal:
            ui.notify(str(refusal), type="negative")
            return
        self.list.clear()
        with self.list:
            for user in users:
                with ui.row().classes("w-full items-center gap-4 border-b py-1"):
                    ui.label(user.name).classes("w-40 font-medium")
                    ui.label(_(user.role)).classes("w-24")
                    ui.label(_("active") if user.active else _("disabled")).classes(
                        "w-24 " + ("text-positive" if user.active else "text-slate-500")
                    )
                    self._row_actions(user)

    def _row_actions(self, user) -> None:
        accounts = runtime.accounts()
        ui.button(
            _("Disable {name}", name=user.name) if user.active else _("Enable {name}", name=user.name),
            on_click=lambda u=user: self._act(
                accounts.set_active,
                u.name,
                not u.active,
                done=_("{name} disabled", name=u.name) if u.active else _("{name} enabled", name=u.name),
            ),
        ).props("flat dense")
        new_password = (
            ui.input(_("New password for {name}", name=user.name), password=True)
            .props("dense")
            .classes("w-48")
        )
        ui.button(
            _("Set"),
            on_click=lambda u=user, field=new_password: self._act(
                accounts.change_password,
                u.name,
                field.value or "",
                done=_("new password set for {name}", name=u.name),
            ),
        ).props("flat dense")
