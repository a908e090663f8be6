"""On an order from a connected shop: what the shop says about it, and whether its fulfilment reached the shop."""

from __future__ import annotations

from nicegui import ui

from i18n import _
from pages.common import when
from processes.channels.status import OrderInShop
from processes.channels.words import shop_payment_word


def shop_panel(shop: OrderInShop) -> None:
    with ui.card().classes("w-full gap-1").mark("in-shop"):
        report = shop.report
        if report is None:
            ui.label(_("{shop} has not reported this order to Flowsheet.", shop=shop.name))
        else:
            ui.label(
                _(
                    "In {shop}: payment {payment}, fulfilment {fulfilment} (as reported at {at})",
                    shop=shop.name,
                    payment=shop_payment_word(report.financial),
                    fulfilment=report.fulfillment.replace("_", " ") or "—",
                    at=when(report.seen_at),
                )
            ).mark("shop-report")
        owed = shop.fulfilment
        if owed is None:
            return
        if owed.done:
            ui.label(
                _(
                    "Fulfilled in {shop} at {at} with {carrier}, tracking {tracking_no}; the shop told the customer.",
                    shop=shop.name,
                    at=when(owed.done_at),
                    carrier=owed.carrier,
                    tracking_no=owed.tracking_no,
                )
            ).classes("text-positive").mark("shop-fulfilment")
        elif owed.error:
            ui.label(
                _(
                    "Not fulfilled in {shop} yet: {error} (tries so far: {attempts}; next try at {at}).",
                    shop=shop.name,
                    error=owed.error,
                    attempts=owed.attempts,
                    at=when(owed.next_try_at),
                )
            ).classes("text-negative").mark("shop-fulfilment")
        else:
            ui.label(_("The fulfilment is on its way to {shop}.", shop=shop.name)).classes(
                "text-slate-600"
            ).mark("shop-fulfilment")
