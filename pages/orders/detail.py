"""One order: what it holds, the steps its state allows (with their checklists), and its timeline."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _, ngettext
from pages.common import background, call, when
from pages.links import record_path
from pages.responsive import cards_on_phones
from pages.scan_field import ScanField, announce
from pages.steps_panel import StepsPanel
from processes import master_data, orders, scanning
from processes.archive import read_only_message
from processes.channels.status import order_in_shop
from processes.orders import ORDER, OrderView, order_steps
from processes.orders.procedure import payment_of
from processes.permissions import Actor
from processes.scanning import CodeBook, Outcome, Tally
from sheets.tabs import ORDERS

from .common import money
from .shop_panel import shop_panel

#: What a step did, said after the order's ID.
DONE = {
    "confirm": N_("is confirmed"),
    "record_payment": N_("is paid"),
    "record_payment_early": N_("is paid"),
    "start_picking": N_("is being picked"),
    "pack": N_("is packed"),
    "ship": N_("is shipped; the customer will be told"),
    "deliver": N_("is delivered; a survey is on its way to the customer"),
    "cancel": N_("is cancelled"),
}
DONE_OTHERWISE = N_("is updated")


class PickList:
    """The pick list of the pack step: a box per line, ticked as each is taken; its value, the lines ticked.

    Scanning the units ticks a line once all of its units are scanned; a wrong item is refused.
    """

    def __init__(self, view: OrderView, book: CodeBook) -> None:
        ui.label(_("Pick list: tick each line as it is taken, or scan its units")).classes("text-sm")
        self.book = book
        self.lines = {line.line_id: line for line in view.lines}
        self.tally = Tally(expected={line.line_id: line.qty or 0 for line in view.lines})
        self.scan = ScanField(self.scanned)
        self.boxes = {
            line.line_id: ui.checkbox(f"{line.qty} × {line.name} ({line.sku})").mark(f"pick-{line.line_id}")
            for line in view.lines
        }

    async def scanned(self, code: str, qty: int) -> None:
        sku = self.book.product(code)
        keys = [line_id for line_id, line in self.lines.items() if line.sku == sku] if sku else []
        outcome, line_id = self.tally.add_to_first(keys, qty) if sku else (Outcome.UNKNOWN, "")
        name = self.book.name(sku) if sku else code
        counted, wanted = self.tally.counted(line_id), self.tally.expected.get(line_id)
        announce(self.scan, outcome, code=code, name=name, counted=counted, wanted=wanted)
        if outcome is Outcome.COMPLETE:
            self.boxes[line_id].value = True

    @property
    def value(self) -> list[str]:
        return [line_id for line_id, box in self.boxes.items() if box.value]


class OrderDetail:
    def __init__(self, order_id: str, actor: Actor, site_url: str) -> None:
        self.order_id = order_id
        self.actor = actor
        self.site_url = site_url
        self.view: OrderView | None = None

    def build(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        ui.timer(0, self.refresh, once=True)

    async def refresh(self) -> None:
        ok, view = await call(orders.order_view, self.order_id)
        if not ok:
            return
        ok, locations = await call(master_data.choices, master_data.LOCATION)
        live = view is not None and view.archived is None
        in_shop = await background(order_in_shop, view.order) if live else None
        _ok, book = await call(scanning.code_book)
        self.book = book or CodeBook()
        self.view = view
        self.body.clear()
        with self.body:
            if view is None:
                ui.label(_("There is no order {order_id}.", order_id=self.order_id))
                ui.link(_("Back to the orders"), "/orders")
                return
            if view.archived is not None:
                ui.label(read_only_message(ORDERS, view.order.order_id, view.archived)).classes(
                    "text-warning"
                ).mark("archived")
            self._summary(view)
            if in_shop is not None:
                shop_panel(in_shop)
            self._lines(view)
            if view.archived is None:
                self._steps(view, locations or {})
            self._timeline(view)

    def _summary(self, view: OrderView) -> None:
        order = view.order
        with ui.card().classes("w-full gap-1"):
            with ui.row().classes("items-center gap-3"):
                ui.label(order.order_id).classes("text-lg font-semibold")
                if order.external_ref:
                    ui.label(f"{i18n.value(order.channel or '')} {order.external_ref}").classes(
                        "text-slate-600"
                    )
                ui.badge(i18n.value(ORDER.state_of(order))).mark("order-status")
                ui.badge(_("payment {value}", value=i18n.value(payment_of(order))), color="grey").mark(
                    "payment-status"
                )
            ui.label(f"{order.customer_name} · {order.customer_email or _('no email')}")
            ui.label(_("Ship to: {value}", value=order.ship_address or _("(no address)")))
            ui.label(_("Ships from: {value}", value=view.location_name or "(not chosen yet)"))
            ui.label(_("Total: {money}", money=money(order.total)))
            if order.return_id:
                with ui.row().classes("gap-1 items-baseline"):
                    ui.label(_("Replacement for"))
                    ui.link(order.return_id, record_path(order.return_id) or "/returns").mark(
                        "replaces-return"
                    )
            if order.carrier or order.tracking_no:
                ui.label(
                    _(
                        "Carrier: {value} · tracking {value2}",
                        value=order.carrier or "",
                        value2=order.tracking_no or "",
                    )
                )

    def _lines(self, view: OrderView) -> None:
        columns = [
            {"name": "sku", "label": _("SKU"), "field": "sku", "align": "left"},
            {"name": "name", "label": _("Product"), "field": "name", "align": "left"},
            {"name": "qty", "label": _("Qty"), "field": "qty"},
            {"name": "unit_price", "label": _("Unit price"), "field": "unit_price"},
        ]
        rows = [
            {
                "line_id": line.line_id,
                "sku": line.sku,
                "name": line.name,
                "qty": line.qty,
                "unit_price": money(line.unit_price),
            }
            for line in view.lines
        ]
        lines = ui.table(columns=columns, rows=rows, row_key="line_id").props(
            "dense flat bordered hide-pagination"
        )
        cards_on_phones(lines.classes("w-full max-w-3xl"))

    def _steps(self, view: OrderView, locations: dict[str, str]) -> None:
        if not order_steps(view.order, self.actor):
            ui.label(_("Nothing more to do for this order.")).classes("text-slate-500")
            return
        fields = {
            "location_id": lambda: ui.select(
                locations, label=_("Ships from"), value=view.order.location_id or None
            ).classes("w-72"),
            "picked": lambda: PickList(view, self.book),
            "carrier": lambda: ui.input(_("Carrier")).classes("w-48"),
            "tracking_no": lambda: ui.input(_("Tracking number")).classes("w-64"),
        }
        StepsPanel(
            ORDER,
            view.order,
            self.actor,
            on_done=self.refresh,
            fields=fields,
            site_url=self.site_url,
            notice=lambda step: _(
                "Order {order_id} {get}", order_id=self.order_id, get=_(DONE.get(step.action, DONE_OTHERWISE))
            ),
        ).draw()

    def _timeline(self, view: OrderView) -> None:
        ui.label(_("Timeline")).classes("font-semibold")
        with ui.column().classes("gap-0"):
            if view.audit_read is not None:
                ui.label(
                    ngettext(
                        "Changes older than the newest {count:,} row in the Audit are not shown here; "
                        "the Audit tab holds them all.",
                        "Changes older than the newest {count:,} rows in the Audit are not shown here; "
                        "the Audit tab holds them all.",
                        view.audit_read,
                    )
                ).classes("text-sm text-gray-500").mark("audit-partial")
            for event in view.timeline:
                who = f" · {event.who}" if event.who else ""
                ui.label(f"{when(event.at)}{who} · {event.what}").classes("text-sm")
