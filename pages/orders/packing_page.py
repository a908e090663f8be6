"""The packing station: scan the order's number, then every unit it holds; only a verified order is packed.

One order per screen. Each scan of an item counts one unit of its line (a wrong
item or one too many is refused with a low beep and two buzzes); *Mark as packed*
is offered once every unit is verified, and calls the order's own pack step.
The scans stay in the browser until the order is packed, so a reload or a
dropped connection loses none, and a second press finds the order packed.
"""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.common import call
from pages.responsive import touch
from pages.scan_field import ScanField, ScanMemory, announce
from processes import orders, scanning
from processes.orders import ORDER, PickList
from processes.permissions import Actor
from processes.scanning import CodeBook, Outcome, Tally

#: The states an order is packed from (being picked), as its procedure declares.
PACKED_FROM = ORDER.transition("pack").sources


class PackingStart:
    """Scan or type the order number to pack."""

    def build(self) -> None:
        ui.label(_("Scan the order number on the pick list or the packing slip.")).classes("text-base")
        self.scan = ScanField(self.scanned, label=N_("Order number"))

    async def scanned(self, code: str, qty: int) -> None:
        ok, order_id = await call(orders.find_order, code)
        if not ok:
            return
        if order_id is None:
            self.scan.bad(_("No order being picked has the number {code}.", code=code))
            return
        ui.navigate.to(f"/orders/packing/{order_id}")


class PackingView:
    """One order: its lines with what is verified, the scan field, and the pack step once all is there."""

    def __init__(self, order_id: str, actor: Actor) -> None:
        self.order_id = order_id
        self.actor = actor
        self.book = CodeBook()
        self.tally = Tally()
        self.pick: PickList | None = None

    def build(self) -> None:
        self.head = ui.column().classes("w-full gap-1")
        self.scan = ScanField(self.scanned)
        self.body = ui.column().classes("w-full gap-2")
        self.memory = ScanMemory(f"pack:{self.order_id}")
        ui.timer(0, self.load, once=True)

    async def load(self) -> None:
        ok, pick = await call(orders.pick_list, self.order_id)
        if not ok:
            return
        _ok, book = await call(scanning.code_book, pick.location_id or None)
        self.book, self.pick = book or CodeBook(), pick
        self.tally = Tally(expected=pick.expected)
        self._head()
        if pick.status not in PACKED_FROM:
            self.memory.forget()
            self.scan.input.disable()
        else:
            self.memory.restore(self._take_back)
        self._draw()

    def _take_back(self, kept: dict) -> None:
        self.tally.take_back(kept, known=self.tally.expected)
        self._draw()

    def _head(self) -> None:
        pick = self.pick
        self.head.clear()
        with self.head:
            ui.label(_("Order {number}", number=pick.number)).classes("text-2xl font-semibold").mark(
                "order-number"
            )
            ui.label(f"{pick.customer_name} · {pick.location_name}").classes("text-slate-600")
            ui.link(_("Packing slip"), f"/orders/{self.order_id}/packing-slip", new_tab=True)

    def _draw(self) -> None:
        pick = self.pick
        self.body.clear()
        with self.body:
            if pick.status not in PACKED_FROM:
                ui.label(
                    _(
                        "Order {number} is not being picked (it is {status}); nothing to pack.",
                        number=pick.number,
                        status=i18n.value(pick.status),
                    )
                ).classes("text-slate-600").mark("not-packing")
                ui.link(_("Pack another order"), "/orders/packing")
                return
            for sku, wanted in pick.expected.items():
                got = self.tally.counted(sku)
                done = got >= wanted
                line = next(line for line in pick.lines if line.sku == sku)
                with ui.card().classes("w-full p-3 " + ("bg-green-50" if done else "")).mark(f"line-{sku}"):
                    ui.label(f"{line.name} ({sku})").classes("text-base font-medium")
                    where = _("bin {value}", value=line.bin) if line.bin else ""
                    ui.label(
                        " · ".join(
                            part
                            for part in (
                                _("{counted} of {wanted} verified", counted=got, wanted=wanted),
                                where,
                            )
                            if part
                        )
                    ).classes("text-lg " + ("text-green-800" if done else "text-slate-700"))
            missing = sum(self.tally.missing().values())
            if missing:
                ui.label(
                    ngettext("{count} unit still to scan", "{count} units still to scan", missing)
                ).classes("text-slate-600").mark("still-to-scan")
            else:
                touch(ui.button(_("Mark as packed"), on_click=self.pack, color="positive")).mark("pack")

    async def scanned(self, code: str, qty: int) -> None:
        outcome, sku = self.tally.scan(self.book, code, qty)
        if outcome is Outcome.PLACE:
            outcome = Outcome.NOT_EXPECTED if self.book.product(code) else Outcome.UNKNOWN
        announce(
            self.scan,
            outcome,
            code=code,
            name=self.book.name(sku) if sku else code,
            counted=self.tally.counted(sku),
            wanted=self.tally.expected.get(sku),
        )
        if outcome.good:
            self.memory.keep(self.tally.kept())
            self._draw()

    async def pack(self) -> None:
        if not self.tally.complete:
            self.scan.bad(_("Scan every unit of the order before packing it."))
            return
        picked = [line.line_id for line in self.pick.lines]
        ok, _order = await call(orders.take_step, self.order_id, "pack", by=self.actor, picked=picked)
        if ok:
            self.memory.forget()
            ui.notify(_("Order {number} is packed", number=self.pick.number), type="positive")
            await self.load()
