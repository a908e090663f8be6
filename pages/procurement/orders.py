"""Purchase orders: the list, and one order with its steps, receiving checklist and print link."""

from __future__ import annotations

from nicegui import ui

import i18n
from i18n import N_, _
from pages.common import attempt, background
from pages.procurement.common import ALL, ORDER_STATES, fact, status_filter, status_list, table
from pages.responsive import touch
from pages.scan_count import ScanCount
from pages.steps_panel import StepsPanel
from processes import SheetError, procurement, runtime, scanning
from processes.errors import ProcessError
from processes.permissions import Actor
from processes.procedure import Transition
from processes.procurement import RECEIVING_STEPS
from processes.scanning import CodeBook


class OrdersPage:
    def __init__(self) -> None:
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        with ui.row().classes("w-full items-end gap-4"):
            self.status = status_filter(ORDER_STATES, self.refresh)
            ui.link(_("Purchase requests"), "/procurement")
        self.list = ui.column().classes("w-full")
        await self.refresh()

    async def refresh(self) -> None:
        status = None if self.status.value == ALL else self.status.value
        rows = await attempt(procurement.order_rows, self.workbook, status)
        if rows is None:
            return
        drawn = status_list(
            self.list,
            rows,
            status,
            nothing=N_(
                "No purchase orders. A purchase order is made from a purchase request once a supplier is chosen."
            ),
            nothing_in_state=N_("No purchase order is {status}."),
            columns=[
                ("po_id", N_("Order")),
                ("request_id", N_("Request")),
                ("supplier", N_("Supplier")),
                ("product", N_("Product")),
                ("qty", N_("Qty")),
                ("received", N_("Received")),
                ("total", N_("Total")),
                ("status", N_("Status")),
                ("expected_at", N_("Expected")),
            ],
            key="po_id",
            links={"po_id": "/procurement/orders/", "request_id": "/procurement/requests/"},
        )
        if drawn is not None:
            drawn.mark("orders")


# --- /procurement/orders/{id}: approval, ordering, receiving -----------------------------


class OrderPage:
    def __init__(self, actor: Actor, po_id: str) -> None:
        self.actor = actor
        self.po_id = po_id
        self.workbook = runtime.workbook()

    async def build(self) -> None:
        self.body = ui.column().classes("w-full gap-4")
        await self.load()

    async def load(self) -> None:
        try:
            view = await background(procurement.order_view, self.workbook, self.po_id)
        except (ProcessError, SheetError) as problem:
            self.body.clear()
            with self.body:
                ui.label(str(problem)).classes("text-negative")
                ui.link(_("All purchase orders"), "/procurement/orders")
            return
        self.view = view
        try:
            self.book = await background(scanning.code_book, self.workbook)
        except (ProcessError, SheetError):
            self.book = CodeBook()
        self.body.clear()
        with self.body:
            self.summary(view)

            def receiving(step: Transition) -> None:
                self.receiving_form(view)

            extras = dict.fromkeys(RECEIVING_STEPS, receiving)
            StepsPanel(
                procurement.PURCHASE_ORDER, view.order, self.actor, on_done=self.load, extras=extras
            ).draw()
            self.receipts(view)

    def summary(self, view: procurement.OrderView) -> None:
        order = view.order
        with ui.row().classes("items-center gap-3"):
            ui.label(
                f"{order.po_id}: {order.qty} × {view.product.name if view.product else order.sku}"
            ).classes("text-lg font-semibold")
            ui.badge(i18n.value(order.status)).props("outline")
            ui.link(_("Printable purchase order"), f"/procurement/orders/{order.po_id}/print", new_tab=True)
        with ui.column().classes("gap-0"):
            fact("Supplier", view.supplier.name if view.supplier else order.supplier_id)
            fact("Unit price", order.unit_price)
            fact("Total", order.total)
            fact("Deliver to", view.location.name if view.location else order.location_id)
            fact("Expected by", order.expected_at)
            fact("Ordered at", order.ordered_at)
            fact("Approved by", order.approved_by)
            fact("Contract", order.contract_ref)
            fact("Why this supplier", order.selection_reason)
            if order.exception_reason:
                fact("Quote exception", order.exception_reason)
            fact("Received so far", _("{part} of {whole}", part=view.received, whole=order.qty))
        if order.request_id:
            ui.link(
                _("Request {request_id}", request_id=order.request_id),
                f"/procurement/requests/{order.request_id}",
            )

    def receiving_form(self, view: procurement.OrderView) -> None:
        with ui.card().classes("w-full max-w-3xl gap-1"):
            ui.label(
                _(
                    "Receive a delivery: {outstanding} of {qty} still to come",
                    outstanding=view.outstanding,
                    qty=view.order.qty,
                )
            ).classes("text-base font-semibold")
            for item in procurement.PURCHASE_ORDER.transition("receive").checklist:
                ui.label(f"• {_(item)}").classes("text-sm")
            ui.label(_("Scan each unit as it is unpacked, or type the quantity received.")).classes("text-sm")
            received = ScanCount(
                self.book,
                view.order.sku,
                most=view.outstanding,
                memory_key=f"receive:{self.po_id}",
                label=_("Quantity received"),
                key=procurement.new_receipt_id(),  # saving the delivery twice records it once
                on_count=lambda counted: accepted.set_value(max(0, counted - int(rejected.value or 0))),
            )
            with ui.row().classes("w-full items-end gap-3"):
                accepted = ui.number(_("Quantity accepted"), min=0, step=1, format="%.0f").classes("w-36")
                rejected = ui.number(_("Quantity rejected"), value=0, min=0, step=1, format="%.0f").classes(
                    "w-36"
                )
                location = ui.select(view.locations, value=view.order.location_id, label=_("Put at")).classes(
                    "w-56"
                )
            notes = ui.input(_("Inspection notes")).classes("w-full")

            async def record() -> None:
                receipt = await attempt(
                    procurement.receive,
                    self.workbook,
                    self.po_id,
                    qty_received=received.value,
                    receipt_id=received.key,
                    qty_accepted=accepted.value,
                    qty_rejected=rejected.value,
                    location_id=location.value,
                    inspection_notes=notes.value,
                    by=self.actor,
                    base=self.view.order,
                )
                if receipt is not None:
                    received.saved()
                    ui.notify(
                        _(
                            "Delivery {receipt_id} recorded: {qty_accepted} into stock",
                            receipt_id=receipt.receipt_id,
                            qty_accepted=receipt.qty_accepted,
                        ),
                        type="positive",
                    )
                    await self.load()

            touch(ui.button(_("Record the delivery"), on_click=record))

    def receipts(self, view: procurement.OrderView) -> None:
        ui.label(_("Deliveries")).classes("text-base font-semibold")
        if not view.receipts:
            ui.label(_("Nothing received yet."))
            return
        table(
            [
                ("receipt_id", N_("Delivery")),
                ("received_at", N_("Received")),
                ("location_id", N_("Put at")),
                ("qty_received", N_("Received")),
                ("qty_accepted", N_("Accepted")),
                ("qty_rejected", N_("Rejected")),
                ("inspection_notes", N_("Inspection")),
                ("received_by", N_("By")),
            ],
            [
                receipt.to_dict()
                | {"location_id": view.location_names.get(receipt.location_id, receipt.location_id)}
                for receipt in view.receipts
            ],
            "receipt_id",
        ).mark("receipts")
