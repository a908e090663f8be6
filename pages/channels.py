"""The Channels page: each shop connection's last webhook, last sync, inbox backlog and errors (managers).

What is read comes from processes.channels.status, off the event loop; the two
buttons ask the runner that applies the inbox to sync now, or to try again now
what waits with a problem (after someone added the missing product, say).
"""

from __future__ import annotations

from nicegui import ui

from i18n import N_, _, ngettext
from pages.auth import signed_in
from pages.common import attempt, record_table, when
from pages.frame import frame
from processes import runtime
from processes.channels import status
from processes.channels.status import ConnectionStatus
from processes.permissions import Actor, Permission

#: Where the set-up is explained, named on the page.
SETUP_DOC = "docs/channels.md"


def register() -> None:
    @ui.page("/channels")
    async def channels_page() -> None:
        actor = await signed_in()
        if actor is None:
            return
        with frame("Channels", actor):
            if not actor.may(Permission.MANAGE_CHANNELS):
                ui.label(_("Only a manager or an admin may look after the shop connections.")).classes(
                    "text-negative"
                )
                return
            ChannelsView(actor).build()


class ChannelsView:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor

    def build(self) -> None:
        ui.label(
            _(
                "Orders and payments the shops send by themselves, and the tracking numbers sent back. "
                "Webhooks are kept the moment they arrive and put into the sheet in the background; "
                "the reconcile fetches whatever they missed."
            )
        ).classes("text-slate-600")
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        found = await attempt(status.connection_status, by=self.actor)
        if found is None:
            return
        self.body.clear()
        with self.body:
            if not found:
                ui.label(
                    _(
                        "No shop is connected. Set FLOWSHEET_SHOPIFY_SHOP and FLOWSHEET_SHOPIFY_TOKEN "
                        "(and FLOWSHEET_SHOPIFY_WEBHOOK_SECRET for webhooks), then restart: see {doc}.",
                        doc=SETUP_DOC,
                    )
                ).mark("no-connection")
            for connection in found:
                self._connection(connection)

    def _connection(self, shop: ConnectionStatus) -> None:
        with ui.card().classes("w-full gap-2").mark(f"channel-{shop.channel}"):
            ui.label(f"{shop.name} · {shop.shop}").classes("text-lg font-semibold")
            self._webhooks(shop)
            self._sync(shop)
            self._inbox(shop)
            self._fulfilments(shop)
            with ui.row().classes("gap-2"):
                ui.button(_("Sync now"), on_click=lambda: self.sync_now(shop.channel)).mark("sync-now")
                ui.button(_("Try again now"), on_click=lambda: self.try_again(shop.channel)).props(
                    "outline"
                ).mark("try-again")

    def _webhooks(self, shop: ConnectionStatus) -> None:
        last = shop.backlog.last_webhook
        if not shop.takes_webhooks:
            text = _(
                "Webhooks are off (FLOWSHEET_SHOPIFY_WEBHOOK_SECRET is not set): orders arrive with the reconcile."
            )
        elif last is None:
            text = _("No webhook has arrived yet.")
        else:
            text = _("Last webhook: {topic} at {at}", topic=last.topic, at=when(last.received_at))
        ui.label(text).mark("last-webhook")
        if shop.refused.count:
            ui.label(
                ngettext(
                    "{count} webhook refused since the app started, the last at {at}: {why}",
                    "{count} webhooks refused since the app started, the last at {at}: {why}",
                    shop.refused.count,
                    at=when(shop.refused.last_at),
                    why=shop.refused.last_reason,
                )
            ).classes("text-warning").mark("refused")

    def _sync(self, shop: ConnectionStatus) -> None:
        if shop.last_sync_at is None:
            ui.label(_("No sync has run yet.")).mark("last-sync")
        else:
            ui.label(_("Last sync: {at} · {said}", at=when(shop.last_sync_at), said=_sync_said(shop))).mark(
                "last-sync"
            )
        if shop.last_sync_error:
            ui.label(_("The last sync failed: {error}", error=shop.last_sync_error)).classes(
                "text-negative"
            ).mark("sync-error")
        if shop.sync_asked:
            ui.label(_("A sync has been asked for; it runs at the next look.")).classes("text-slate-500")

    def _inbox(self, shop: ConnectionStatus) -> None:
        backlog = shop.backlog
        ui.label(
            _(
                "Inbox: {pending} waiting to go into the sheet, {errors} of them with a problem",
                pending=backlog.pending,
                errors=backlog.with_errors,
            )
        ).mark("backlog")
        if shop.troubled:
            rows = [
                {
                    "entry": entry.entry_id,
                    "received_at": when(entry.received_at),
                    "topic": entry.topic,
                    "ref": entry.ref,
                    "attempts": entry.attempts,
                    "next_try_at": when(entry.next_try_at),
                    "error": entry.error,
                }
                for entry in shop.troubled
            ]
            record_table(
                [
                    ("received_at", N_("Received")),
                    ("topic", N_("Topic")),
                    ("ref", N_("Order")),
                    ("attempts", N_("Tries")),
                    ("next_try_at", N_("Next try")),
                    ("error", N_("Problem")),
                ],
                rows,
                "entry",
                str,
            ).mark("troubled")

    def _fulfilments(self, shop: ConnectionStatus) -> None:
        if not shop.fulfilments:
            ui.label(_("No fulfilment is waiting to reach the shop.")).mark("fulfilments")
            return
        waiting = len(shop.fulfilments)
        ui.label(
            ngettext(
                "{count} fulfilment waiting to reach the shop",
                "{count} fulfilments waiting to reach the shop",
                waiting,
            )
        ).mark("fulfilments")
        rows = [
            {
                "order_id": owed.order_id,
                "ref": owed.ref,
                "tracking_no": f"{owed.carrier} {owed.tracking_no}",
                "attempts": owed.attempts,
                "next_try_at": when(owed.next_try_at),
                "error": owed.error,
            }
            for owed in shop.fulfilments
        ]
        record_table(
            [
                ("order_id", N_("Order")),
                ("ref", N_("In the shop")),
                ("tracking_no", N_("Tracking number")),
                ("attempts", N_("Tries")),
                ("next_try_at", N_("Next try")),
                ("error", N_("Problem")),
            ],
            rows,
            "order_id",
            str,
            links={"order_id": "/orders/"},
        ).mark("waiting-fulfilments")

    async def sync_now(self, channel: str) -> None:
        if not await attempt(status.sync_now, channel, by=self.actor, now=runtime.workbook().clock()):
            return
        ui.notify(_("A sync was asked for: the orders arrive in a moment."), type="positive")
        await self.refresh()

    async def try_again(self, channel: str) -> None:
        count = await attempt(status.try_again_now, channel, by=self.actor, now=runtime.workbook().clock())
        if count is None:
            return
        ui.notify(
            ngettext(
                "{count} waiting item will be tried again now.",
                "{count} waiting items will be tried again now.",
                count,
            ),
            type="positive",
        )
        await self.refresh()


def _sync_said(shop: ConnectionStatus) -> str:
    """What the last sync did, in the reader's language (a sync from before the figures were kept: its sentence)."""
    figures = shop.last_sync_figures
    if not figures:
        return shop.last_sync
    return _(
        "Changed in the shop: {pulled} (new to the inbox: {new}); unpaid orders checked: {unpaid}; "
        "deliveries applied: {applied}; orders added: {added}",
        **{key: figures.get(key, 0) for key in ("pulled", "new", "unpaid", "applied", "added")},
    )
