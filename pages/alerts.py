"""The alerts the scheduled checks raise: filters, one page read on the server, and acknowledging.

Open alerts come first and breaches first among them. Managers see an
Acknowledge button on each open alert; the rule (processes.alerts.acknowledge)
refuses anybody else, and refuses an alert someone changed since the page read it.
"""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import _, ngettext
from pages.auth import signed_in
from pages.common import ServerList, call, pager, when
from pages.frame import frame
from pages.links import record_path
from processes import alerts
from processes.alerts import AlertQuery
from processes.permissions import Actor, Permission
from sheets.table import Record
from sheets.tabs import ALERT_OPEN, ALERTS

#: The filters' choices, as the Alerts tab spells them; shown through i18n.value.
STATUSES = (*ALERTS.column("status").choices, "all")
SEVERITIES = ("all", "breach", "warning", "info")
OWNER_ROLES = ("all", "staff", "manager", "admin")
_SEVERITY_COLOUR = {"breach": "negative", "warning": "warning", "info": "info"}


class AlertList(ServerList):
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.query = AlertQuery()

    def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            self._filter("Status", STATUSES, "status")
            self._filter("Severity", SEVERITIES, "severity")
            self._filter("Owner", OWNER_ROLES, "owner_role")
            ui.input(_("Search"), on_change=lambda e: self._ask(search=e.value or "")).props(
                "clearable debounce=300 dense"
            ).classes("w-64").mark("alert-search")
        self.body = ui.column().classes("w-full gap-2")
        ui.timer(0, self.refresh, once=True)

    def _filter(self, label: str, options: tuple[str, ...], field: str) -> None:
        ui.select(
            {option: i18n.value(option).capitalize() for option in options},
            value=getattr(self.query, field),
            label=_(label),
            on_change=lambda e: self._ask(**{field: e.value or "all"}),
        ).props("dense").classes("w-40").mark(f"alert-{field}")

    async def refresh(self) -> None:
        page = await self.newest(alerts.alert_page)
        if page is None:
            return
        self.body.clear()
        with self.body:
            if page.unreadable:
                ui.label(
                    ngettext(
                        "{count} alert row could not be read and is not shown; see Data issues.",
                        "{count} alert rows could not be read and are not shown; see Data issues.",
                        page.unreadable,
                    )
                )
            if not page.total:
                ui.label(
                    _(
                        "No alerts match. The checks run every few minutes; a condition that clears resolves its alert."
                    )
                ).classes("text-slate-500").mark("no-alerts")
                return
            for alert in page.alerts:
                self._row(alert)
            pager(
                page.page,
                page.pages,
                ngettext("{count:,} alert", "{count:,} alerts", page.total),
                lambda number: self._ask(page=number),
            )

    def _row(self, alert: Record) -> None:
        severity = alert.severity or "warning"
        with ui.card().classes("w-full p-3").mark(f"alert-{alert.alert_id}"):
            with ui.row().classes("w-full items-center gap-3"):
                ui.badge(i18n.value(severity), color=_SEVERITY_COLOUR.get(severity, "grey"))
                ui.label(alert.message or alert.kind or alert.key).classes("font-medium").mark(
                    "alert-message"
                )
                ui.space()
                ui.label(i18n.value(alert.status or ALERT_OPEN)).classes("text-sm").mark(
                    f"status-{alert.alert_id}"
                )
                if (alert.status or ALERT_OPEN) == ALERT_OPEN and self.actor.may(
                    Permission.ACKNOWLEDGE_ALERTS
                ):
                    ui.button(
                        _("Acknowledge"), on_click=lambda _event, loaded=alert: self._acknowledge(loaded)
                    ).props("outline dense").mark(f"ack-{alert.alert_id}")
            with ui.row().classes("items-center gap-1 text-xs text-slate-500"):
                ui.label(alert.alert_id)
                if alert.ref:
                    path = record_path(alert.ref)
                    ui.label("·")
                    if path:
                        ui.link(alert.ref, path).mark(f"ref-{alert.alert_id}")
                    else:
                        ui.label(alert.ref)
                details = [
                    _("for {role}", role=_(alert.owner_role or "manager")),
                    _("first seen {moment}", moment=when(alert.first_seen)) if alert.first_seen else "",
                    _("last seen {moment}", moment=when(alert.last_seen)) if alert.last_seen else "",
                    _("resolved {moment}", moment=when(alert.resolved_at)) if alert.resolved_at else "",
                ]
                ui.label(" · " + " · ".join(part for part in details if part))

    async def _acknowledge(self, loaded: Record) -> None:
        ok, _unused = await call(alerts.acknowledge, loaded.alert_id, by=self.actor, base=loaded)
        if ok:
            ui.notify(_("Alert {alert_id} acknowledged", alert_id=loaded.alert_id), type="positive")
        await self.refresh()


def register() -> None:
    @ui.page("/alerts")
    async def alerts_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Alerts", actor):
            AlertList(actor).build()
